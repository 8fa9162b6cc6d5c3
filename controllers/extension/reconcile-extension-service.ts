/**
 * ExtensionService (projectcontour.io/v1alpha1) → one model cluster named `extension/<namespace>/<name>`,
 * as upstream's ExtensionServiceProcessor builds its ExtensionCluster: the weighted Service ports of
 * the object's own namespace (never another's: a cross-namespace reference could subvert the
 * installation), HTTP/2 over TLS (h2, the default) or cleartext (h2c), certificate validation
 * against a CA Secret whose first subject name is also the SNI, timeouts, load balancing and
 * circuit breakers. Any error leaves the cluster out; the object's conditions say why.
 */
import type { ExtensionService, ExtensionServiceSpec, ExtensionServiceTarget } from "../../crds/types/extensionservice.js";
import type { UpstreamValidation } from "../../crds/types/httpproxy.js";
import type { Cluster, ExtensionClusterMember, SourceRef, TlsSecret } from "../model/model.js";
import { edsName } from "../model/names.js";
import type { Condition, Fragment } from "../store/fragment.js";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import { finishConditions, isError, quote, uniqueConditions } from "../store/conditions.js";
import { lookupServicePort } from "../services/service-lookup.js";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "../services/service-cluster.js";
import { lookupCaSecret } from "../secrets/lookup-ca-secret.js";
import { secretRef } from "../httpproxy/secret-ref.js";
import { Area, proxyError, proxyWarning, refile } from "../httpproxy/proxy-conditions.js";
import { int, list, obj, str } from "../httpproxy/spec-values.js";
import { extensionCircuitBreakers, extensionLoadBalancer, extensionTimeouts, type ClusterCircuitBreakers } from "./extension-policies.js";

/** The kind name used in SourceRefs and the Valid message. */
export const EXTENSION_SERVICE = "ExtensionService";

/** Settings from the controller's configuration (upstream's ExtensionServiceProcessor fields). */
export interface ExtensionOptions {
  /** cluster.connect-timeout; upstream's default 2 s. */
  readonly connectTimeoutMs?: number;
  /** cluster.circuit-breakers: used when the object sets no circuitBreakerPolicy. */
  readonly defaultCircuitBreakers?: ClusterCircuitBreakers;
}

/** The Envoy cluster (and EDS) name of an ExtensionService, upstream's ExtensionClusterName. */
export function extensionClusterName(namespace: string, name: string): string {
  // No content hash: one object is one cluster, and an edited field must not make a new cluster
  // that ext_authz or rate limit filters would have to be re-pointed at.
  return `extension/${namespace}/${name}`;
}

/** The model fragment of one ExtensionService; pure and total: bad input becomes conditions. */
export function reconcileExtensionService(cache: ObjectCache, ext: ExtensionService, options: ExtensionOptions = {}): Fragment {
  const namespace = ext.metadata?.namespace ?? "";
  const name = ext.metadata?.name ?? "";
  const source: SourceRef = { kind: EXTENSION_SERVICE, namespace, name };
  const spec = obj<ExtensionServiceSpec>(ext.spec) ?? ({} as Partial<ExtensionServiceSpec>);
  const conditions: Condition[] = [];
  const dependencies: ObjectKey[] = [];

  const timeouts = extensionTimeouts(spec.timeoutPolicy, conditions);
  const circuitBreakers = extensionCircuitBreakers(spec.circuitBreakerPolicy, options.defaultCircuitBreakers, conditions);
  const loadBalancer = extensionLoadBalancer(spec.loadBalancerPolicy, conditions);

  let protocol: "h2" | "h2c" = "h2";
  const specProtocol: unknown = spec.protocol;
  if (specProtocol === "h2c" || specProtocol === "h2") protocol = specProtocol;
  else if (specProtocol !== undefined && specProtocol !== "") {
    // The CRD admits only h2 and h2c (upstream relies on that); an object stored under another schema may hold anything.
    conditions.push(proxyError(Area.Spec, "UnsupportedProtocol", `spec.protocol: unsupported protocol ${quote(String(specProtocol))}; h2 or h2c`));
  }

  const secrets: TlsSecret[] = [];
  let tls: Pick<Cluster, "upstreamValidation" | "sni"> = {};
  if (spec.validation !== undefined) {
    const validated = upstreamValidation(cache, spec.validation, namespace, dependencies);
    if (!validated.ok) {
      // Upstream stops here: the services are not looked at until the validation is fixed.
      conditions.push(validated.condition);
      return fragmentOf(source, undefined, [], conditions, dependencies);
    }
    secrets.push(validated.secret);
    tls = { upstreamValidation: validated.validation, sni: validated.validation.subjectName };
    if (protocol !== "h2") conditions.push(proxyError(Area.Spec, "InconsistentProtocol", `spec.validation: upstream TLS validation not supported for ${quote(protocol)} protocol`));
  }

  const members = resolveTargets(cache, namespace, spec.services, conditions, dependencies);
  const first = members[0];
  if (conditions.some(isError) || first === undefined) {
    if (first === undefined && !conditions.some(isError)) conditions.push(proxyError(Area.Service, "ServiceUnresolvedReference", "spec.services: no Service given"));
    return fragmentOf(source, undefined, [], conditions, dependencies);
  }

  const clusterName = extensionClusterName(namespace, name);
  const cluster: Cluster = {
    name: clusterName,
    service: first.service,
    endpoints: clusterName,
    protocol,
    loadBalancer,
    ...(circuitBreakers !== undefined ? { circuitBreakers } : {}),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...tls,
    ...(timeouts.idleConnectionMs !== undefined ? { idleConnectionTimeoutMs: timeouts.idleConnectionMs } : {}),
    extension: { source, members, responseTimeoutMs: timeouts.responseMs },
  };
  return fragmentOf(source, cluster, secrets, conditions, dependencies);
}

type Validation =
  | { readonly ok: true; readonly secret: TlsSecret; readonly validation: NonNullable<Cluster["upstreamValidation"]> }
  | { readonly ok: false; readonly condition: Condition };

/** spec.validation: the CA Secret (this namespace's, or another's where delegated) and the names to check. */
function upstreamValidation(cache: ObjectCache, raw: unknown, namespace: string, dependencies: ObjectKey[]): Validation {
  const v = obj<UpstreamValidation>(raw);
  const caSecret = str(v?.caSecret) ?? "";
  const subjectName = str(v?.subjectName) ?? "";
  const subjectNames = list<unknown>(v?.subjectNames).filter((n): n is string => typeof n === "string");
  if (caSecret === "" || subjectName === "") {
    return { ok: false, condition: proxyError(Area.Spec, "TLSUpstreamValidation", "spec.validation: TLS upstream validation policy error: caSecret and subjectName must both be set") };
  }
  if (subjectNames.length > 0 && subjectNames[0] !== subjectName) {
    return { ok: false, condition: proxyError(Area.Spec, "TLSUpstreamValidation", "spec.validation.subjectNames: TLS upstream validation policy error: the first entry must equal subjectName") };
  }
  const ref = secretRef(caSecret, namespace);
  const found = lookupCaSecret(cache, ref, namespace, "spec.validation.caSecret");
  dependencies.push(...found.dependencies);
  if (!found.ok) {
    const condition =
      found.condition.reason === "DelegationNotPermitted"
        ? refile(found.condition, Area.TLS, "CACertificateNotDelegated")
        : refile(found.condition, Area.Spec, "TLSUpstreamValidation");
    return { ok: false, condition };
  }
  const names = subjectNames.length > 0 ? subjectNames : [subjectName];
  return {
    ok: true,
    secret: found.secret,
    validation: { caSecret: found.secret.name, subjectName, ...(names.length > 1 ? { subjectNames: names } : {}) },
  };
}

/** spec.services: each a Service port of this namespace; unresolved ones are errors (ServiceUnresolvedReference). */
function resolveTargets(cache: ObjectCache, namespace: string, raw: unknown, conditions: Condition[], dependencies: ObjectKey[]): ExtensionClusterMember[] {
  const members: ExtensionClusterMember[] = [];
  list<unknown>(raw).forEach((entry, i) => {
    const field = `spec.services[${i}]`;
    const target = obj<ExtensionServiceTarget>(entry);
    const name = str(target?.name) ?? "";
    const port = int(target?.port);
    if (target === undefined || name === "" || port === undefined || port < 1 || port > 65535) {
      conditions.push(proxyError(Area.Service, "ServiceUnresolvedReference", `${field}: unresolved service ${quote(`${namespace}/${name}`, 128)}: a name and a port in 1-65535 are required`));
      return;
    }
    const lookup = lookupServicePort(cache, namespace, name, { number: port }, field);
    dependencies.push(lookup.dependency);
    if (!lookup.ok) {
      const reason = lookup.condition.reason === "UnsupportedServiceType" ? "UnsupportedServiceType" : "ServiceUnresolvedReference";
      conditions.push(refile(lookup.condition, Area.Service, reason));
      return;
    }
    let weight = 0;
    if (target.weight !== undefined) {
      const w = int(target.weight);
      if (w === undefined || w < 0 || w > 2 ** 32 - 1) {
        conditions.push(proxyWarning(Area.Service, "IgnoredField", `${field}.weight: ${quote(String(target.weight))} is not an unsigned 32-bit integer; 0 used`));
      } else weight = w;
    }
    const portName = lookup.port.name ?? "";
    members.push({ service: { namespace, name, port: lookup.port.port, portName }, endpoints: edsName(namespace, name, portName), weight });
  });
  return members;
}

function fragmentOf(source: SourceRef, cluster: Cluster | undefined, secrets: readonly TlsSecret[], conditions: readonly Condition[], dependencies: readonly ObjectKey[]): Fragment {
  const seen = new Set<string>();
  const deps = dependencies.filter((d) => {
    const key = `${d.kind}/${d.namespace}/${d.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    source,
    virtualHosts: [],
    tcpProxies: [],
    clusters: cluster !== undefined ? [cluster] : [],
    secrets: cluster !== undefined ? secrets : [],
    conditions: finishConditions(uniqueConditions(conditions), EXTENSION_SERVICE),
    dependencies: deps,
  };
}
