// The keys of upstream Contour v1.33's config file (pkg/config/parameters.go: nested YAML), each with
// its type, its upstream default and, where this controller implements it, the setting it sets or
// `applied` (its value goes to envoy-options.ts, which turns it into the translator's options).

/** How one key of the upstream file is read. */
export type UpstreamKey =
  | {
      readonly t: "bool" | "string" | "int" | "number" | "list" | "map" | "any";
      readonly values?: readonly string[];
      readonly default?: unknown;
      readonly setting?: string;
      /** Takes effect through envoy-options.ts. */
      readonly applied?: true;
    }
  | { readonly t: "object"; readonly children: Readonly<Record<string, UpstreamKey>> };

const str = (extra: { values?: readonly string[]; default?: unknown; setting?: string; applied?: true } = {}): UpstreamKey => ({ t: "string", ...extra });
const bool = (setting?: string): UpstreamKey => ({ t: "bool", default: false, ...(setting === undefined ? {} : { setting }) });
const int = (extra: { default?: unknown; setting?: string; applied?: true } = {}): UpstreamKey => ({ t: "int", ...extra });
const applied = { applied: true } as const;
const appliedBool: UpstreamKey = { t: "bool", default: false, applied: true };
const obj = (children: Record<string, UpstreamKey>): UpstreamKey => ({ t: "object", children });
const tlsVersion = ["1.2", "1.3"] as const;
// The downstream ones take effect through envoy-options.ts, cluster.upstream-tls's through cluster-options.ts.
const downstreamProtocol = {
  "minimum-protocol-version": str({ values: tlsVersion, applied: true }),
  "maximum-protocol-version": str({ values: tlsVersion, applied: true }),
  "cipher-suites": { t: "list", applied: true } as UpstreamKey,
};
const upstreamProtocol = downstreamProtocol;
const headers = obj({ set: { t: "map", applied: true }, remove: { t: "list", applied: true } });
// metrics.contour's TLS files are taken in by metrics-tls.ts; metrics.envoy is the stats listener contour
// serves Envoy over LDS (admin-listener-options.ts).
const metricsServer = (setting: { address: string; port: string } | undefined) =>
  obj({
    address: str(setting === undefined ? applied : { setting: setting.address }),
    port: int(setting === undefined ? applied : { setting: setting.port }),
    "server-certificate-path": str(applied),
    "server-key-path": str(applied),
    "ca-certificate-path": str(applied),
  });

/** The top level of upstream's config file. `setting` names the `contour serve` setting a key sets. */
export const UPSTREAM_FILE_KEYS: Readonly<Record<string, UpstreamKey>> = {
  debug: bool("debug"),
  incluster: bool("incluster"),
  kubeconfig: str({ setting: "kubeconfig" }),
  kubernetesClientQPS: { t: "number", setting: "kubernetes-client-qps" },
  kubernetesClientBurst: int({ setting: "kubernetes-client-burst" }),
  // Checked and accepted by compat-keys.ts: one xDS server here for both (upstream v1.33 dropped the key).
  server: obj({ "xds-server-type": str({ values: ["contour", "envoy"], applied: true }) }),
  // gatewayRef: static mode, read by gateway-ref.ts.
  gateway: obj({ controllerName: str({ setting: "gateway-controller-name" }), gatewayRef: obj({ name: str(applied), namespace: str(applied) }) }),
  "ingress-status-address": str({ setting: "ingress-status-address" }),
  "accesslog-format": str({ values: ["envoy", "json"], setting: "accesslog-format" }),
  "accesslog-format-string": str(applied),
  "json-fields": { t: "list", applied: true },
  "accesslog-level": str({ values: ["info", "error", "critical", "disabled"], default: "info", ...applied }),
  tls: obj({ ...downstreamProtocol, "fallback-certificate": obj({ name: str(applied), namespace: str(applied) }), "envoy-client-certificate": obj({ name: str(applied), namespace: str(applied) }) }),
  disablePermitInsecure: appliedBool,
  disableAllowChunkedLength: appliedBool,
  disableMergeSlashes: appliedBool,
  compression: obj({ algorithm: str({ values: ["gzip", "brotli", "zstd", "disabled"], default: "gzip", ...applied }) }),
  serverHeaderTransformation: str({ values: ["overwrite", "append_if_absent", "pass_through"], default: "overwrite", ...applied }),
  enableExternalNameService: appliedBool,
  timeouts: obj({
    "request-timeout": str(applied),
    "connection-idle-timeout": str({ default: "60s", ...applied }),
    "stream-idle-timeout": str(applied),
    "max-connection-duration": str(applied),
    "delayed-close-timeout": str(applied),
    "connection-shutdown-grace-period": str(applied),
    "connect-timeout": str({ default: "2s", ...applied }),
  }),
  policy: obj({ "request-headers": headers, "response-headers": headers, applyToIngress: { t: "bool", default: false, applied: true } }),
  "envoy-service-namespace": str({ setting: "envoy-service-namespace" }),
  "envoy-service-name": str({ setting: "envoy-service-name" }),
  "default-http-versions": { t: "list", applied: true },
  cluster: obj({
    "dns-lookup-family": str({ values: ["auto", "v4", "v6", "all"], default: "auto", applied: true }),
    "max-requests-per-connection": int(applied),
    "per-connection-buffer-limit-bytes": int(applied),
    "circuit-breakers": obj({
      "max-connections": int(applied),
      "max-pending-requests": int(applied),
      "max-requests": int(applied),
      "max-retries": int(applied),
      "per-host-max-connections": int(applied),
    }),
    "upstream-tls": obj(upstreamProtocol),
  }),
  network: obj({ "num-trusted-hops": int({ default: 0, ...applied }), "admin-port": int({ default: 9001, ...applied }), "strip-trailing-host-dot": appliedBool }),
  listener: obj({
    "connection-balancer": str({ values: ["", "exact"], ...applied }),
    "max-requests-per-connection": int(applied),
    "per-connection-buffer-limit-bytes": int(applied),
    "socket-options": obj({ tos: int({ default: 0, ...applied }), "traffic-class": int({ default: 0, ...applied }) }),
    // Served over RTDS (runtime-options.ts).
    "max-requests-per-io-cycle": int(applied),
    "http2-max-concurrent-streams": int(applied),
    "max-connections-per-listener": int(applied),
  }),
  // Read whole by extension-settings.ts (its keys, defaults and messages).
  rateLimitService: { t: "map", applied: true },
  // Taken in by global-ext-auth.ts.
  globalExtAuth: obj({
    extensionService: str(applied),
    authPolicy: obj({ disabled: appliedBool, context: { t: "map", applied: true } }),
    responseTimeout: str(applied),
    failOpen: appliedBool,
    withRequestBody: obj({ maxRequestBytes: int(applied), allowPartialMessage: appliedBool, packAsBytes: appliedBool }),
  }),
  metrics: obj({ contour: metricsServer({ address: "http-address", port: "http-port" }), envoy: metricsServer(undefined) }),
  tracing: { t: "map", applied: true },
  featureFlags: { t: "list", applied: true },
  omEnforcedHealthListener: obj({ address: str(applied), port: int(applied) }),
};
