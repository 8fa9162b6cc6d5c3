// The keys of upstream Contour v1.33's config file (pkg/config/parameters.go: nested YAML), each with
// its type, its upstream default and, where this controller implements it, the setting it sets.

/** How one key of the upstream file is read. */
export type UpstreamKey =
  | { readonly t: "bool" | "string" | "int" | "number" | "list" | "map" | "any"; readonly values?: readonly string[]; readonly default?: unknown; readonly setting?: string }
  | { readonly t: "object"; readonly children: Readonly<Record<string, UpstreamKey>> };

const str = (extra: { values?: readonly string[]; default?: unknown; setting?: string } = {}): UpstreamKey => ({ t: "string", ...extra });
const bool = (setting?: string): UpstreamKey => ({ t: "bool", default: false, ...(setting === undefined ? {} : { setting }) });
const int = (extra: { default?: unknown; setting?: string } = {}): UpstreamKey => ({ t: "int", ...extra });
const list: UpstreamKey = { t: "list" };
const obj = (children: Record<string, UpstreamKey>): UpstreamKey => ({ t: "object", children });
const namespacedName = obj({ name: str(), namespace: str() });
const tlsVersion = ["1.2", "1.3"] as const;
const protocol = { "minimum-protocol-version": str({ values: tlsVersion }), "maximum-protocol-version": str({ values: tlsVersion }), "cipher-suites": list };
const headers = obj({ set: { t: "map" }, remove: list });
const metricsServer = (setting: { address: string; port: string } | undefined) =>
  obj({
    address: str(setting === undefined ? {} : { setting: setting.address }),
    port: int(setting === undefined ? {} : { setting: setting.port }),
    "server-certificate-path": str(),
    "server-key-path": str(),
    "ca-certificate-path": str(),
  });

/** The top level of upstream's config file. `setting` names the `contour serve` setting a key sets. */
export const UPSTREAM_FILE_KEYS: Readonly<Record<string, UpstreamKey>> = {
  debug: bool("debug"),
  incluster: bool("incluster"),
  kubeconfig: str({ setting: "kubeconfig" }),
  kubernetesClientQPS: { t: "number", setting: "kubernetes-client-qps" },
  kubernetesClientBurst: int({ setting: "kubernetes-client-burst" }),
  server: obj({}),
  gateway: obj({ gatewayRef: namespacedName }),
  "ingress-status-address": str({ setting: "ingress-status-address" }),
  "accesslog-format": str({ values: ["envoy", "json"], setting: "accesslog-format" }),
  "accesslog-format-string": str(),
  "json-fields": list,
  "accesslog-level": str({ values: ["info", "error", "critical", "disabled"], default: "info" }),
  tls: obj({ ...protocol, "fallback-certificate": namespacedName, "envoy-client-certificate": namespacedName }),
  disablePermitInsecure: bool(),
  disableAllowChunkedLength: bool(),
  disableMergeSlashes: bool(),
  compression: obj({ algorithm: str({ values: ["gzip", "brotli", "zstd", "disabled"], default: "gzip" }) }),
  serverHeaderTransformation: str({ values: ["overwrite", "append_if_absent", "pass_through"], default: "overwrite" }),
  enableExternalNameService: bool(),
  timeouts: obj({
    "request-timeout": str(),
    "connection-idle-timeout": str({ default: "60s" }),
    "stream-idle-timeout": str(),
    "max-connection-duration": str(),
    "delayed-close-timeout": str(),
    "connection-shutdown-grace-period": str(),
    "connect-timeout": str({ default: "2s" }),
  }),
  policy: obj({ "request-headers": headers, "response-headers": headers, applyToIngress: bool() }),
  "envoy-service-namespace": str({ setting: "envoy-service-namespace" }),
  "envoy-service-name": str({ setting: "envoy-service-name" }),
  "default-http-versions": list,
  cluster: obj({
    "dns-lookup-family": str({ values: ["auto", "v4", "v6", "all"], default: "auto" }),
    "max-requests-per-connection": int(),
    "per-connection-buffer-limit-bytes": int(),
    "circuit-breakers": { t: "any" },
    "upstream-tls": obj(protocol),
  }),
  network: obj({ "num-trusted-hops": int({ default: 0 }), "admin-port": int({ default: 9001 }), "strip-trailing-host-dot": bool() }),
  listener: obj({
    "connection-balancer": str({ values: ["", "exact"] }),
    "max-requests-per-connection": int(),
    "per-connection-buffer-limit-bytes": int(),
    "socket-options": obj({ tos: int({ default: 0 }), "traffic-class": int({ default: 0 }) }),
    "max-requests-per-io-cycle": int(),
    "http2-max-concurrent-streams": int(),
    "max-connections-per-listener": int(),
  }),
  rateLimitService: obj({
    extensionService: str(),
    domain: str(),
    failOpen: bool(),
    enableXRateLimitHeaders: bool(),
    enableResourceExhaustedCode: bool(),
    defaultGlobalRateLimitPolicy: { t: "any" },
  }),
  globalExtAuth: obj({
    extensionService: str(),
    authPolicy: obj({ disabled: bool(), context: { t: "map" } }),
    responseTimeout: str(),
    failOpen: bool(),
    withRequestBody: obj({ maxRequestBytes: int(), allowPartialMessage: bool(), packAsBytes: bool() }),
  }),
  metrics: obj({ contour: metricsServer({ address: "http-address", port: "http-port" }), envoy: metricsServer(undefined) }),
  tracing: obj({
    includePodDetail: { t: "bool" },
    serviceName: str(),
    overallSampling: str(),
    maxPathTagLength: int(),
    customTags: { t: "any" },
    extensionService: str(),
  }),
  featureFlags: list,
  omEnforcedHealthListener: obj({ address: str(), port: int() }),
};
