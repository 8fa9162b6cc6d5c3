/** Hand-built fragments for store tests: small enough to read, shaped as reconcilers emit them. */
import type { Cluster, Route, TlsSecret, VirtualHost } from "../../model/model.js";
import type { Fragment } from "../fragment.js";
import type { ObjectKey } from "../../source/object-cache.js";

/** The key of an Ingress. */
export function ingressKey(name: string, namespace = "default"): ObjectKey {
  return { kind: "Ingress", namespace, name };
}

/** A cluster for a Service port. */
export function cluster(service: string, port = 80, namespace = "default"): Cluster {
  return {
    name: `${namespace}/${service}/${port}/0000000000`,
    service: { namespace, name: service, port, portName: "" },
    endpoints: `${namespace}/${service}`,
    protocol: "http1",
    loadBalancer: "RoundRobin",
    connectTimeoutMs: 2000,
  };
}

/** A prefix route of an Ingress to a cluster. */
export function route(source: ObjectKey, prefix: string, to: Cluster): Route {
  return {
    source: { kind: source.kind, namespace: source.namespace, name: source.name },
    match: { path: { kind: "prefix", value: prefix, segment: prefix !== "/" }, headers: [], queryParams: [] },
    action: { kind: "forward", clusters: [{ cluster: to.name, weight: 1 }], websocket: false },
    httpsRedirect: false,
  };
}

/** A TLS secret. */
export function tlsSecret(name: string, hash = "1111111111", namespace = "default"): TlsSecret {
  return { name: `${namespace}/${name}/${hash}`, source: { kind: "Secret", namespace, name }, certificateChain: "CERT", privateKey: "KEY" };
}

/** What one Ingress contributes: hosts with routes to a Service, optionally TLS on every host. */
export function ingressFragment(key: ObjectKey, hosts: Record<string, string[]>, o: { service?: string; secret?: TlsSecret } = {}): Fragment {
  const c = cluster(o.service ?? "web", 80, key.namespace);
  const virtualHosts: VirtualHost[] = Object.entries(hosts).map(([fqdn, prefixes]) => ({
    fqdn,
    routes: prefixes.map((p) => route(key, p, c)),
    ...(o.secret !== undefined ? { tls: { secret: o.secret.name, minimumProtocolVersion: "1.2" as const, maximumProtocolVersion: "1.3" as const } } : {}),
  }));
  return {
    source: { kind: key.kind, namespace: key.namespace, name: key.name },
    virtualHosts,
    tcpProxies: [],
    clusters: Object.values(hosts).some((p) => p.length > 0) ? [c] : [],
    secrets: o.secret !== undefined ? [o.secret] : [],
    conditions: [{ type: "Valid", status: "True", reason: "Valid", message: "Valid Ingress" }],
    dependencies: [{ kind: "Service", namespace: key.namespace, name: o.service ?? "web" }],
  };
}

/** The key of an HTTPProxy (a root, unless told otherwise by the test). */
export function proxyKey(name: string, namespace = "roots"): ObjectKey {
  return { kind: "HTTPProxy", namespace, name };
}

/** A root HTTPProxy's fragment: one host claimed exclusively, routes to one Service, a child visited. */
export function rootFragment(key: ObjectKey, fqdn: string, o: { prefixes?: string[]; secret?: TlsSecret; child?: ObjectKey; tcp?: boolean } = {}): Fragment {
  const c = cluster(`svc-${key.name}`, 80, key.namespace);
  const prefixes = o.prefixes ?? ["/"];
  const tls = o.secret !== undefined ? { tls: { secret: o.secret.name, minimumProtocolVersion: "1.2" as const, maximumProtocolVersion: "1.3" as const } } : {};
  const valid = [{ type: "Valid", status: "True" as const, reason: "Valid", message: "Valid HTTPProxy" }];
  return {
    source: { kind: key.kind, namespace: key.namespace, name: key.name },
    virtualHosts: prefixes.length > 0 ? [{ fqdn, routes: prefixes.map((p) => route(key, p, c)), ...tls }] : [],
    tcpProxies: o.tcp === true ? [{ fqdn, source: { kind: key.kind, namespace: key.namespace, name: key.name }, clusters: [{ cluster: c.name, weight: 1 }] }] : [],
    clusters: [c],
    secrets: o.secret !== undefined ? [o.secret] : [],
    conditions: valid,
    dependencies: o.child !== undefined ? [o.child] : [],
    exclusiveFqdn: fqdn,
    related: o.child !== undefined ? [{ key: o.child, conditions: valid }] : [],
  };
}
