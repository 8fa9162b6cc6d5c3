// The table of `contour serve` settings: one entry per flag, and the same name is the config-file key.
// Keeping both surfaces in one table is what keeps them from drifting apart.

/** How a setting's text is read. */
export type SettingType = "string" | "boolean" | "port" | "duration" | "list" | "enum" | "count" | "number";

/** One setting of `contour serve`: flag `--<name>` and config-file key `<name>`. */
export interface SettingSpec {
  readonly name: string;
  readonly type: SettingType;
  /** Default as the user would write it; undefined means "unset". */
  readonly default?: string | boolean;
  /** Allowed values of an enum. */
  readonly values?: readonly string[];
  /** One line for --help and config/README.md. */
  readonly help: string;
  /** Other flag names for the same setting, e.g. upstream Contour's where ours differs. */
  readonly aliases?: readonly string[];
  /** A one-letter flag (`-c`). */
  readonly short?: string;
  /** Environment variable read when neither a flag nor the config file sets the value. */
  readonly env?: string;
  /**
   * Accepted for compatibility with upstream Contour but without effect yet: setting it to anything
   * but the default logs a startup warning with this note.
   */
  readonly notImplemented?: string;
}

/** Every setting of `contour serve`, in the order --help lists them. */
export const SETTINGS: readonly SettingSpec[] = [
  { name: "config-file", type: "string", aliases: ["config-path"], short: "c", help: "path of the YAML config file (upstream Contour's nested format, or flag names as keys); flags override it" },
  { name: "contour-config-name", type: "string", help: "name of a ContourConfiguration in contour's namespace ($CONTOUR_NAMESPACE, default projectcontour) to read settings from at start; its fields win over flags; not with --config-path" },
  { name: "incluster", type: "boolean", default: false, help: "use the pod's service account (in-cluster configuration) even when --kubeconfig is set" },
  { name: "kubeconfig", type: "string", help: "kubeconfig file; default: in-cluster config when running in a pod, else $KUBECONFIG or ~/.kube/config" },
  { name: "xds-address", type: "string", default: "0.0.0.0", help: "address the xDS gRPC server listens on" },
  { name: "xds-port", type: "port", default: "8001", help: "port the xDS gRPC server listens on" },
  { name: "contour-cafile", type: "string", env: "CONTOUR_CAFILE", help: "CA bundle that signs Envoy's client certificates (xDS mTLS)" },
  { name: "contour-cert-file", type: "string", env: "CONTOUR_CERT_FILE", help: "xDS server certificate (PEM)" },
  { name: "contour-key-file", type: "string", env: "CONTOUR_KEY_FILE", help: "xDS server private key (PEM)" },
  { name: "insecure", type: "boolean", default: false, help: "serve xDS in plaintext without client authentication (development only)" },
  { name: "ingress-class-name", type: "string", help: "IngressClass names this controller owns, comma-separated; unset: objects without a class and the class named \"contour\"" },
  { name: "gateway-controller-name", type: "string", default: "projectcontour.io/gateway-controller", help: "GatewayClass spec.controllerName whose classes (and their Gateways and routes) this controller serves" },
  { name: "gateway-port-range", type: "string", default: "10000-10999", help: "Envoy listener ports handed to Gateway listeners, one per (Gateway, port), as min-max" },
  { name: "ingress-status-address", type: "list", help: "address(es) (IP or DNS name, comma-separated) written to Ingress status instead of the Envoy Service's" },
  { name: "envoy-service-name", type: "string", default: "envoy", help: "Service in front of Envoy, whose load-balancer address goes into Ingress status" },
  { name: "envoy-service-namespace", type: "string", default: "projectcontour", env: "CONTOUR_NAMESPACE", help: "namespace of the Envoy Service" },
  { name: "watch-namespaces", type: "list", help: "watch only these namespaces (comma-separated); default: all" },
  { name: "root-namespaces", type: "list", help: "namespaces in which HTTPProxies may declare a virtual host (comma-separated); default: all" },
  { name: "envoy-http-address", type: "string", default: "0.0.0.0", aliases: ["envoy-service-http-address"], help: "address of Envoy's HTTP listener" },
  { name: "envoy-http-port", type: "port", default: "8080", aliases: ["envoy-service-http-port"], help: "port of Envoy's HTTP listener" },
  { name: "envoy-https-address", type: "string", default: "0.0.0.0", aliases: ["envoy-service-https-address"], help: "address of Envoy's HTTPS listener" },
  { name: "envoy-https-port", type: "port", default: "8443", aliases: ["envoy-service-https-port"], help: "port of Envoy's HTTPS listener" },
  { name: "envoy-http-access-log", type: "string", default: "/dev/stdout", help: "Envoy's HTTP access log path", notImplemented: "the access log always goes to /dev/stdout" },
  { name: "envoy-https-access-log", type: "string", default: "/dev/stdout", help: "Envoy's HTTPS access log path", notImplemented: "the access log always goes to /dev/stdout" },
  { name: "accesslog-format", type: "enum", default: "envoy", values: ["envoy", "json"], help: "format of Envoy's access logs on its stdout: envoy (text) or json" },
  { name: "use-proxy-protocol", type: "boolean", default: false, help: "expect the PROXY protocol (v1 or v2) on every connection to Envoy's listeners" },
  { name: "stats-address", type: "string", default: "0.0.0.0", help: "address of Envoy's stats-health listener" },
  { name: "stats-port", type: "port", default: "8002", help: "port of Envoy's stats-health listener" },
  { name: "disable-feature", type: "list", values: ["extensionservices", "tlsroutes", "grpcroutes", "tcproutes", "backendtlspolicies"], help: "kinds not to watch (comma-separated); none of them is watched yet, so this changes nothing" },
  { name: "disable-leader-election", type: "boolean", default: false, help: "act as leader without a Lease (run a single replica only)" },
  { name: "leader-election-lease-name", type: "string", default: "leader-elect", aliases: ["leader-election-resource-name"], help: "name of the coordination.k8s.io Lease used for leader election" },
  { name: "leader-election-namespace", type: "string", default: "projectcontour", aliases: ["leader-election-resource-namespace"], env: "CONTOUR_NAMESPACE", help: "namespace of the leader-election Lease" },
  { name: "leader-election-lease-duration", type: "duration", default: "15s", help: "how long a Lease is valid without renewal; others wait this long before taking over" },
  { name: "leader-election-renew-deadline", type: "duration", default: "10s", help: "the leader gives up leadership when it has not renewed for this long" },
  { name: "leader-election-retry-period", type: "duration", default: "2s", help: "interval between attempts to acquire or renew the Lease" },
  { name: "kubernetes-client-qps", type: "number", default: "50", help: "average Kubernetes API writes per second for status updates" },
  { name: "kubernetes-client-burst", type: "count", default: "100", help: "status updates allowed back to back above the average" },
  { name: "kubernetes-debug", type: "string", default: "0", help: "client-go log verbosity", notImplemented: "the Kubernetes client has no verbose logging" },
  { name: "http-address", type: "string", default: "0.0.0.0", help: "address of the /healthz, /readyz and /metrics server" },
  { name: "http-port", type: "port", default: "8000", help: "port of the /healthz, /readyz and /metrics server" },
  { name: "health-address", type: "string", default: "0.0.0.0", help: "address of the health endpoints (upstream serves them apart from metrics)", notImplemented: "/healthz is served with /metrics on --http-address" },
  { name: "health-port", type: "port", default: "8000", help: "port of the health endpoints", notImplemented: "/healthz is served with /metrics on --http-port" },
  { name: "debug-http-address", type: "string", default: "127.0.0.1", help: "address of the /debug/dag and /debug/pprof server (keep it on loopback: it shows every route)" },
  { name: "debug-http-port", type: "port", default: "6060", help: "port of the /debug/dag and /debug/pprof server" },
  { name: "debug", type: "boolean", default: false, short: "d", help: "log at debug level (same as --log-level=debug)" },
  { name: "log-level", type: "enum", default: "info", values: ["trace", "debug", "info", "warn", "error", "fatal"], help: "least severe level logged" },
  { name: "log-format", type: "enum", default: "json", values: ["json", "text"], help: "json (one bunyan record per line) or text (for humans)" },
];

/** A setting's value before conversion: text, a flag, or a list; with where it came from, for messages. */
export interface RawValue {
  readonly value: string | boolean | readonly string[];
  /** e.g. "--xds-port" or "xds-port in /etc/contour/contour.yaml". */
  readonly source: string;
}

/** Raw values by setting name. */
export type RawSettings = Map<string, RawValue>;

/** The spec of a setting by name. */
export function findSetting(name: string): SettingSpec | undefined {
  return SETTINGS.find((s) => s.name === name);
}

/** The setting a flag name (its own name or an alias) stands for. */
export function findSettingByFlag(flag: string): SettingSpec | undefined {
  return SETTINGS.find((s) => s.name === flag || (s.aliases ?? []).includes(flag));
}

/** Splits "a, b,,c" into ["a", "b", "c"]. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
