/**
 * Every name this control plane gives to an Envoy resource or extension, in one place, so the
 * reconcilers that build the model and the translator that emits Envoy resources cannot disagree.
 * Names follow upstream Project Contour where it has one (`ingress_http`, `https/<fqdn>`,
 * `<namespace>/<service>/<port>/<hash>`). All functions are pure.
 */
import { createHash } from "node:crypto";

/** Name of the plain-HTTP listener, and its stat prefix. */
export const HTTP_LISTENER_NAME = "ingress_http";

/** Name of the TLS listener (SNI-routed secure virtual hosts and TCP proxies), and its stat prefix. */
export const HTTPS_LISTENER_NAME = "ingress_https";

/** Name of the route configuration every plain-HTTP virtual host lives in. */
export const HTTP_ROUTE_CONFIG_NAME = "ingress_http";

/** Name of the route configuration of one secure virtual host (each SNI name gets its own). */
export function httpsRouteConfigName(fqdn: string): string {
  return `https/${fqdn}`;
}

/** Name of the Envoy cluster for one Service port with one set of connection options. */
export function clusterName(namespace: string, service: string, port: number, optionsHash: string): string {
  return `${namespace}/${service}/${port}/${optionsHash}`;
}

/**
 * Name of the EDS resource (ClusterLoadAssignment) carrying a Service port's endpoints. The port is
 * named, not numbered, because EndpointSlices list ports by name; an unnamed port (portName "")
 * leaves the segment out, as upstream Contour does.
 */
export function edsName(namespace: string, service: string, portName: string): string {
  return portName === "" ? `${namespace}/${service}` : `${namespace}/${service}/${portName}`;
}

/** What an EDS name refers to; undefined when the name was not built by edsName. */
export interface EdsTarget {
  readonly namespace: string;
  readonly service: string;
  readonly portName: string;
}

/** Inverse of edsName; unambiguous because namespaces, Service names and port names hold no "/". */
export function parseEdsName(name: string): EdsTarget | undefined {
  const parts = name.split("/");
  const [namespace, service, portName = ""] = parts;
  if (parts.length < 2 || parts.length > 3 || !namespace || !service) return undefined;
  if (parts.length === 3 && portName === "") return undefined;
  return { namespace, service, portName };
}

/** Name of the SDS secret for one Kubernetes Secret's content (a new content gives a new name). */
export function secretName(namespace: string, name: string, contentHash: string): string {
  return `${namespace}/${name}/${contentHash}`;
}

/** Stat name of a cluster: upstream Contour's `<namespace>_<service>_<port>`, stable across option changes. */
export function clusterStatName(namespace: string, service: string, port: number): string {
  return `${namespace}_${service}_${port}`;
}

/** Names of the Envoy extensions this control plane configures (the `name` of filters and sockets). */
export const EnvoyExtension = {
  httpConnectionManager: "envoy.filters.network.http_connection_manager",
  tcpProxy: "envoy.filters.network.tcp_proxy",
  router: "envoy.filters.http.router",
  tlsInspector: "envoy.filters.listener.tls_inspector",
  proxyProtocol: "envoy.filters.listener.proxy_protocol",
  tlsTransportSocket: "envoy.transport_sockets.tls",
  fileAccessLog: "envoy.access_loggers.file",
  httpProtocolOptions: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
} as const;

/**
 * JSON with object keys sorted at every level, so equal values always serialise to equal strings
 * (JSON.stringify follows insertion order, which depends on how a value was built).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  }) ?? "null";
}

/** First 10 hex characters of the SHA-256 of a value's canonical JSON: short, stable, content-derived. */
export function shortHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 10);
}
