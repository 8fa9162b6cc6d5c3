/**
 * The cluster-level policies of an ExtensionService, read as upstream's ExtensionServiceProcessor
 * reads them: circuit breakers (the spec's replace the configured defaults as a whole), the load
 * balancer strategy (Cookie and RequestHash fall back to the default with a warning) and timeouts
 * (response bounds each call, idleConnection the cluster's connections, idle is ignored).
 */
import type { ExtensionCircuitBreakers, ExtensionLoadBalancerPolicy } from "../../crds/types/extensionservice.js";
import type { Cluster } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { quote } from "../store/conditions.js";
import { timeoutPolicy } from "../httpproxy/route-policies.js";
import { Area, proxyError, proxyWarning } from "../httpproxy/proxy-conditions.js";
import { int, obj, str } from "../httpproxy/spec-values.js";

/** Circuit breaker thresholds of a model cluster. */
export type ClusterCircuitBreakers = NonNullable<Cluster["circuitBreakers"]>;

const THRESHOLDS = ["maxConnections", "maxPendingRequests", "maxRequests", "maxRetries", "perHostMaxConnections"] as const;
const MAX_UINT32 = 2 ** 32 - 1;

/**
 * The thresholds of the cluster: spec.circuitBreakerPolicy when set, else the configured defaults.
 * 0 leaves Envoy's default, as upstream's translator does; values the CRD admits but a uint32
 * cannot hold (negative ones) are ignored with a warning.
 */
export function extensionCircuitBreakers(raw: unknown, defaults: ClusterCircuitBreakers | undefined, warnings: Condition[]): ClusterCircuitBreakers | undefined {
  const policy = obj<ExtensionCircuitBreakers>(raw);
  if (policy === undefined) return defaults;
  const thresholds: { -readonly [K in keyof ClusterCircuitBreakers]: number } = {};
  for (const name of THRESHOLDS) {
    if (policy[name] === undefined) continue;
    const n = int(policy[name]);
    if (n === undefined || n < 0 || n > MAX_UINT32) {
      warnings.push(proxyWarning(Area.Spec, "IgnoredField", `spec.circuitBreakerPolicy.${name}: ${quote(String(policy[name]))} is not an unsigned 32-bit integer; Envoy's default used`));
      continue;
    }
    if (n > 0) thresholds[name] = n;
  }
  return Object.keys(thresholds).length > 0 ? thresholds : undefined;
}

/** Strategies an extension cluster can use, by their CRD names. */
const STRATEGIES: ReadonlyMap<string, Cluster["loadBalancer"]> = new Map([
  ["RoundRobin", "RoundRobin"],
  ["WeightedLeastRequest", "WeightedLeastRequest"],
  ["Random", "Random"],
]);

/** The strategy of the cluster; RoundRobin (Envoy's and upstream's default) for anything else. */
export function extensionLoadBalancer(raw: unknown, warnings: Condition[]): Cluster["loadBalancer"] {
  const strategy = str(obj<ExtensionLoadBalancerPolicy>(raw)?.strategy) ?? "";
  if (strategy === "") return "RoundRobin";
  const known = STRATEGIES.get(strategy);
  if (known !== undefined) return known;
  if (strategy === "Cookie" || strategy === "RequestHash") {
    // Upstream's wording: a hash needs a route, and ext_authz or rate limit calls have none.
    warnings.push(proxyWarning(Area.Spec, "IgnoredField", `spec.loadBalancerPolicy: ignoring field; ${strategy} load balancer policy is not supported for ExtensionClusters`));
  } else {
    warnings.push(proxyWarning(Area.Spec, "IgnoredField", `spec.loadBalancerPolicy.strategy: ${quote(strategy)} is not a load balancer strategy; RoundRobin used`));
  }
  return "RoundRobin";
}

/** The timeouts of an extension: each call's, and the cluster's idle connections. */
export interface ExtensionTimeouts {
  /** null leaves the caller's default, 0 disables. */
  readonly responseMs: number | null;
  /** undefined keeps Envoy's default, 0 disables. */
  readonly idleConnectionMs?: number;
}

/** spec.timeoutPolicy; a value that does not parse is an error (TimeoutPolicyNotValid), idle a warning. */
export function extensionTimeouts(raw: unknown, conditions: Condition[]): ExtensionTimeouts {
  const parsed = timeoutPolicy(raw, "spec.timeoutPolicy");
  if (!parsed.ok) {
    conditions.push(proxyError(Area.Spec, "TimeoutPolicyNotValid", `spec.timeoutPolicy failed to parse: ${parsed.problem}`));
    return { responseMs: null };
  }
  const idle = obj<{ idle?: unknown }>(raw)?.idle;
  if (typeof idle === "string" && idle !== "") {
    conditions.push(proxyWarning(Area.Spec, "IgnoredField", "spec.timeoutPolicy.idle: ignoring field; idle timeouts are not supported for ExtensionClusters"));
  }
  return {
    responseMs: parsed.value.route?.responseMs ?? null,
    ...(parsed.value.idleConnectionMs !== undefined ? { idleConnectionMs: parsed.value.idleConnectionMs } : {}),
  };
}
