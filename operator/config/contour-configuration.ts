// A ContourConfiguration's spec as the config file's document: every CRD field goes to the flag or
// upstream file key that means the same (upstream's own mapping, cmd/contour/servecontext.go read
// backwards), so the same reader, checks and settings model serve both. Each key of the document
// remembers the CRD field it came from, so messages name `spec.envoy.timeouts.connectTimeout`.
import type { ContourConfigurationSpec } from "../../crds/index.js";

/** A CRD field, the document key it becomes, and how its value is converted (default: as is). */
interface FieldMapping {
  readonly crd: string;
  readonly doc: string;
  readonly convert?: (value: unknown) => unknown;
}

/** "namespace/name", as upstream's file names an ExtensionService. */
const namespacedName = (value: unknown): unknown => {
  const v = value as { namespace?: unknown; name?: unknown };
  return `${String(v.namespace ?? "")}/${String(v.name ?? "")}`;
};

/** camelCase keys as the file's kebab-case (circuit breakers: maxConnections → max-connections). */
const kebabKeys = (value: unknown): unknown =>
  Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.replace(/[A-Z]/gu, (c) => `-${c.toLowerCase()}`), v]));

/** upstream's AuthorizationServer as the file's globalExtAuth. */
const extAuth = (value: unknown): unknown => {
  const { extensionRef, ...rest } = value as { extensionRef?: unknown } & Record<string, unknown>;
  return { ...rest, ...(extensionRef === undefined ? {} : { extensionService: namespacedName(extensionRef) }) };
};

/** A block whose extensionService is a {namespace, name} in the CRD and "namespace/name" in the file. */
const withExtensionService = (value: unknown): unknown => {
  const { extensionService, ...rest } = value as { extensionService?: unknown } & Record<string, unknown>;
  return { ...rest, ...(extensionService === undefined ? {} : { extensionService: namespacedName(extensionService) }) };
};

const timeouts = ["request", "connectionIdle", "streamIdle", "maxConnectionDuration", "delayedClose", "connectionShutdownGracePeriod", "connect"].map(
  (t): FieldMapping => {
    const crd = t === "maxConnectionDuration" || t === "connectionShutdownGracePeriod" ? t : `${t}Timeout`;
    return { crd: `envoy.timeouts.${crd}`, doc: `timeouts.${crd.replace(/[A-Z]/gu, (c) => `-${c.toLowerCase()}`)}` };
  },
);

const tlsFields = (crd: string, doc: string): FieldMapping[] => [
  { crd: `${crd}.minimumProtocolVersion`, doc: `${doc}.minimum-protocol-version` },
  { crd: `${crd}.maximumProtocolVersion`, doc: `${doc}.maximum-protocol-version` },
  { crd: `${crd}.cipherSuites`, doc: `${doc}.cipher-suites` },
];

const listener = (name: "http" | "https"): FieldMapping[] => [
  { crd: `envoy.${name}.address`, doc: `envoy-${name}-address` },
  { crd: `envoy.${name}.port`, doc: `envoy-${name}-port` },
  { crd: `envoy.${name}.accessLog`, doc: `envoy-${name}-access-log` },
];

/** Every field of the spec and where it goes. Flat keys are `contour serve` flag names; dotted ones upstream's file keys. */
const FIELDS: readonly FieldMapping[] = [
  { crd: "xdsServer.address", doc: "xds-address" },
  { crd: "xdsServer.port", doc: "xds-port" },
  { crd: "xdsServer.tls.caFile", doc: "contour-cafile" },
  { crd: "xdsServer.tls.certFile", doc: "contour-cert-file" },
  { crd: "xdsServer.tls.keyFile", doc: "contour-key-file" },
  { crd: "xdsServer.tls.insecure", doc: "insecure" },
  { crd: "ingress.classNames", doc: "ingress-class-name", convert: (v) => (v as string[]).join(",") },
  { crd: "ingress.statusAddress", doc: "ingress-status-address" },
  { crd: "debug.address", doc: "debug-http-address" },
  { crd: "debug.port", doc: "debug-http-port" },
  { crd: "health.address", doc: "health-address" },
  { crd: "health.port", doc: "health-port" },
  { crd: "metrics.address", doc: "http-address" },
  { crd: "metrics.port", doc: "http-port" },
  { crd: "metrics.tls.caFile", doc: "metrics.contour.ca-certificate-path" },
  { crd: "metrics.tls.certFile", doc: "metrics.contour.server-certificate-path" },
  { crd: "metrics.tls.keyFile", doc: "metrics.contour.server-key-path" },
  { crd: "envoy.listener.useProxyProtocol", doc: "use-proxy-protocol" },
  { crd: "envoy.listener.compression.algorithm", doc: "compression.algorithm" },
  { crd: "envoy.listener.disableAllowChunkedLength", doc: "disableAllowChunkedLength" },
  { crd: "envoy.listener.disableMergeSlashes", doc: "disableMergeSlashes" },
  { crd: "envoy.listener.serverHeaderTransformation", doc: "serverHeaderTransformation" },
  { crd: "envoy.listener.connectionBalancer", doc: "listener.connection-balancer" },
  { crd: "envoy.listener.maxRequestsPerConnection", doc: "listener.max-requests-per-connection" },
  { crd: "envoy.listener.per-connection-buffer-limit-bytes", doc: "listener.per-connection-buffer-limit-bytes" },
  ...tlsFields("envoy.listener.tls", "tls"),
  { crd: "envoy.listener.socketOptions.tos", doc: "listener.socket-options.tos" },
  { crd: "envoy.listener.socketOptions.trafficClass", doc: "listener.socket-options.traffic-class" },
  { crd: "envoy.listener.maxRequestsPerIOCycle", doc: "listener.max-requests-per-io-cycle" },
  { crd: "envoy.listener.httpMaxConcurrentStreams", doc: "listener.http2-max-concurrent-streams" },
  { crd: "envoy.listener.maxConnectionsPerListener", doc: "listener.max-connections-per-listener" },
  { crd: "envoy.service.name", doc: "envoy-service-name" },
  { crd: "envoy.service.namespace", doc: "envoy-service-namespace" },
  ...listener("http"),
  ...listener("https"),
  { crd: "envoy.health.address", doc: "stats-address" },
  { crd: "envoy.health.port", doc: "stats-port" },
  { crd: "envoy.metrics.address", doc: "metrics.envoy.address" },
  { crd: "envoy.metrics.port", doc: "metrics.envoy.port" },
  { crd: "envoy.metrics.tls.caFile", doc: "metrics.envoy.ca-certificate-path" },
  { crd: "envoy.metrics.tls.certFile", doc: "metrics.envoy.server-certificate-path" },
  { crd: "envoy.metrics.tls.keyFile", doc: "metrics.envoy.server-key-path" },
  { crd: "envoy.clientCertificate", doc: "tls.envoy-client-certificate" },
  { crd: "envoy.logging.accessLogFormat", doc: "accesslog-format" },
  { crd: "envoy.logging.accessLogFormatString", doc: "accesslog-format-string" },
  { crd: "envoy.logging.accessLogJSONFields", doc: "json-fields" },
  { crd: "envoy.logging.accessLogLevel", doc: "accesslog-level" },
  { crd: "envoy.defaultHTTPVersions", doc: "default-http-versions" },
  ...timeouts,
  { crd: "envoy.cluster.dnsLookupFamily", doc: "cluster.dns-lookup-family" },
  { crd: "envoy.cluster.maxRequestsPerConnection", doc: "cluster.max-requests-per-connection" },
  { crd: "envoy.cluster.per-connection-buffer-limit-bytes", doc: "cluster.per-connection-buffer-limit-bytes" },
  { crd: "envoy.cluster.circuitBreakers", doc: "cluster.circuit-breakers", convert: kebabKeys },
  ...tlsFields("envoy.cluster.upstreamTLS", "cluster.upstream-tls"),
  { crd: "envoy.network.numTrustedHops", doc: "network.num-trusted-hops" },
  { crd: "envoy.network.adminPort", doc: "network.admin-port" },
  { crd: "envoy.network.stripTrailingHostDot", doc: "network.strip-trailing-host-dot" },
  { crd: "envoy.omEnforcedHealth", doc: "omEnforcedHealthListener" },
  { crd: "gateway.gatewayRef", doc: "gateway.gatewayRef" },
  { crd: "httpproxy.disablePermitInsecure", doc: "disablePermitInsecure" },
  { crd: "httpproxy.rootNamespaces", doc: "root-namespaces" },
  { crd: "httpproxy.fallbackCertificate", doc: "tls.fallback-certificate" },
  { crd: "enableExternalNameService", doc: "enableExternalNameService" },
  { crd: "globalExtAuth", doc: "globalExtAuth", convert: extAuth },
  { crd: "rateLimitService", doc: "rateLimitService", convert: withExtensionService },
  { crd: "policy.requestHeaders.set", doc: "policy.request-headers.set" },
  { crd: "policy.requestHeaders.remove", doc: "policy.request-headers.remove" },
  { crd: "policy.responseHeaders.set", doc: "policy.response-headers.set" },
  { crd: "policy.responseHeaders.remove", doc: "policy.response-headers.remove" },
  { crd: "policy.applyToIngress", doc: "policy.applyToIngress" },
  { crd: "tracing", doc: "tracing", convert: withExtensionService },
  { crd: "featureFlags", doc: "featureFlags" },
];

/** The config-file document of a spec, and for each key path of it the CRD field it came from. */
export interface ContourConfigurationDocument {
  readonly doc: Record<string, unknown>;
  /** "timeouts.connect-timeout" → "spec.envoy.timeouts.connectTimeout"; sub-keys resolve to their nearest mapped parent. */
  fieldOf(docPath: string): string;
}

/** Converts a ContourConfiguration spec into the config file's document. */
export function contourConfigurationDocument(spec: ContourConfigurationSpec): ContourConfigurationDocument {
  const doc: Record<string, unknown> = {};
  const fields = new Map<string, string>();
  for (const f of FIELDS) {
    const value = lookup(spec, f.crd);
    // An empty string is unset, as in Go's zero value (upstream overlays only what is set).
    if (value === undefined || value === null || value === "") continue;
    assign(doc, f.doc, f.convert === undefined ? value : f.convert(value));
    fields.set(f.doc, `spec.${f.crd}`);
  }
  return {
    doc,
    fieldOf(docPath) {
      for (let p = docPath; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
        const crd = fields.get(p);
        if (crd !== undefined) return crd + docPath.slice(p.length).replace(/-([a-z])/gu, (_, c: string) => c.toUpperCase());
      }
      return `spec (${docPath})`;
    },
  };
}

function lookup(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const part of path.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function assign(doc: Record<string, unknown>, path: string, value: unknown): void {
  // Flat keys hold dashes but no dots; upstream's nested keys are split on dots.
  const parts = path.split(".");
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== "object" || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] ?? path] = value;
}
