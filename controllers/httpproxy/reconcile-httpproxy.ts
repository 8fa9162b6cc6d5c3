import type { HTTPProxy, VirtualHost as SpecVirtualHost } from "../../crds/types/httpproxy.js";
import type { Cluster, ExternalAuthorization, Route, SourceRef, TcpProxyHost, TlsSecret, VirtualHost } from "../model/model.js";
import type { Fragment, RelatedConditions } from "../store/fragment.js";
import type { TlsSecretValidator } from "../secrets/tls-secret-validation.js";
import { compareKeys, compareStrings, formatKey, type ObjectCache, type ObjectKey } from "../source/object-cache.js";
import { errorCondition, finishConditions, quote } from "../store/conditions.js";
import { routeMatchKey, sortRoutes } from "../store/route-order.js";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "../services/service-cluster.js";
import { invalidHostReason } from "../ingress/host-name.js";
import type { ExtensionOptions } from "../extension/reconcile-extension-service.js";
import { namesExtension, resolveAuthorization, routeAuthDefaults, type GlobalAuthorization } from "./authorization.js";
import { corsPolicy } from "./cors.js";
import { ipFilter } from "./ip-filter.js";
import { jwtNotPermitted, jwtProviders, undefinedJwtProvider } from "./jwt-providers.js";
import { Area, createProxyReports, proxyError } from "./proxy-conditions.js";
import { computeRoutes } from "./proxy-routes.js";
import { listLimitProblem } from "./list-limits.js";
import { localRateLimit } from "./rate-limit.js";
import { virtualHostGlobalRateLimit } from "./global-rate-limit.js";
import { flag, list, obj, str } from "./spec-values.js";
import { tcpProxyClusters } from "./tcp-proxy.js";
import { virtualHostTls } from "./virtual-host-tls.js";
import { isRootProxy, proxyKey, type WalkContext } from "./walk-context.js";

/** What the HTTPProxy reconciler needs from the controller's configuration. */
export interface HTTPProxyReconcileOptions {
  /** The ingress class served; unset serves proxies without a class or of class "contour". */
  readonly ingressClassName?: string | undefined;
  /** Namespaces where roots may live (--root-namespaces); empty or unset: everywhere. */
  readonly rootNamespaces?: readonly string[];
  /** Connect timeout of upstream clusters; upstream Contour's default is 2 s. */
  readonly connectTimeoutMs?: number;
  /** Ignore routes' permitInsecure: a TLS host redirects every plain-HTTP request (upstream's `disablePermitInsecure`). */
  readonly disablePermitInsecure?: boolean;
  /** The Secret Envoy presents to TLS backends (upstream's `tls.envoy-client-certificate`); unset: none. */
  readonly clientCertificate?: { readonly namespace: string; readonly name: string } | undefined;
  /** The config file's `tls.fallback-certificate`: served to clients without SNI for hosts that enable it; unset: none. */
  readonly fallbackCertificate?: { readonly namespace: string; readonly name: string } | undefined;
  /** Route to ExternalName Services (upstream's enableExternalNameService); default false. */
  readonly enableExternalNameService?: boolean;
  /** Certificate validation, replaceable by a memoising one (createTlsSecretValidator). */
  readonly validateTlsSecret?: TlsSecretValidator;
  /** The config file's rateLimitService.defaultGlobalRateLimitPolicy: for hosts without a global policy of their own. */
  readonly defaultGlobalRateLimitPolicy?: unknown;
  /** The config file's globalExtAuth: every root's authorization unless it has its own or disables it. */
  readonly globalAuthorization?: GlobalAuthorization | undefined;
  /** How ExtensionService clusters are built (authorization servers are reconciled here too). */
  readonly extension?: ExtensionOptions | undefined;
}

/**
 * The model fragment of one root HTTPProxy (one with spec.virtualhost) and the conditions of every
 * HTTPProxy it includes, as upstream's HTTPProxyProcessor computes them: its virtual host (plain HTTP,
 * redirecting to HTTPS on a TLS host unless a route permits insecure, and HTTPS), or a TCP proxy,
 * with the routes of its include tree. The fqdn is claimed exclusively: the store refuses both of two
 * roots claiming one (DuplicateVhost). Pure and total: bad input becomes conditions, never an
 * exception. A proxy that is not a root contributes nothing here; it is served through the roots
 * that include it and is orphaned when none does.
 */
export function reconcileHTTPProxy(cache: ObjectCache, proxy: HTTPProxy, options: HTTPProxyReconcileOptions = {}): Fragment {
  const key = proxyKey(proxy);
  const source: SourceRef = { kind: "HTTPProxy", namespace: key.namespace, name: key.name };
  try {
    return reconcile(cache, proxy, options, key, source);
  } catch (e) {
    // Only a bug gets here. Every other object must still be served, so this one is reported and contributes nothing.
    const why = e instanceof Error ? e.message : String(e);
    return { ...emptyFragment(source), conditions: [{ ...errorCondition("ReconcileFailed", `the HTTPProxy could not be processed: ${why}`), category: Area.Spec }] };
  }
}

function reconcile(cache: ObjectCache, proxy: HTTPProxy, options: HTTPProxyReconcileOptions, key: ObjectKey, source: SourceRef): Fragment {
  if (!isRootProxy(proxy)) return emptyFragment(source);
  const vh = obj<SpecVirtualHost>(proxy.spec.virtualhost) ?? ({} as SpecVirtualHost);
  const reports = createProxyReports();
  reports.visit(key);
  const rawFqdn = str(vh.fqdn) ?? "";
  const fqdn = rawFqdn.trim().toLowerCase();
  const ctx: WalkContext = {
    cache,
    ingressClassName: options.ingressClassName,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    disablePermitInsecure: options.disablePermitInsecure ?? false,
    clientCertificate: options.clientCertificate,
    enableExternalNameService: options.enableExternalNameService === true,
    fqdn,
    enforceTls: false,
    reports,
    dependencies: [],
    clusters: new Map(),
    secrets: new Map(),
    visits: new Map(),
  };
  const finish = (claim: boolean, hosts: { vhost?: VirtualHost; tcp?: TcpProxyHost } = {}): Fragment => assemble(source, key, ctx, claim ? fqdn : undefined, hosts);
  const rootError = (area: (typeof Area)[keyof typeof Area], reason: string, message: string): void => reports.add(key, proxyError(area, reason, message));

  if (fqdn === "") {
    rootError(Area.VirtualHost, "FQDNNotSpecified", "spec.virtualhost.fqdn must be specified");
    return finish(false);
  }
  const hostProblem = invalidHostReason(fqdn);
  if (hostProblem !== undefined) {
    rootError(Area.VirtualHost, "FQDNNotValid", `spec.virtualhost.fqdn: ${quote(rawFqdn)} ${hostProblem}`);
    return finish(false);
  }
  const roots = options.rootNamespaces ?? [];
  if (roots.length > 0 && !roots.includes(key.namespace)) {
    // Not a claim either: a proxy outside the root namespaces must not be able to take a host away (see DESIGN).
    rootError(Area.RootNamespace, "RootProxyNotAllowedInNamespace", "root HTTPProxy cannot be defined in this namespace");
    return finish(false);
  }
  const tooLong = listLimitProblem(proxy.spec);
  if (tooLong !== undefined) {
    rootError(Area.Spec, "ListTooLong", tooLong);
    return finish(true);
  }
  const spec = proxy.spec as unknown as { routes?: unknown; includes?: unknown; tcpproxy?: unknown };
  const tcpproxy = obj(spec.tcpproxy);
  if (list(spec.routes).length === 0 && list(spec.includes).length === 0 && tcpproxy === undefined) {
    rootError(Area.Spec, "NothingDefined", "HTTPProxy.Spec must have at least one Route, Include, or a TCPProxy");
    return finish(true);
  }
  const jwtRefused = jwtNotPermitted(vh);
  if (jwtRefused !== undefined) {
    reports.add(key, jwtRefused);
    return finish(true);
  }
  const auth = obj<NonNullable<SpecVirtualHost["authorization"]>>(vh.authorization);
  if (auth !== undefined && namesExtension(auth) && obj(vh.tls) === undefined) {
    rootError(Area.Auth, "AuthNotPermitted", "spec.virtualhost.authorization.extensionRef can only be defined for root HTTPProxies that terminate TLS");
    return finish(true);
  }
  // The fallback certificate's chain would serve these routes without the host's authorization (upstream's reason).
  if (auth !== undefined && flag(obj<{ enableFallbackCertificate?: unknown }>(vh.tls)?.enableFallbackCertificate)) {
    rootError(Area.TLS, "TLSIncompatibleFeatures", "spec.virtualhost.tls: fallback & client authorization are incompatible");
    return finish(true);
  }
  if (list(vh.ipAllowPolicy).length > 0 && list(vh.ipDenyPolicy).length > 0) {
    rootError(Area.IPFilter, "IncompatibleIPAddressFilters", "spec.virtualhost: ipAllowPolicy and ipDenyPolicy cannot both be defined");
    return finish(true);
  }

  const tls = virtualHostTls(ctx, proxy, key, options.validateTlsSecret, options.fallbackCertificate);
  if (!tls.ok) return finish(true);
  const jwt = jwtProviders(ctx, vh, key);
  if (!jwt.ok) {
    reports.add(key, jwt.condition);
    return finish(true);
  }
  for (const s of jwt.secrets) ctx.secrets.set(s.name, s);
  const authDefaults = routeAuthDefaults(vh.authorization, options.globalAuthorization);
  const withTls: WalkContext = {
    ...ctx,
    enforceTls: tls.enabled,
    ...(authDefaults !== undefined ? { auth: authDefaults } : {}),
    ...(jwt.defaultProvider !== undefined ? { defaultJwtProvider: jwt.defaultProvider } : {}),
  };
  const authCtx = { cache, dependencies: ctx.dependencies, extension: options.extension };
  let authorization: ExternalAuthorization | undefined;
  const secure = tls.enabled && !tls.passthrough && tcpproxy === undefined;
  const global = options.globalAuthorization;
  if (secure && (namesExtension(auth) || global !== undefined)) {
    // The host's own server, else the global one (also when the host only sets an authPolicy).
    const own = namesExtension(auth);
    const resolved = resolveAuthorization(authCtx, own ? auth : global, own ? key.namespace : "", own ? "spec.virtualhost.authorization" : "globalExtAuth");
    if (!resolved.ok) {
      reports.add(key, resolved.condition);
      return finish(true);
    }
    authorization = resolved.value;
    ctx.clusters.set(resolved.cluster.name, resolved.cluster);
    for (const s of resolved.secrets) ctx.secrets.set(s.name, s);
  } else if (!secure && global !== undefined && !flag(obj<{ disabled?: unknown }>(auth?.authPolicy)?.disabled)) {
    // Plain HTTP: the listener's global filter serves this host; as upstream, a problem with it is
    // reported and the host served (the filter fails closed on a missing cluster).
    const resolved = resolveAuthorization(authCtx, global, "", "globalExtAuth");
    if (!resolved.ok) reports.add(key, resolved.condition);
  }

  let tcp: TcpProxyHost | undefined;
  if (tcpproxy !== undefined) {
    if (!tls.enabled) {
      rootError(Area.TCPProxy, "TLSMustBeConfigured", "spec.tcpproxy requires that either spec.virtualhost.tls.passthrough or spec.virtualhost.tls.secretName be set");
      return finish(true);
    }
    const clusters = tcpProxyClusters(withTls, proxy, []);
    if (clusters === undefined) return finish(true);
    tcp = { fqdn, source, clusters, ...(tls.passthrough ? {} : { tls: tls.tls }) };
  }

  const routes = computeRoutes(withTls, proxy, [], []);
  // Checked on every host, not only TLS ones as upstream: a route asking for a JWT is never served without one.
  const jwtUndefined = undefinedJwtProvider(routes, tcp === undefined ? jwt.providers : []);
  if (jwtUndefined !== undefined) {
    reports.add(key, jwtUndefined);
    return finish(true, tcp !== undefined ? { tcp } : {});
  }
  const cors = corsPolicy(vh.corsPolicy, "spec.virtualhost.corsPolicy");
  if (!cors.ok) {
    rootError(Area.CORS, "PolicyDidNotParse", cors.problem);
    return finish(true, tcp !== undefined ? { tcp } : {});
  }
  const rateLimit = localRateLimit(vh.rateLimitPolicy, "spec.virtualhost.rateLimitPolicy");
  if (!rateLimit.ok) {
    rootError(Area.VirtualHost, "RateLimitPolicyNotValid", `spec.virtualhost.rateLimitPolicy is invalid: ${rateLimit.problem}`);
    return finish(true, tcp !== undefined ? { tcp } : {});
  }
  const globalLimit = virtualHostGlobalRateLimit(vh.rateLimitPolicy, "spec.virtualhost.rateLimitPolicy", options.defaultGlobalRateLimitPolicy);
  if (!globalLimit.ok) {
    rootError(Area.VirtualHost, "RateLimitPolicyNotValid", globalLimit.problem);
    return finish(true, tcp !== undefined ? { tcp } : {});
  }
  const filter = ipFilter(vh.ipAllowPolicy, vh.ipDenyPolicy, "spec.virtualhost");
  if (!filter.ok) {
    for (const e of filter.errors) reports.add(key, e);
    return finish(true, tcp !== undefined ? { tcp } : {});
  }

  const vhost: VirtualHost = {
    fqdn,
    routes: sortRoutes(lastPerMatch(routes)),
    // A TCP proxy takes the TLS listener's SNI name; the host's HTTP routes then live on plain HTTP only.
    ...(tls.enabled && !tls.passthrough && tcp === undefined ? { tls: tls.tls } : {}),
    ...(cors.value !== undefined ? { cors: cors.value } : {}),
    ...(rateLimit.value !== undefined ? { rateLimit: rateLimit.value } : {}),
    ...(globalLimit.value !== undefined ? { globalRateLimit: globalLimit.value } : {}),
    ...(filter.filter !== undefined ? { ipFilter: filter.filter } : {}),
    ...(authorization !== undefined ? { authorization } : {}),
    ...(jwt.providers.length > 0 && tcp === undefined ? { jwtProviders: jwt.providers } : {}),
  };
  return finish(true, { ...(vhost.routes.length > 0 ? { vhost } : {}), ...(tcp !== undefined ? { tcp } : {}) });
}

/** Two routes with one match: the later one is served, as upstream's virtual host keeps the last added. */
function lastPerMatch(routes: readonly Route[]): Route[] {
  const byMatch = new Map<string, Route>();
  for (const r of routes) {
    const k = routeMatchKey(r.match);
    byMatch.delete(k);
    byMatch.set(k, r);
  }
  return [...byMatch.values()];
}

function assemble(source: SourceRef, key: ObjectKey, ctx: WalkContext, claim: string | undefined, hosts: { vhost?: VirtualHost; tcp?: TcpProxyHost }): Fragment {
  const rootKey = formatKey(key);
  let conditions: Fragment["conditions"] = [];
  const related: RelatedConditions[] = [];
  for (const entry of ctx.reports.entries()) {
    const finished = finishConditions(entry.conditions, "HTTPProxy");
    if (formatKey(entry.key) === rootKey) conditions = finished;
    else related.push({ key: entry.key, conditions: finished });
  }
  related.sort((a, b) => compareKeys(a.key, b.key));
  // Clusters and secrets of routes that were dropped after all are left out: only what is served is sent.
  const used = usedNames(hosts);
  return {
    source,
    virtualHosts: hosts.vhost !== undefined ? [hosts.vhost] : [],
    tcpProxies: hosts.tcp !== undefined ? [hosts.tcp] : [],
    clusters: sortedValues(ctx.clusters).filter((c) => used.clusters.has(c.name)),
    secrets: sortedValues(ctx.secrets).filter((s) => used.secrets.has(s.name) || usedBy(s, ctx.clusters, used.clusters)),
    conditions,
    dependencies: uniqueKeys(ctx.dependencies),
    ...(claim !== undefined ? { exclusiveFqdn: claim } : {}),
    related,
  };
}

function usedNames(hosts: { vhost?: VirtualHost; tcp?: TcpProxyHost }): { clusters: Set<string>; secrets: Set<string> } {
  const clusters = new Set<string>();
  const secrets = new Set<string>();
  const tls = (t: VirtualHost["tls"]): void => {
    if (t === undefined) return;
    secrets.add(t.secret);
    if (t.clientValidation?.caSecret !== undefined) secrets.add(t.clientValidation.caSecret);
    if (t.fallbackCertificate !== undefined) secrets.add(t.fallbackCertificate);
  };
  for (const r of hosts.vhost?.routes ?? []) {
    if (r.action.kind !== "forward") continue;
    for (const c of r.action.clusters) clusters.add(c.cluster);
    for (const m of r.action.mirror ?? []) clusters.add(m.cluster);
  }
  for (const c of hosts.tcp?.clusters ?? []) clusters.add(c.cluster);
  tls(hosts.vhost?.tls);
  tls(hosts.tcp?.tls);
  if (hosts.vhost?.authorization !== undefined) clusters.add(hosts.vhost.authorization.cluster);
  for (const p of hosts.vhost?.jwtProviders ?? []) {
    const ca = p.remoteJwks.cluster.upstreamValidation?.caSecret;
    if (ca !== undefined) secrets.add(ca);
  }
  return { clusters, secrets };
}

function usedBy(secret: TlsSecret, clusters: ReadonlyMap<string, Cluster>, used: ReadonlySet<string>): boolean {
  for (const name of used) {
    const cluster = clusters.get(name);
    if (cluster?.upstreamValidation?.caSecret === secret.name || cluster?.clientCertificate === secret.name) return true;
  }
  return false;
}

function sortedValues<T extends { readonly name: string }>(m: ReadonlyMap<string, T>): T[] {
  return [...m.values()].sort((a, b) => compareStrings(a.name, b.name));
}

function emptyFragment(source: SourceRef): Fragment {
  return { source, virtualHosts: [], tcpProxies: [], clusters: [], secrets: [], conditions: [], dependencies: [] };
}

function uniqueKeys(keys: readonly ObjectKey[]): ObjectKey[] {
  const byKey = new Map<string, ObjectKey>();
  for (const k of keys) byKey.set(formatKey(k), { kind: k.kind, namespace: k.namespace, name: k.name });
  return [...byKey.values()].sort(compareKeys);
}
