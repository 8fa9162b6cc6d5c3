// The typed settings of `contour serve`, built from merged raw values and validated in one pass so the
// user sees every problem at once rather than one per restart.
import type { AuthorizationServer } from "../../crds/types/httpproxy.js";
import type { ReconcileFileOptions } from "./reconcile-options.js";
import type { AdminListenerSettings } from "../../xds/translate/admin-listeners.js";
import type { MetricsTls } from "./metrics-tls.js";
import type { TranslateOptions } from "../../xds/translate/index.js";
import type { RuntimeSettings } from "../../xds/translate/runtime-layer.js";
import type { ReconcileOptions } from "./cluster-options.js";
import { parseDuration } from "./duration.js";
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isHostname, isIpAddress, isWildcardAddress } from "./names.js";
import { SETTINGS, findSetting, type RawSettings, type SettingSpec } from "./settings.js";

/** A listen address and port. */
export interface ListenAddress {
  readonly address: string;
  readonly port: number;
}

/** Files of the xDS server's mTLS identity. */
export interface XdsTlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Lease-based leader election settings; durations in milliseconds. */
export interface LeaderElectionConfig {
  readonly enabled: boolean;
  readonly leaseName: string;
  readonly namespace: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** Log level names as bunyan knows them. */
export type LogLevelName = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/** Every setting of `contour serve`, typed and validated. */
export interface ServeConfig {
  /** The ContourConfiguration to read settings from (--contour-config-name), in contour's namespace; undefined: none. */
  readonly contourConfigName: string | undefined;
  /** Kubeconfig file; undefined: in-cluster when in a pod, else $KUBECONFIG / ~/.kube/config. */
  readonly kubeconfig: string | undefined;
  readonly xds: ListenAddress & {
    /** undefined only with `insecure`. */
    readonly tls: XdsTlsFiles | undefined;
    readonly insecure: boolean;
  };
  readonly ingress: {
    readonly className: string | undefined;
    /** Addresses written to Ingress status instead of the Envoy Service's; empty: use the Service. */
    readonly statusAddresses: readonly string[];
  };
  readonly envoyService: { readonly name: string; readonly namespace: string };
  /** Gateway API: the controllerName we answer to, and the Envoy ports Gateway listeners get. */
  readonly gateway: {
    readonly controllerName: string;
    readonly portRange: { readonly min: number; readonly max: number };
    /** Static mode (the file's gateway.gatewayRef): serve this Gateway only, whatever its class. */
    readonly gatewayRef?: { readonly namespace: string; readonly name: string };
  };
  readonly envoyListeners: { readonly http: ListenAddress; readonly https: ListenAddress };
  /** Empty: all namespaces. */
  readonly watchNamespaces: readonly string[];
  /** Empty: all namespaces. */
  readonly rootNamespaces: readonly string[];
  readonly leaderElection: LeaderElectionConfig;
  /** The /healthz, /readyz and /metrics server. */
  readonly http: ListenAddress;
  /** The /debug/dag and /debug/pprof server (upstream's debug listener). */
  readonly debug: ListenAddress;
  /** Rate of status writes to the API server. */
  readonly kubernetesClient: { readonly qps: number; readonly burst: number };
  readonly log: { readonly level: LogLevelName; readonly format: "json" | "text" };
  /** What Envoy is sent beyond the listener addresses: flags here, upstream file keys added by loadServeConfig. */
  readonly envoy: TranslateOptions;
  /** The config file's metrics.contour TLS (metrics-tls.ts): the ops server is HTTPS when set. */
  readonly metricsTls?: MetricsTls;
  /** --stats-address/--stats-port: Envoy's health listener (/ready), and its metrics listener unless metrics.envoy says otherwise. */
  readonly stats: ListenAddress;
  /** The stats/health and read-only admin listeners served to Envoy (admin-listener-options.ts); upstream's defaults when unset. */
  readonly adminListeners?: AdminListenerSettings;
  /** What the reconcilers take from upstream's file keys (cluster-options.ts). */
  readonly reconcile: ReconcileOptions & ReconcileFileOptions;
  /** Runtime values served over RTDS (runtime-options.ts); empty when the file sets none. */
  readonly runtime?: RuntimeSettings;
  /** The config file's globalExtAuth (global-ext-auth.ts); absent when not configured. */
  readonly globalExtAuth?: AuthorizationServer;
}

// Converts raw text per setting, collecting messages instead of throwing.
class Reader {
  readonly errors: string[] = [];
  constructor(private readonly rawSettings: RawSettings) {}

  private entry(name: string): { spec: SettingSpec; value: string | boolean | readonly string[] | undefined; source: string } {
    const spec = SETTINGS.find((s) => s.name === name);
    if (spec === undefined) throw new Error(`BUG: no setting "${name}"`);
    const got = this.rawSettings.get(name);
    return { spec, value: got?.value ?? spec.default, source: got?.source ?? `default of --${name}` };
  }

  optionalString(name: string): string | undefined {
    const { value, source } = this.entry(name);
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      this.errors.push(`${source}: must be a string`);
      return undefined;
    }
    const trimmed = value.trim();
    if (trimmed === "") return undefined;
    return trimmed;
  }

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) {
      this.errors.push(`${this.entry(name).source}: must not be empty`);
      return "";
    }
    return value;
  }

  boolean(name: string): boolean {
    return this.entry(name).value === true;
  }

  list(name: string): string[] {
    const { value } = this.entry(name);
    return Array.isArray(value) ? [...new Set(value.filter((v) => v !== ""))] : [];
  }

  count(name: string, max: number): number {
    const text = this.string(name);
    const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!(value >= 1 && value <= max)) {
      this.errors.push(`${this.entry(name).source}: must be a whole number between 1 and ${max}, got "${text}"`);
      return 0;
    }
    return value;
  }

  positiveNumber(name: string, max: number): number {
    const text = this.string(name);
    const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
    if (!(value > 0 && value <= max)) {
      this.errors.push(`${this.entry(name).source}: must be a number above 0 and at most ${max}, got "${text}"`);
      return 0;
    }
    return value;
  }
  port(name: string): number {
    const text = this.string(name);
    const port = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      this.errors.push(`${this.entry(name).source}: must be a port number between 1 and 65535, got "${text}"`);
      return 0;
    }
    return port;
  }

  address(name: string): string {
    const text = this.string(name);
    if (text !== "" && !isIpAddress(text)) this.errors.push(`${this.entry(name).source}: must be an IP address, got "${text}"`);
    return text;
  }

  duration(name: string): number {
    const text = this.string(name);
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      this.errors.push(`${this.entry(name).source}: must be a positive duration such as "15s" or "1m30s", got "${text}"`);
      return 0;
    }
    return ms;
  }

  enumValue<T extends string>(name: string): T {
    const { spec } = this.entry(name);
    const text = this.string(name);
    if (!(spec.values ?? []).includes(text)) {
      this.errors.push(`${this.entry(name).source}: must be one of ${(spec.values ?? []).join(", ")}; got "${text}"`);
    }
    return text as T;
  }

  check(ok: boolean, name: string, message: string): void {
    if (!ok) this.errors.push(`${this.entry(name).source}: ${message}`);
  }
}

/** Builds the typed config from merged raw values: the config, or every problem found. */
export function buildServeConfig(raw: RawSettings): { config: ServeConfig } | { errors: string[] } {
  const r = new Reader(raw);
  const inCluster = r.boolean("incluster");
  const kubeconfig = r.optionalString("kubeconfig");

  const insecure = r.boolean("insecure");
  const caFile = r.optionalString("contour-cafile");
  const certFile = r.optionalString("contour-cert-file");
  const keyFile = r.optionalString("contour-key-file");
  const tlsNames = { "contour-cafile": caFile, "contour-cert-file": certFile, "contour-key-file": keyFile };
  const missing = Object.entries(tlsNames).filter(([, v]) => v === undefined).map(([k]) => `--${k}`);
  let tls: XdsTlsFiles | undefined;
  if (insecure && missing.length < 3) {
    r.errors.push("--insecure: cannot be combined with --contour-cafile, --contour-cert-file or --contour-key-file");
  } else if (!insecure && missing.length === 3) {
    r.errors.push("xDS needs TLS: set --contour-cafile, --contour-cert-file and --contour-key-file, or --insecure to serve plaintext (development only)");
  } else if (!insecure && missing.length > 0) {
    r.errors.push(`xDS TLS is incomplete: also set ${missing.join(", ")}`);
  } else if (caFile !== undefined && certFile !== undefined && keyFile !== undefined) {
    tls = { caFile, certFile, keyFile };
  }

  const statusAddresses = r.list("ingress-status-address");
  for (const a of statusAddresses) r.check(isIpAddress(a) || isHostname(a), "ingress-status-address", `"${a}" is neither an IP address nor a DNS name`);

  const envoyServiceName = r.string("envoy-service-name");
  r.check(envoyServiceName === "" || isDns1035Label(envoyServiceName), "envoy-service-name", `"${envoyServiceName}" is not a valid Service name`);
  const envoyServiceNamespace = namespace(r, "envoy-service-namespace");

  const watchNamespaces = r.list("watch-namespaces");
  const rootNamespaces = r.list("root-namespaces");
  for (const ns of watchNamespaces) r.check(isDns1123Label(ns), "watch-namespaces", `"${ns}" is not a valid namespace name`);
  for (const ns of rootNamespaces) {
    r.check(isDns1123Label(ns), "root-namespaces", `"${ns}" is not a valid namespace name`);
    // A root namespace outside the watched ones could never hold a visible HTTPProxy: surely a mistake.
    r.check(watchNamespaces.length === 0 || watchNamespaces.includes(ns), "root-namespaces", `"${ns}" is not in --watch-namespaces`);
  }

  const leaseName = r.string("leader-election-lease-name");
  r.check(leaseName === "" || isDns1123Subdomain(leaseName), "leader-election-lease-name", `"${leaseName}" is not a valid object name`);
  const leaderElection: LeaderElectionConfig = {
    enabled: !r.boolean("disable-leader-election"),
    leaseName,
    namespace: namespace(r, "leader-election-namespace"),
    leaseDurationMs: r.duration("leader-election-lease-duration"),
    renewDeadlineMs: r.duration("leader-election-renew-deadline"),
    retryPeriodMs: r.duration("leader-election-retry-period"),
  };
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = leaderElection;
  if (leaseDurationMs > 0 && renewDeadlineMs > 0 && retryPeriodMs > 0) {
    // client-go's rules: the leader must give up before others may take over, with room for retries.
    r.check(leaseDurationMs > renewDeadlineMs, "leader-election-lease-duration", "must be longer than --leader-election-renew-deadline");
    r.check(renewDeadlineMs > retryPeriodMs * 1.2, "leader-election-renew-deadline", "must be longer than 1.2 × --leader-election-retry-period");
    r.check(leaseDurationMs % 1_000 === 0, "leader-election-lease-duration", "must be whole seconds (the Lease stores seconds)");
  }

  const xds = { address: r.address("xds-address"), port: r.port("xds-port") };
  const http = { address: r.address("http-address"), port: r.port("http-port") };
  if (xds.port !== 0 && xds.port === http.port && addressesOverlap(xds.address, http.address)) {
    r.errors.push(`--http-port: ${http.port} is also the xDS port on an overlapping address`);
  }

  const contourConfigName = r.optionalString("contour-config-name");
  r.check(contourConfigName === undefined || isDns1123Subdomain(contourConfigName), "contour-config-name", `"${contourConfigName ?? ""}" is not a valid object name`);
  const config: ServeConfig = {
    contourConfigName,
    kubernetesClient: { qps: r.positiveNumber("kubernetes-client-qps", 10_000), burst: r.count("kubernetes-client-burst", 10_000) },
    // --incluster: the pod's service account, as upstream does, whatever --kubeconfig says.
    kubeconfig: inCluster ? undefined : kubeconfig,
    xds: { ...xds, tls, insecure },
    ingress: { className: r.optionalString("ingress-class-name"), statusAddresses },
    envoyService: { name: envoyServiceName, namespace: envoyServiceNamespace },
    gateway: { controllerName: r.string("gateway-controller-name"), portRange: portRange(r.string("gateway-port-range"), r.errors) },
    envoyListeners: {
      http: { address: r.address("envoy-http-address"), port: r.port("envoy-http-port") },
      https: { address: r.address("envoy-https-address"), port: r.port("envoy-https-port") },
    },
    watchNamespaces,
    rootNamespaces,
    leaderElection,
    http,
    debug: { address: r.address("debug-http-address"), port: r.port("debug-http-port") },
    stats: { address: r.address("stats-address"), port: r.port("stats-port") },
    log: { level: logLevel(r), format: r.enumValue<"json" | "text">("log-format") },
    envoy: { accessLog: r.enumValue<"envoy" | "json">("accesslog-format"), useProxyProtocol: r.boolean("use-proxy-protocol") },
    reconcile: { disablePermitInsecure: false, enableExternalNameService: false },
  };
  const disabled = r.list("disable-feature");
  const features = findSetting("disable-feature")?.values ?? [];
  for (const f of disabled) r.check(features.includes(f), "disable-feature", `"${f}" is not one of ${features.join(", ")}`);
  r.check(/^[0-9]+$/.test(r.string("kubernetes-debug")), "kubernetes-debug", "must be a whole number");
  r.port("health-port");
  // Upstream splits the value on "," (contour,team1) and serves every class named; an empty entry
  // ("contour,") is kept, as upstream keeps it, and matches objects naming no class.
  for (const name of (config.ingress.className ?? "").split(",")) {
    r.check(name === "" || isDns1123Subdomain(name), "ingress-class-name", `"${name}" is not a valid IngressClass name`);
  }
  return r.errors.length > 0 ? { errors: r.errors } : { config };
}

// --debug is upstream's switch for debug logs; an explicit, more verbose --log-level still wins.
function logLevel(r: Reader): LogLevelName {
  const level = r.enumValue<LogLevelName>("log-level");
  return r.boolean("debug") && level !== "trace" ? "debug" : level;
}

function namespace(r: Reader, name: string): string {
  const ns = r.string(name);
  r.check(ns === "" || isDns1123Label(ns), name, `"${ns}" is not a valid namespace name`);
  return ns;
}

function addressesOverlap(a: string, b: string): boolean {
  return a === b || isWildcardAddress(a) || isWildcardAddress(b);
}

/** Reads `min-max` of --gateway-port-range. */
function portRange(text: string, errors: string[]): { min: number; max: number } {
  const m = /^(\d{1,5})-(\d{1,5})$/u.exec(text.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (m === null || min < 1 || max > 65535 || min > max) {
    errors.push(`--gateway-port-range: "${text}" is not a port range min-max (1 <= min <= max <= 65535)`);
    return { min: 10000, max: 10999 };
  }
  return { min, max };
}
