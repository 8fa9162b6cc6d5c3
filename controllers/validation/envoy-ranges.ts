/**
 * The numeric ranges Envoy enforces on what users write, so a value outside them is refused in the
 * object's status instead of failing the protobuf encoding (which would stop every rebuild) or making
 * Envoy reject a shared resource. Found by trying Envoy 1.40 (`envoy --mode validate`).
 */

/** Largest value of a protobuf uint32 field (weights, counts). */
export const UINT32_MAX = 4_294_967_295;

/**
 * Longest duration Envoy takes in any timeout, in whole milliseconds. Envoy converts durations to
 * nanoseconds in an int64 and refuses (as "Duration out-of-range") any of 9,223,372,036 seconds or
 * more, well below protobuf's own 10,000 years; Go's largest duration (2562047h47m16.854775807s) is
 * past it.
 */
export const MAX_DURATION_MS = 9_223_372_035_999;

/** Why a number cannot be a uint32 field, or undefined when it can. */
export function uint32Problem(value: number): string | undefined {
  if (!Number.isSafeInteger(value) || value < 0) return "must be a whole number from 0";
  return value > UINT32_MAX ? `${value} is more than ${UINT32_MAX}, the largest value Envoy accepts` : undefined;
}

/**
 * Why a set of weights cannot be one Envoy weighted_clusters (or TCP proxy) split, or undefined:
 * each weight is a uint32, and Envoy also requires their sum to fit one.
 */
export function weightSumProblem(weights: readonly number[]): string | undefined {
  const sum = weights.reduce((a, b) => a + b, 0);
  return sum > UINT32_MAX ? `the weights add up to ${sum}, more than ${UINT32_MAX}, the largest total Envoy accepts` : undefined;
}

/** Why a duration in milliseconds cannot be an Envoy timeout, or undefined. */
export function durationMsProblem(ms: number): string | undefined {
  return ms > MAX_DURATION_MS ? `is longer than Envoy accepts (at most ${MAX_DURATION_MS} ms, about 292 years)` : undefined;
}
