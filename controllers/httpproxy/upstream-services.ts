/**
 * A route's or tcpproxy's `services` entries resolved to model clusters, as upstream's computeRoutes
 * and processHTTPProxyTCPProxy do: a Service port in the proxy's namespace, a protocol (the entry's,
 * else the Service's annotations), upstream certificate validation against a delegated CA Secret,
 * and the route's cluster-level policies (load balancing, health checks, idle connections).
 */
import type { HTTPProxyService, UpstreamValidation } from "../../crds/types/httpproxy.js";
import type { Cluster, HeadersPolicy, HealthCheck, TlsSecret } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import { quote } from "../store/conditions.js";
import { edsName } from "../model/names.js";
import { serviceClusterName, type WrittenHealthCheck } from "../model/cluster-name.js";
import { lookupServicePort } from "../services/service-lookup.js";
import { serviceCluster } from "../services/service-cluster.js";
import { lookupCaSecret } from "../secrets/lookup-ca-secret.js";
import { lookupTlsSecret, type SecretRef } from "../secrets/lookup-tls-secret.js";
import { headersPolicy, hostRewriteOf } from "./headers-policy.js";
import { Area, proxyError, proxyWarning, refile } from "./proxy-conditions.js";
import { secretRef } from "./secret-ref.js";
import { slowStart } from "./slow-start.js";
import { int, list, obj, str } from "./spec-values.js";

/** Cluster settings that come from the route (or tcpproxy) rather than from the Service. */
export interface ClusterPolicy {
  readonly loadBalancer: Cluster["loadBalancer"];
  readonly healthCheck?: HealthCheck;
  readonly idleConnectionTimeoutMs?: number;
  /** The route's healthCheckPolicy as written: upstream's cluster name hashes its values before defaults. */
  readonly writtenHealthCheck?: unknown;
  /** The route's Host rewrite: the SNI of TLS clusters whose service sets none. */
  readonly routeHostRewrite?: string;
  /** Read header policies of the entry (routes only; tcpproxy services have none). */
  readonly headerPolicies: boolean;
}

/** What resolving one entry needs. */
export interface ServiceContext {
  readonly cache: ObjectCache;
  /** The proxy's namespace: Services are always looked up there. */
  readonly namespace: string;
  readonly connectTimeoutMs: number;
  /** The Secret Envoy presents to TLS backends (upstream's `tls.envoy-client-certificate`); unset: none. */
  readonly clientCertificate?: SecretRef | undefined;
  /** Every Service and Secret read is appended here. */
  readonly dependencies: ObjectKey[];
  /** ExternalName Services may be used (config file enableExternalNameService); default false. */
  readonly enableExternalNameService?: boolean;
}

/** A resolved entry, an entry left out (the route may still be served), or an error that fails the proxy. */
export type ServiceResolution =
  | {
      readonly kind: "ok";
      readonly cluster: Cluster;
      readonly secrets: readonly TlsSecret[];
      readonly warnings: readonly Condition[];
      readonly requestHeaders?: HeadersPolicy;
      readonly responseHeaders?: HeadersPolicy;
    }
  | { readonly kind: "unresolved"; readonly condition: Condition }
  | { readonly kind: "fatal"; readonly condition: Condition };

const PROTOCOLS: ReadonlySet<string> = new Set(["h2", "h2c", "tls"]);

/** Resolves one `services` entry; `field` is its path ("spec.routes[0].services[1]"). */
export function resolveService(ctx: ServiceContext, raw: unknown, field: string, policy: ClusterPolicy): ServiceResolution {
  const svc = obj<HTTPProxyService>(raw);
  const name = str(svc?.name) ?? "";
  const port = int(svc?.port);
  const fatal = (area: typeof Area[keyof typeof Area], reason: string, message: string): ServiceResolution => ({ kind: "fatal", condition: proxyError(area, reason, `${field}: ${message}`) });
  if (svc === undefined) return fatal(Area.Service, "ServiceUnresolvedReference", "not an object");
  if (port === undefined || port < 1 || port > 65535) return fatal(Area.Service, "ServicePortInvalid", `service ${quote(name)}: port must be in the range 1-65535`);

  const lookup = lookupServicePort(ctx.cache, ctx.namespace, name, { number: port }, field, ["TCP"], { enabled: ctx.enableExternalNameService === true });
  ctx.dependencies.push(lookup.dependency);
  if (!lookup.ok) return { kind: "unresolved", condition: refile(lookup.condition, Area.Service, "ServiceUnresolvedReference") };

  const base = serviceCluster(lookup.service, lookup.port, { connectTimeoutMs: ctx.connectTimeoutMs, loadBalancer: policy.loadBalancer });
  const warnings: Condition[] = base.warnings.map((w) => ({ ...w, category: Area.Service }));
  let protocol = base.value.protocol;
  if (svc.protocol !== undefined) {
    if (typeof svc.protocol !== "string" || !PROTOCOLS.has(svc.protocol)) return fatal(Area.Service, "UnsupportedProtocol", `unsupported protocol: ${quote(String(svc.protocol))}`);
    protocol = svc.protocol;
  }

  let requestHeaders: HeadersPolicy | undefined;
  let responseHeaders: HeadersPolicy | undefined;
  if (policy.headerPolicies) {
    const dynamic = { CONTOUR_NAMESPACE: ctx.namespace, CONTOUR_SERVICE_NAME: name, CONTOUR_SERVICE_PORT: String(port) };
    const request = headersPolicy(svc.requestHeadersPolicy, { allowHost: true, dynamic });
    if (!request.ok) return fatal(Area.Service, "RequestHeadersPolicyInvalid", `requestHeadersPolicy: ${request.problem}`);
    const response = headersPolicy(svc.responseHeadersPolicy, { allowHost: false, dynamic });
    if (!response.ok) return fatal(Area.Service, "ResponseHeadersPolicyInvalid", `responseHeadersPolicy: ${response.problem}`);
    requestHeaders = request.policy;
    if (request.ignored !== undefined) warnings.push(proxyWarning(Area.Service, "IgnoredField", `${field}.requestHeadersPolicy: ${request.ignored}`));
    responseHeaders = response.policy;
  }

  const secrets: TlsSecret[] = [];
  let upstreamValidation: Cluster["upstreamValidation"];
  const validation = obj<UpstreamValidation>(svc.validation);
  if (validation !== undefined && (protocol === "tls" || protocol === "h2")) {
    const caRef = str(validation.caSecret) ?? "";
    const subjectName = str(validation.subjectName) ?? "";
    if (caRef === "" || subjectName === "") return fatal(Area.Service, "TLSUpstreamValidation", `validation: caSecret and subjectName must both be set`);
    const found = lookupCaSecret(ctx.cache, secretRef(caRef, ctx.namespace), ctx.namespace, `${field}.validation.caSecret`);
    ctx.dependencies.push(...found.dependencies);
    if (!found.ok) {
      return found.condition.reason === "DelegationNotPermitted"
        ? { kind: "fatal", condition: refile(found.condition, Area.TLS, "CACertificateNotDelegated") }
        : { kind: "fatal", condition: refile(found.condition, Area.Service, "TLSUpstreamValidation") };
    }
    secrets.push(found.secret);
    upstreamValidation = { caSecret: found.secret.name, subjectName };
    if (list(validation.subjectNames).length > 1) {
      warnings.push(proxyWarning(Area.Service, "IgnoredField", `${field}.validation.subjectNames: only subjectName is checked; the other names are not accepted`));
    }
  } else if (validation !== undefined) {
    warnings.push(proxyWarning(Area.Service, "IgnoredField", `${field}.validation: applies only to the tls and h2 protocols; ignored`));
  }

  let clientCertificate: string | undefined;
  if (ctx.clientCertificate !== undefined && (protocol === "tls" || protocol === "h2")) {
    // Configured by the operator, so no delegation is asked for (as upstream's LookupTLSSecretInsecure).
    const ref = ctx.clientCertificate;
    const found = lookupTlsSecret(ctx.cache, ref, ref.namespace, "tls.envoy-client-certificate");
    ctx.dependencies.push(...found.dependencies);
    if (!found.ok) return { kind: "fatal", condition: refile(found.condition, Area.TLS, "SecretNotValid") };
    secrets.push(found.secret);
    clientCertificate = found.secret.name;
  }

  // As upstream: a healthPort counts only with a health check policy; it must be a port of the same Service.
  let endpoints = base.value.endpoints;
  const healthPort = int(svc.healthPort);
  if (healthPort !== undefined && healthPort > 0 && healthPort !== port && policy.healthCheck !== undefined) {
    const health = lookupServicePort(ctx.cache, ctx.namespace, name, { number: healthPort }, `${field}.healthPort`);
    if (!health.ok) return { kind: "unresolved", condition: refile(health.condition, Area.Service, "ServiceUnresolvedReference") };
    endpoints = edsName(ctx.namespace, name, lookup.port.name ?? "", health.port.name ?? "");
  }
  // cookieRewritePolicies are the route's business (proxy-routes.ts): they change no cluster setting.
  const ramp = slowStart(svc.slowStartPolicy, policy.loadBalancer, field);
  if (!ramp.ok) return { kind: "fatal", condition: ramp.condition };

  const sni = protocol === "tls" || protocol === "h2" ? (hostRewriteOf(requestHeaders) ?? policy.routeHostRewrite) : undefined;
  const { name: _name, ...settings } = {
    ...base.value,
    endpoints,
    protocol,
    ...(lookup.service.spec?.type === "ExternalName" && lookup.service.spec.externalName ? { externalName: lookup.service.spec.externalName } : {}),
    ...(upstreamValidation !== undefined ? { upstreamValidation } : {}),
    ...(sni !== undefined ? { sni } : {}),
    ...(clientCertificate !== undefined ? { clientCertificate } : {}),
    ...(policy.healthCheck !== undefined ? { healthCheck: policy.healthCheck } : {}),
    ...(policy.idleConnectionTimeoutMs !== undefined ? { idleConnectionTimeoutMs: policy.idleConnectionTimeoutMs } : {}),
    ...(ramp.value !== undefined ? { slowStart: ramp.value } : {}),
  } satisfies Cluster;
  // Upstream's determineSNI puts the Host rewrite (else the ExternalName) on every cluster and hashes it, TLS or not.
  const upstreamSni = hostRewriteOf(requestHeaders) ?? policy.routeHostRewrite ?? settings.externalName ?? "";
  const cluster: Cluster = { name: serviceClusterName(settings, upstreamSni, writtenHealth(policy)), ...settings };
  return {
    kind: "ok",
    cluster,
    secrets,
    warnings,
    ...(requestHeaders !== undefined ? { requestHeaders } : {}),
    ...(responseHeaders !== undefined ? { responseHeaders } : {}),
  };
}

/** The route's HTTP health check values as written (0 where absent), for the cluster's name. */
function writtenHealth(policy: ClusterPolicy): WrittenHealthCheck | undefined {
  const hc = obj<{ path?: unknown; timeoutSeconds?: unknown; intervalSeconds?: unknown; unhealthyThresholdCount?: unknown; healthyThresholdCount?: unknown }>(policy.writtenHealthCheck);
  if (hc === undefined || policy.healthCheck?.kind !== "http") return undefined;
  return {
    path: policy.healthCheck.path,
    timeoutMs: (int(hc.timeoutSeconds) ?? 0) * 1000,
    intervalMs: (int(hc.intervalSeconds) ?? 0) * 1000,
    unhealthyThreshold: int(hc.unhealthyThresholdCount) ?? 0,
    healthyThreshold: int(hc.healthyThresholdCount) ?? 0,
  };
}
