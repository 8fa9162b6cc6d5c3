/**
 * Envoy cluster names as upstream Contour v1.33.6 gives them (internal/envoy/cluster.go
 * Clustername): `<namespace>/<service>/<port>/<first 10 hex digits of SHA-1 over a few settings>`,
 * shortened to under 60 characters by upstream's Hashname. Users' dashboards and alerts key on
 * `envoy_cluster_name`, so the same objects must give the same names here.
 *
 * Upstream hashes only the load balancer strategy, the HTTP health check's timing and path, the
 * first CA Secret's name and first subject name, the protocol, the SNI, the idle connection
 * timeout and the slow start settings, each in Go's string form. Settings it leaves out but that
 * can differ between clusters of one Service port here (see `distinctSettings`) add a suffix, so
 * two different clusters never share a name; settings that come from the Service itself or from
 * the controller's configuration (circuit breakers, connect timeout, client certificate,
 * ExternalName) are the same for every cluster of one Service port and add nothing.
 */
import { hash } from "node:crypto";
import type { Cluster } from "./model.js";
import { hashname, NAME_LIMIT, shortHash } from "./names.js";

export { hashname, NAME_LIMIT, truncate } from "./names.js";

/** Go's time.Duration.String for a whole number of nanoseconds ("0s", "1.5s", "1m30s", "1h0m0s", "500ms", "1.5µs"). */
export function goDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return "0s";
  const negative = nanoseconds < 0n;
  const u = negative ? -nanoseconds : nanoseconds;
  const sign = negative ? "-" : "";
  // Below a second Go picks the largest unit that keeps a non-zero integer part.
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${fraction(u, 1_000n)}µs`;
  if (u < 1_000_000_000n) return `${sign}${fraction(u, 1_000_000n)}ms`;
  const hours = u / 3_600_000_000_000n;
  const minutes = (u / 60_000_000_000n) % 60n;
  const seconds = fraction(u % 60_000_000_000n, 1_000_000_000n);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** `value / unit` in decimal, trailing zeros of the fraction dropped (as Go's fmtFrac). */
function fraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole}.${rest.toString().padStart(digits, "0").replace(/0+$/, "")}`;
}

/** Go's Duration.String of a number of milliseconds (fractions kept to the nanosecond). */
export function goDurationMs(ms: number): string {
  return goDuration(BigInt(Math.round(ms * 1_000_000)));
}

/** Go's `%f` of a float64: six decimals. */
function goFloat(f: number): string {
  return f.toFixed(6);
}

/** Envoy's health check defaults as our model fills them in (upstream hashes the values as written, before these). */
const HEALTH_DEFAULTS = { intervalMs: 5_000, timeoutMs: 2_000, unhealthyThreshold: 3, healthyThreshold: 2, host: "contour-envoy-healthcheck" } as const;

/** An HTTP health check's values as the user wrote them (0: not written), which upstream hashes before any default. */
export interface WrittenHealthCheck {
  readonly path: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
}

/** The parts of a cluster that upstream's Clustername reads, in our model's terms. */
export interface UpstreamHashSettings {
  readonly loadBalancer?: Cluster["loadBalancer"];
  readonly healthCheck?: WrittenHealthCheck;
  /** Name (not namespace) of the first CA Secret or ConfigMap, and the first subject name. */
  readonly validation?: { readonly caName: string; readonly subjectName: string };
  readonly protocol: Cluster["protocol"];
  /** The SNI as upstream sets it on its DAG cluster (differs by source kind: see the callers). */
  readonly sni: string;
  readonly idleConnectionTimeoutMs?: number;
  readonly slowStart?: Cluster["slowStart"];
}

/** The exact string upstream's Clustername feeds SHA-1. */
export function upstreamHashInput(s: UpstreamHashSettings): string {
  // Upstream's loadBalancerPolicy maps RoundRobin (and anything unknown) to "".
  let buf = s.loadBalancer === undefined || s.loadBalancer === "RoundRobin" ? "" : s.loadBalancer;
  const hc = s.healthCheck;
  if (hc !== undefined) {
    if (hc.timeoutMs > 0) buf += goDurationMs(hc.timeoutMs);
    if (hc.intervalMs > 0) buf += goDurationMs(hc.intervalMs);
    if (hc.unhealthyThreshold > 0) buf += String(hc.unhealthyThreshold);
    if (hc.healthyThreshold > 0) buf += String(hc.healthyThreshold);
    buf += hc.path;
  }
  if (s.validation !== undefined) buf += s.validation.caName + s.validation.subjectName;
  buf += (s.protocol === "http1" ? "" : s.protocol) + s.sni;
  // timeout.Setting: a set or disabled timeout is written; a disabled one's Duration is 0 ("0s").
  if (s.idleConnectionTimeoutMs !== undefined) buf += goDurationMs(s.idleConnectionTimeoutMs);
  if (s.slowStart !== undefined) buf += `${goDurationMs(s.slowStart.windowMs)}${goFloat(s.slowStart.aggression)}${s.slowStart.minWeightPercent}`;
  return buf;
}

/** First 10 hex digits of SHA-1 over upstream's hash input (SHA-1 of "" is da39a3ee5e…). */
export function upstreamHash(s: UpstreamHashSettings): string {
  return hash("sha1", upstreamHashInput(s), "hex").slice(0, 10);
}

/** The Kubernetes object name inside an SDS secret name `<namespace>/<name>/<hash>`. */
function objectName(sdsName: string): string {
  return sdsName.split("/")[1] ?? sdsName;
}

/** The Kubernetes namespace inside an SDS secret name. */
function objectNamespace(sdsName: string): string {
  return sdsName.split("/")[0] ?? "";
}

/**
 * What upstream's hash reads from a model cluster; `sni` is what upstream would put on its cluster
 * (HTTPProxy: the Host rewrite, else the ExternalName; Gateway L4 routes: the ExternalName;
 * Ingress and HTTPRoute/GRPCRoute: none), which our model keeps only where Envoy uses it.
 */
export function hashSettingsOf(c: Omit<Cluster, "name">, sni: string, written?: WrittenHealthCheck): UpstreamHashSettings {
  const uv = c.upstreamValidation;
  const bt = c.backendTls;
  const validation =
    uv !== undefined
      ? { caName: objectName(uv.caSecret), subjectName: uv.subjectName }
      : bt?.caSecret !== undefined
        ? { caName: objectName(bt.caSecret), subjectName: bt.sni }
        : undefined;
  const hc = c.healthCheck;
  // Without the written values, a value equal to Envoy's default stands for "not written".
  const health: WrittenHealthCheck | undefined =
    hc?.kind !== "http"
      ? undefined
      : (written ?? {
          path: hc.path,
          timeoutMs: hc.timeoutMs === HEALTH_DEFAULTS.timeoutMs ? 0 : hc.timeoutMs,
          intervalMs: hc.intervalMs === HEALTH_DEFAULTS.intervalMs ? 0 : hc.intervalMs,
          unhealthyThreshold: hc.unhealthyThreshold === HEALTH_DEFAULTS.unhealthyThreshold ? 0 : hc.unhealthyThreshold,
          healthyThreshold: hc.healthyThreshold === HEALTH_DEFAULTS.healthyThreshold ? 0 : hc.healthyThreshold,
        });
  return {
    loadBalancer: c.loadBalancer,
    ...(health !== undefined ? { healthCheck: health } : {}),
    ...(validation !== undefined ? { validation } : {}),
    protocol: c.protocol,
    sni,
    ...(c.idleConnectionTimeoutMs !== undefined ? { idleConnectionTimeoutMs: c.idleConnectionTimeoutMs } : {}),
    ...(c.slowStart !== undefined ? { slowStart: c.slowStart } : {}),
  };
}

/**
 * The settings upstream's name leaves out that can still differ between two clusters of one
 * Service port with equal upstream hash input; undefined when there are none, which is the
 * common case and gives exactly upstream's name. Each entry is a case where upstream would merge
 * two different clusters under one name (its cluster cache keeps the first, so one route gets
 * the other's settings); README "Cluster names" lists them.
 */
export function distinctSettings(c: Omit<Cluster, "name">): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const hc = c.healthCheck;
  // Upstream hashes only the HTTP check's timing and path: a TCP check (tcpproxy) or another Host or status list is unseen.
  if (hc?.kind === "tcp") out.tcpHealthCheck = hc;
  if (hc?.kind === "http") {
    if (hc.host !== HEALTH_DEFAULTS.host) out.healthHost = hc.host;
    if (hc.expectedStatuses !== undefined) out.healthStatuses = hc.expectedStatuses;
  }
  // healthPort: the endpoints carry another port.
  const plainEndpoints = c.service.portName === "" ? `${c.service.namespace}/${c.service.name}` : `${c.service.namespace}/${c.service.name}/${c.service.portName}`;
  if (c.extension === undefined && c.weightedMembers === undefined && c.endpoints !== plainEndpoints) out.endpoints = c.endpoints;
  const uv = c.upstreamValidation;
  if (uv !== undefined) {
    // Upstream hashes the CA's name only: the same name in another (delegating) namespace is another CA.
    if (objectNamespace(uv.caSecret) !== c.service.namespace) out.caNamespace = objectNamespace(uv.caSecret);
    if (uv.subjectNames !== undefined && uv.subjectNames.length > 1) out.subjectNames = uv.subjectNames;
  }
  const bt = c.backendTls;
  if (bt !== undefined) {
    // Upstream sends no SNI from a BackendTLSPolicy, so its cluster equals an HTTPProxy's validating the same
    // CA name and subject; ours sends the hostname (as the Gateway API asks), so the two differ. Also ours:
    // the well-known CAs, subject alternative names and a Gateway's client certificate. The CA's content
    // is left out, so a rotated CA keeps the name.
    out.backendTls = {
      sni: bt.sni,
      ...(bt.systemCa ? { systemCa: true } : {}),
      subjectAltNames: bt.subjectAltNames,
      ...(bt.clientCertificate !== undefined ? { clientCertificate: bt.clientCertificate } : {}),
    };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The name of a Service port's cluster: upstream's, plus `-` and six hex digits of the settings
 * upstream leaves out when two clusters could otherwise share a name (see distinctSettings).
 */
export function serviceClusterName(c: Omit<Cluster, "name">, sni: string, written?: WrittenHealthCheck): string {
  const extra = distinctSettings(c);
  const hash = upstreamHash(hashSettingsOf(c, sni, written)) + (extra === undefined ? "" : `-${shortHash(extra).slice(0, 6)}`);
  return hashname(NAME_LIMIT, c.service.namespace, c.service.name, String(c.service.port), hash);
}
