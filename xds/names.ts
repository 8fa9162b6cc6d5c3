/**
 * Every name this control plane gives to an Envoy resource or extension, in one place, so the
 * reconcilers that build the model and the translator that emits Envoy resources cannot disagree.
 * Names follow upstream Project Contour where it has one (`ingress_http`, `https/<fqdn>`,
 * `<namespace>/<service>/<port>/<hash>`). All functions are pure.
 */
export { canonicalJson, clusterName, edsName, parseEdsName, secretName, shortHash, type EdsTarget } from "../controllers/model/names.js";

/** Name of the plain-HTTP listener, and its stat prefix. */
export const HTTP_LISTENER_NAME = "ingress_http";

/** Name of the TLS listener (SNI-routed secure virtual hosts and TCP proxies), and its stat prefix. */
export const HTTPS_LISTENER_NAME = "ingress_https";

/** Name of the route configuration every plain-HTTP virtual host lives in. */
export const HTTP_ROUTE_CONFIG_NAME = "ingress_http";

/** VHDS: the resource name (and Envoy virtual host name) of a plain-HTTP host, `ingress_http/<fqdn>`. */
export function vhdsVirtualHostName(fqdn: string): string {
  return `${HTTP_ROUTE_CONFIG_NAME}/${fqdn}`;
}

/** VHDS: the fqdn of a virtual host resource name, or undefined for a name that is not one. */
export function fqdnOfVhdsName(name: string): string | undefined {
  const prefix = `${HTTP_ROUTE_CONFIG_NAME}/`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

/** Name of the route configuration of one secure virtual host (each SNI name gets its own). */
export function httpsRouteConfigName(fqdn: string): string {
  return `https/${fqdn}`;
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
  compressor: "envoy.filters.http.compressor",
  grpcWeb: "envoy.filters.http.grpc_web",
  grpcStats: "envoy.filters.http.grpc_stats",
  // HTTP filters configured per virtual host and route: the filter's name in the HCM is also the
  // key of its typed_per_filter_config, which Envoy looks the per-route config up by.
  cors: "envoy.filters.http.cors",
  localRateLimit: "envoy.filters.http.local_ratelimit",
  rbac: "envoy.filters.http.rbac",
  // External authorization (ExtensionService over gRPC); per-route ExtAuthzPerRoute under this name.
  extAuthz: "envoy.filters.http.ext_authz",
  jwtAuthn: "envoy.filters.http.jwt_authn",
  tlsInspector: "envoy.filters.listener.tls_inspector",
  proxyProtocol: "envoy.filters.listener.proxy_protocol",
  tlsTransportSocket: "envoy.transport_sockets.tls",
  fileAccessLog: "envoy.access_loggers.file",
  httpProtocolOptions: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
  // Global rate limiting (the config file's rateLimitService): its per-route config goes under this name too.
  globalRateLimit: "envoy.filters.http.ratelimit",
  openTelemetryTracer: "envoy.tracers.opentelemetry",
} as const;
