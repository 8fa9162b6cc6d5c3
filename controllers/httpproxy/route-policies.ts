/**
 * Per-route policies: timeouts, retries, load balancing, health checks, redirects and direct
 * responses, read as upstream's internal/dag/policy.go reads them. Each returns the model value or a
 * problem (which makes the route's proxy invalid, as upstream's `return nil` does); settings that are
 * only ignored come back as warnings.
 */
import type {
  HTTPDirectResponsePolicy,
  HTTPHealthCheckPolicy,
  HTTPRequestRedirectPolicy,
  LoadBalancerPolicy,
  RequestHashPolicy,
  RetryPolicy as SpecRetryPolicy,
  TimeoutPolicy as SpecTimeoutPolicy,
} from "../../crds/types/httpproxy.js";
import { LOAD_BALANCER_STRATEGIES, RETRY_ON_VALUES } from "../../crds/types/httpproxy.js";
import type { Cluster, HashPolicy, HealthCheck, RetryPolicy, RouteAction, TimeoutPolicy } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { quote } from "../store/conditions.js";
import { parseTimeoutSetting } from "../annotations/timeout-setting.js";
import { invalidHostReason } from "../ingress/host-name.js";
import { Area, proxyWarning } from "./proxy-conditions.js";
import { canonicalHeaderKey, headerNameProblem } from "./headers-policy.js";
import { MAX_DIRECT_RESPONSE_BODY_BYTES, MAX_MATCH_VALUE } from "./limits.js";
import { CONTROL_CHARACTERS, flag, int, list, obj, str, utf8Length } from "./spec-values.js";

/** A value, or why the field cannot be used. */
export type PolicyResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const ok = <T>(value: T): PolicyResult<T> => ({ ok: true, value });
const fail = <T>(problem: string): PolicyResult<T> => ({ ok: false, problem });

/** Route timeouts and the upstream connection idle timeout of a route's clusters. */
export interface Timeouts {
  readonly route?: TimeoutPolicy;
  /** Cluster.idleConnectionTimeoutMs: undefined keeps Envoy's default, 0 disables. */
  readonly idleConnectionMs?: number;
}

/** Upstream's timeoutPolicy: each field a Go duration or "infinity"/"infinite"; any bad one fails the route. */
export function timeoutPolicy(raw: SpecTimeoutPolicy | undefined | unknown, field: string): PolicyResult<Timeouts> {
  const tp = obj<SpecTimeoutPolicy>(raw);
  if (tp === undefined) return ok({});
  const read = (name: "response" | "idle" | "idleConnection"): PolicyResult<number | null> => {
    const text = tp[name];
    if (text === undefined) return ok(null);
    if (typeof text !== "string") return fail(`${field}.${name}: not a string`);
    const setting = parseTimeoutSetting(text);
    return setting.ok ? ok(setting.ms) : fail(`${field}.${name}: ${quote(text)} ${setting.error}`);
  };
  const response = read("response");
  if (!response.ok) return response;
  const idle = read("idle");
  if (!idle.ok) return idle;
  const idleConnection = read("idleConnection");
  if (!idleConnection.ok) return idleConnection;
  return ok({
    ...(response.value !== null || idle.value !== null ? { route: { responseMs: response.value, idleMs: idle.value } } : {}),
    ...(idleConnection.value !== null ? { idleConnectionMs: idleConnection.value } : {}),
  });
}

const RETRY_ON: ReadonlySet<string> = new Set(RETRY_ON_VALUES);

/**
 * Upstream's retryPolicy: retryOn defaults to "5xx"; count -1 means no retries, 0 and 1 mean one;
 * a per-try timeout that does not parse leaves Envoy's default. Unknown retryOn values and status
 * codes outside 100-599 are dropped with a warning rather than handed to Envoy; a per-try timeout
 * longer than Envoy takes fails the route.
 */
export function retryPolicy(raw: SpecRetryPolicy | undefined | unknown, field: string, warnings: Condition[]): PolicyResult<RetryPolicy | undefined> {
  const rp = obj<SpecRetryPolicy>(raw);
  if (rp === undefined) return ok(undefined);
  const retryOn: string[] = [];
  for (const v of list<unknown>(rp.retryOn)) {
    if (typeof v === "string" && RETRY_ON.has(v)) {
      if (!retryOn.includes(v)) retryOn.push(v);
    } else warnings.push(proxyWarning(Area.Route, "IgnoredField", `${field}.retryOn: ${quote(String(v))} is not an Envoy retry condition; ignored`));
  }
  const count = int(rp.count) ?? 1;
  let numRetries = count === -1 ? 0 : count <= 1 ? 1 : Math.min(count, 2 ** 32 - 1);
  if (count < -1) {
    warnings.push(proxyWarning(Area.Route, "IgnoredField", `${field}.count: ${count} is negative (only -1, meaning no retries, is allowed); 1 used`));
    numRetries = 1;
  }
  let perTryTimeoutMs = 0;
  if (rp.perTryTimeout !== undefined) {
    const setting = parseTimeoutSetting(String(rp.perTryTimeout));
    // Upstream ignores a per-try timeout it cannot parse; one Envoy cannot take would get the route configuration rejected.
    if (!setting.ok && setting.outOfRange) return fail(`${field}.perTryTimeout: ${quote(String(rp.perTryTimeout))} ${setting.error}`);
    if (!setting.ok) warnings.push(proxyWarning(Area.Route, "IgnoredField", `${field}.perTryTimeout: ${quote(String(rp.perTryTimeout))} ${setting.error}; Envoy's default used`));
    else perTryTimeoutMs = setting.ms ?? 0;
  }
  const retriableStatusCodes: number[] = [];
  for (const v of list<unknown>(rp.retriableStatusCodes)) {
    const code = int(v);
    if (code !== undefined && code >= 100 && code <= 599) {
      if (!retriableStatusCodes.includes(code)) retriableStatusCodes.push(code);
    } else warnings.push(proxyWarning(Area.Route, "IgnoredField", `${field}.retriableStatusCodes: ${quote(String(v))} is not an HTTP status code; ignored`));
  }
  return ok({ retryOn: retryOn.length > 0 ? retryOn.join(",") : "5xx", numRetries, perTryTimeoutMs, retriableStatusCodes });
}

/** How a route's clusters balance load, and what a hash-based strategy hashes. */
export interface LoadBalancing {
  readonly strategy: Cluster["loadBalancer"];
  readonly hashPolicy?: readonly HashPolicy[];
}

const STRATEGIES: ReadonlySet<string> = new Set(LOAD_BALANCER_STRATEGIES);

/** The session-affinity cookie upstream's Cookie strategy uses. */
export const SESSION_AFFINITY_COOKIE = "X-Contour-Session-Affinity";

/**
 * Upstream's loadBalancerRequestHashPolicies: Cookie hashes the session-affinity cookie; RequestHash
 * hashes the given headers, query parameters or source IP, skipping invalid entries with a warning
 * and falling back to RoundRobin when none is left.
 */
export function loadBalancing(raw: LoadBalancerPolicy | undefined | unknown, field: string, warnings: Condition[]): LoadBalancing {
  const lbp = obj<LoadBalancerPolicy>(raw);
  const strategy = str(lbp?.strategy) ?? "";
  if (lbp === undefined || strategy === "") return { strategy: "RoundRobin" };
  if (!STRATEGIES.has(strategy)) {
    warnings.push(proxyWarning(Area.Spec, "IgnoredField", `${field}.strategy: ${quote(strategy)} is not a load balancer strategy; RoundRobin used`));
    return { strategy: "RoundRobin" };
  }
  if (strategy === "Cookie") return { strategy: "Cookie", hashPolicy: [{ kind: "cookie", name: SESSION_AFFINITY_COOKIE, ttlSeconds: 0, path: "/" }] };
  if (strategy !== "RequestHash") return { strategy: strategy as Cluster["loadBalancer"] };
  const policies: HashPolicy[] = [];
  const headers = new Set<string>();
  const params = new Set<string>();
  let sourceIp = false;
  const ignore = (i: number, why: string): void => void warnings.push(proxyWarning(Area.Spec, "IgnoredField", `${field}.requestHashPolicies[${i}]: ${why}; ignored`));
  list<unknown>(lbp.requestHashPolicies).forEach((entry, i) => {
    const p = obj<RequestHashPolicy>(entry);
    if (p === undefined) return ignore(i, "not an object");
    const header = obj<NonNullable<RequestHashPolicy["headerHashOptions"]>>(p.headerHashOptions);
    const query = obj<NonNullable<RequestHashPolicy["queryParameterHashOptions"]>>(p.queryParameterHashOptions);
    const set = (flag(p.hashSourceIP) ? 1 : 0) + (header !== undefined ? 1 : 0) + (query !== undefined ? 1 : 0);
    if (set !== 1) return ignore(i, "must set exactly one of hashSourceIP or headerHashOptions or queryParameterHashOptions");
    const terminal = flag(p.terminal);
    if (flag(p.hashSourceIP)) {
      if (sourceIp) return ignore(i, "hashSourceIP specified multiple times");
      sourceIp = true;
      policies.push({ kind: "sourceIp", terminal });
    } else if (header !== undefined) {
      const name = canonicalHeaderKey(str(header.headerName) ?? "");
      const why = headerNameProblem(name);
      if (why !== undefined) return ignore(i, `header hash policy: ${why}`);
      if (headers.has(name)) return ignore(i, `duplicated header name ${quote(name)}`);
      headers.add(name);
      policies.push({ kind: "header", name, terminal });
    } else if (query !== undefined) {
      const name = (str(query.parameterName) ?? "").toLowerCase();
      if (name === "" || name.length > 256 || CONTROL_CHARACTERS.test(name)) return ignore(i, "an invalid query parameter name");
      if (params.has(name)) return ignore(i, `duplicated query parameter name ${quote(name)}`);
      params.add(name);
      policies.push({ kind: "query", name, terminal });
    }
    return undefined;
  });
  if (policies.length === 0) {
    warnings.push(proxyWarning(Area.Spec, "IgnoredField", `${field}: no valid request hash policy; load balancer strategy RoundRobin used`));
    return { strategy: "RoundRobin" };
  }
  return { strategy: "RequestHash", hashPolicy: policies };
}

/** Envoy's defaults as upstream Contour sets them (internal/envoy/v3/healthcheck.go). */
const HEALTH_CHECK_DEFAULTS = { intervalMs: 5_000, timeoutMs: 2_000, unhealthyThreshold: 3, healthyThreshold: 2, host: "contour-envoy-healthcheck" };

/** Upstream's httpHealthCheckPolicy, with Envoy's defaults filled in for zero or absent values. */
export function httpHealthCheck(raw: HTTPHealthCheckPolicy | undefined | unknown, field: string): PolicyResult<HealthCheck | undefined> {
  const hc = obj<HTTPHealthCheckPolicy>(raw);
  if (hc === undefined) return ok(undefined);
  const path = str(hc.path) ?? "";
  if (path === "" || path.length > MAX_MATCH_VALUE || CONTROL_CHARACTERS.test(path)) return fail(`${field}.path: ${quote(path)} is not a usable path`);
  const host = str(hc.host) ?? "";
  if (host !== "" && invalidHostReason(host) !== undefined) return fail(`${field}.host: ${quote(host)} is not a DNS name`);
  const timing = healthTiming(hc, field);
  if (!timing.ok) return timing;
  const expected: { start: number; end: number }[] = [];
  for (const [i, entry] of list<unknown>(hc.expectedStatuses).entries()) {
    const r = obj<{ start?: unknown; end?: unknown }>(entry);
    const start = int(r?.start);
    const end = int(r?.end);
    if (start === undefined || end === undefined || start < 100 || end > 600 || start >= end) {
      return fail(`${field}.expectedStatuses[${i}]: a range needs 100 <= start < end <= 600`);
    }
    expected.push({ start, end });
  }
  return ok({ kind: "http", path, host: host === "" ? HEALTH_CHECK_DEFAULTS.host : host, ...timing.value, ...(expected.length > 0 ? { expectedStatuses: expected } : {}) });
}

/** Interval, timeout and thresholds of a health check policy (HTTP or TCP), defaults for zeros. */
export function healthTiming(
  hc: { readonly intervalSeconds?: unknown; readonly timeoutSeconds?: unknown; readonly unhealthyThresholdCount?: unknown; readonly healthyThresholdCount?: unknown },
  field: string,
): PolicyResult<{ intervalMs: number; timeoutMs: number; unhealthyThreshold: number; healthyThreshold: number }> {
  const read = (name: keyof typeof hc, max: number): PolicyResult<number> => {
    const v = hc[name];
    if (v === undefined) return ok(0);
    const n = int(v);
    return n === undefined || n < 0 || n > max ? fail(`${field}.${name}: must be a whole number from 0 to ${max}`) : ok(n);
  };
  const interval = read("intervalSeconds", 86_400);
  if (!interval.ok) return interval;
  const timeout = read("timeoutSeconds", 86_400);
  if (!timeout.ok) return timeout;
  const unhealthy = read("unhealthyThresholdCount", 1_000);
  if (!unhealthy.ok) return unhealthy;
  const healthy = read("healthyThresholdCount", 1_000);
  if (!healthy.ok) return healthy;
  return ok({
    intervalMs: interval.value > 0 ? interval.value * 1000 : HEALTH_CHECK_DEFAULTS.intervalMs,
    timeoutMs: timeout.value > 0 ? timeout.value * 1000 : HEALTH_CHECK_DEFAULTS.timeoutMs,
    unhealthyThreshold: unhealthy.value > 0 ? unhealthy.value : HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
    healthyThreshold: healthy.value > 0 ? healthy.value : HEALTH_CHECK_DEFAULTS.healthyThreshold,
  });
}

const REDIRECT_CODES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Upstream's redirectRoutePolicy: path and prefix are exclusive; the status code defaults to 302. */
export function requestRedirect(raw: HTTPRequestRedirectPolicy | undefined | unknown, field: string): PolicyResult<Extract<RouteAction, { kind: "redirect" }> | undefined> {
  const r = obj<HTTPRequestRedirectPolicy>(raw);
  if (r === undefined) return ok(undefined);
  if (r.path !== undefined && r.prefix !== undefined) return fail(`${field}: cannot specify both redirect path and redirect prefix`);
  const scheme = r.scheme;
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") return fail(`${field}.scheme: ${quote(String(scheme))} is not http or https`);
  const host = r.hostname;
  if (host !== undefined && (typeof host !== "string" || invalidHostReason(host) !== undefined || host.startsWith("*"))) {
    return fail(`${field}.hostname: ${quote(String(host))} is not a DNS name without wildcards`);
  }
  const port = r.port === undefined ? undefined : int(r.port);
  if (r.port !== undefined && (port === undefined || port < 1 || port > 65535)) return fail(`${field}.port: must be 1-65535`);
  const code = r.statusCode === undefined ? 302 : int(r.statusCode);
  if (code === undefined || !REDIRECT_CODES.has(code)) return fail(`${field}.statusCode: must be one of 301, 302, 303, 307, 308`);
  for (const name of ["path", "prefix"] as const) {
    const v = r[name];
    if (v === undefined) continue;
    if (typeof v !== "string" || !v.startsWith("/") || v.length > MAX_MATCH_VALUE || CONTROL_CHARACTERS.test(v)) return fail(`${field}.${name}: ${quote(String(v))} must be a path starting with "/"`);
  }
  return ok({
    kind: "redirect",
    ...(scheme !== undefined ? { scheme } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(r.path !== undefined ? { path: r.path } : {}),
    ...(r.prefix !== undefined ? { prefix: r.prefix } : {}),
    statusCode: code as 301 | 302 | 303 | 307 | 308,
  });
}

/** Upstream's directResponsePolicy; the body must fit Envoy's limit for inline bodies. */
export function directResponse(raw: HTTPDirectResponsePolicy | undefined | unknown, field: string): PolicyResult<Extract<RouteAction, { kind: "direct" }> | undefined> {
  const d = obj<HTTPDirectResponsePolicy>(raw);
  if (d === undefined) return ok(undefined);
  const status = int(d.statusCode);
  if (status === undefined || status < 200 || status > 599) return fail(`${field}.statusCode: must be 200-599`);
  const body = d.body === undefined ? undefined : str(d.body);
  if (d.body !== undefined && body === undefined) return fail(`${field}.body: not a string`);
  if (body !== undefined && utf8Length(body) > MAX_DIRECT_RESPONSE_BODY_BYTES) return fail(`${field}.body: longer than ${MAX_DIRECT_RESPONSE_BODY_BYTES} bytes, Envoy's limit for direct responses`);
  return ok({ kind: "direct", status, ...(body !== undefined && body !== "" ? { body } : {}) });
}
