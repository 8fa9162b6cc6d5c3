import type { V1HTTPIngressPath, V1Ingress, V1IngressBackend } from "@kubernetes/client-node";
import type { Cluster, RetryPolicy, Route, SourceRef, TimeoutPolicy } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import type { ClusterOptions } from "../services/service-cluster.js";
import { errorCondition, quote, warningCondition } from "../store/conditions.js";
import { describePath, routeMatchKey } from "../store/route-order.js";
import { lookupServicePort } from "../services/service-lookup.js";
import { serviceCluster } from "../services/service-cluster.js";
import { serviceClusterName } from "../model/cluster-name.js";
import { invalidHostReason, wildcardAuthorityMatch } from "./host-name.js";
import { ingressPathMatch } from "./path-match.js";

/** Route settings that come from the Ingress's annotations and apply to all its routes. */
export interface IngressRoutePolicy {
  readonly timeout?: TimeoutPolicy;
  readonly retry?: RetryPolicy;
  /** Ingress paths, as written, whose routes accept WebSocket upgrades. */
  readonly websocketPaths: ReadonlySet<string>;
}

/**
 * The certificate Envoy presents to TLS backends (upstream's `tls.envoy-client-certificate`):
 * resolved, or why not (a TLS backend's path is then not served, as upstream drops the rule).
 */
export type IngressClientCertificate = { readonly ok: true; readonly secret: string } | { readonly ok: false; readonly condition: Condition };

/** The routes of one Ingress by host ("*" for rules without one), before TLS and listener choices. */
export interface IngressRoutes {
  /** Routes in the order their paths appear; a later path with the same match has replaced an earlier one. */
  readonly byHost: ReadonlyMap<string, readonly Route[]>;
  readonly clusters: readonly Cluster[];
  readonly conditions: readonly Condition[];
  readonly dependencies: readonly ObjectKey[];
  /** Some path's backend speaks TLS (served or not): the Ingress depends on the client certificate. */
  readonly tlsBackends: boolean;
}

/** One path to route: where it was written, its host, and the path itself. */
interface PathEntry {
  readonly field: string;
  readonly host: string;
  readonly path: V1HTTPIngressPath;
  readonly isDefaultBackend: boolean;
}

/**
 * Routes for every path of an Ingress. A path whose backend cannot be resolved or whose path is
 * invalid is dropped with an error condition naming it; the other paths are unaffected. The default
 * backend becomes a "/" prefix route on host "*" that comes first, so a rule for "/" on that host
 * overrides it, as upstream's rulesFromSpec arranges.
 */
export function ingressRoutes(cache: ObjectCache, ingress: V1Ingress, policy: IngressRoutePolicy, clusterOptions: ClusterOptions, clientCertificate?: IngressClientCertificate): IngressRoutes {
  const source: SourceRef = { kind: "Ingress", namespace: ingress.metadata?.namespace ?? "", name: ingress.metadata?.name ?? "" };
  const conditions: Condition[] = [];
  const dependencies: ObjectKey[] = [];
  const clusters = new Map<string, Cluster>();
  const byHost = new Map<string, Map<string, { route: Route; entry: PathEntry }>>();
  let tlsBackends = false;

  for (const entry of pathEntries(ingress, conditions)) {
    const built = buildRoute(cache, source, entry, policy, clusterOptions, clientCertificate);
    if (built.tlsBackend === true) tlsBackends = true;
    conditions.push(...built.conditions);
    if (built.dependency !== undefined) dependencies.push(built.dependency);
    if (built.route === undefined || built.cluster === undefined) continue;
    clusters.set(built.cluster.name, built.cluster);
    let routes = byHost.get(entry.host);
    if (routes === undefined) {
      routes = new Map();
      byHost.set(entry.host, routes);
    }
    const key = routeMatchKey(built.route.match);
    const earlier = routes.get(key);
    if (earlier !== undefined && !earlier.entry.isDefaultBackend) {
      conditions.push(warningCondition("DuplicatePath", `${entry.field}: host ${quote(entry.host)} path ${describePath(built.route.match.path)} is also routed by ${earlier.entry.field}; this one is used`));
    }
    // Delete first so the replacement takes the later position, as a later rule would in upstream.
    routes.delete(key);
    routes.set(key, { route: built.route, entry });
  }

  const result = new Map<string, readonly Route[]>();
  for (const [host, routes] of byHost) result.set(host, [...routes.values()].map((r) => r.route));
  return { byHost: result, clusters: [...clusters.values()], conditions, dependencies, tlsBackends };
}

function pathEntries(ingress: V1Ingress, conditions: Condition[]): PathEntry[] {
  const entries: PathEntry[] = [];
  const defaultBackend = ingress.spec?.defaultBackend;
  if (defaultBackend !== undefined) {
    entries.push({ field: "spec.defaultBackend", host: "*", path: { backend: defaultBackend, pathType: "ImplementationSpecific" }, isDefaultBackend: true });
  }
  (ingress.spec?.rules ?? []).forEach((rule, i) => {
    const host = rule.host === undefined || rule.host === "" ? "*" : rule.host;
    if (host !== "*") {
      const why = invalidHostReason(host);
      if (why !== undefined) {
        conditions.push(errorCondition("InvalidHost", `spec.rules[${i}].host: ${quote(host)} ${why}; the rule is not served`));
        return;
      }
    }
    (rule.http?.paths ?? []).forEach((path, j) => {
      entries.push({ field: `spec.rules[${i}].http.paths[${j}]`, host, path, isDefaultBackend: false });
    });
  });
  return entries;
}

interface BuiltRoute {
  readonly route?: Route;
  readonly cluster?: Cluster;
  readonly conditions: readonly Condition[];
  readonly dependency?: ObjectKey;
  /** The backend speaks TLS (upstream-protocol tls or h2): it needs the client certificate, if one is configured. */
  readonly tlsBackend?: boolean;
}

function buildRoute(cache: ObjectCache, source: SourceRef, entry: PathEntry, policy: IngressRoutePolicy, clusterOptions: ClusterOptions, clientCertificate: IngressClientCertificate | undefined): BuiltRoute {
  const { field, path } = entry;
  const backend: V1IngressBackend | undefined = path.backend;
  const pathField = entry.isDefaultBackend ? field : `${field}.path`;
  const backendField = entry.isDefaultBackend ? `${field}.service` : `${field}.backend.service`;
  const service = backend?.service;
  if (service === undefined || typeof service.name !== "string" || service.name === "") {
    const what = backend?.resource !== undefined ? "resource backends are not supported, only Services" : "no Service named";
    return { conditions: [errorCondition("UnsupportedBackend", `${backendField}: ${what}; the path is not served`)] };
  }

  const match = ingressPathMatch(path.path, path.pathType);
  if (!match.ok) return { conditions: [errorCondition(match.reason, `${pathField}: ${quote(path.path ?? "")} ${match.message}; the path is not served`)] };

  const lookup = lookupServicePort(cache, source.namespace, service.name, service.port, backendField);
  if (!lookup.ok) return { conditions: [lookup.condition], dependency: lookup.dependency };

  const plain = serviceCluster(lookup.service, lookup.port, clusterOptions);
  const tlsBackend = plain.value.protocol === "tls" || plain.value.protocol === "h2";
  if (tlsBackend && clientCertificate?.ok === false) {
    return { conditions: [{ ...clientCertificate.condition, message: `${backendField}: ${clientCertificate.condition.message}; the path is not served` }], dependency: lookup.dependency, tlsBackend };
  }
  const cluster = tlsBackend && clientCertificate?.ok === true ? { ...plain, value: withClientCertificate(plain.value, clientCertificate.secret) } : plain;
  const rawPath = path.path === undefined || path.path === "" ? "/" : path.path;
  const route: Route = {
    source,
    match: {
      path: match.match,
      headers: entry.host.startsWith("*.") ? [wildcardAuthorityMatch(entry.host)] : [],
      queryParams: [],
    },
    action: {
      kind: "forward",
      clusters: [{ cluster: cluster.value.name, weight: 1 }],
      ...(policy.timeout !== undefined ? { timeout: policy.timeout } : {}),
      ...(policy.retry !== undefined ? { retry: policy.retry } : {}),
      websocket: policy.websocketPaths.has(rawPath),
    },
    // Decided per host once TLS is known (see reconcile-ingress.ts).
    httpsRedirect: false,
  };
  return { route, cluster: cluster.value, conditions: cluster.warnings, dependency: lookup.dependency, tlsBackend };
}

/** A TLS backend's cluster presenting the client certificate (one for the controller, so upstream's name leaves it out). */
function withClientCertificate(cluster: Cluster, secret: string): Cluster {
  const { name: _name, ...settings } = cluster;
  const withCert = { ...settings, clientCertificate: secret };
  return { name: serviceClusterName(withCert, ""), ...withCert };
}
