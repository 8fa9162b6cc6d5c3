import type { V1Service } from "@kubernetes/client-node";
import type { Cluster } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { invalidAnnotation, readAnnotation, type Parsed } from "../annotations/annotation-value.js";

/** Envoy circuit-breaker thresholds of a cluster. */
export type CircuitBreakers = NonNullable<Cluster["circuitBreakers"]>;

/** The Service annotations setting each threshold. */
export const CIRCUIT_BREAKER_ANNOTATIONS: readonly (readonly [keyof CircuitBreakers, string])[] = [
  ["maxConnections", "projectcontour.io/max-connections"],
  ["maxPendingRequests", "projectcontour.io/max-pending-requests"],
  ["maxRequests", "projectcontour.io/max-requests"],
  ["maxRetries", "projectcontour.io/max-retries"],
];

const UINT32 = /^\d{1,10}$/u;
const MAX_UINT32 = 2 ** 32 - 1;

/**
 * The thresholds a Service's annotations set. As upstream (annotation.MaxConnections and friends),
 * values are unsigned 32-bit integers and 0 means "not set"; unlike upstream, a malformed value is
 * reported rather than silently read as 0. Undefined when no threshold is set.
 */
export function parseCircuitBreakers(service: V1Service): Parsed<CircuitBreakers | undefined> {
  const warnings: Condition[] = [];
  const thresholds: { -readonly [K in keyof CircuitBreakers]: number } = {};
  for (const [field, key] of CIRCUIT_BREAKER_ANNOTATIONS) {
    const read = readAnnotation(service.metadata?.annotations, key);
    warnings.push(...read.warnings);
    if (read.value === undefined || read.value === "") continue;
    const text = read.value.trim();
    const n = UINT32.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(n) || n > MAX_UINT32) {
      warnings.push(invalidAnnotation("InvalidCircuitBreaker", key, read.value, "is not an unsigned 32-bit integer"));
      continue;
    }
    if (n > 0) thresholds[field] = n;
  }
  return { value: Object.keys(thresholds).length > 0 ? thresholds : undefined, warnings };
}
