import type { Condition } from "../store/fragment.js";
import type { RetryPolicy } from "../model/model.js";
import { warningCondition } from "../store/conditions.js";
import { CONTOUR_PREFIX, invalidAnnotation, readAnnotation, splitList, type Annotations, type Parsed } from "./annotation-value.js";
import { asError, parseTimeoutSetting } from "./timeout-setting.js";
import { RETRY_ON_VALUES as CRD_RETRY_ON_VALUES } from "../../crds/types/httpproxy.js";

/** The conditions under which a request is retried: Envoy's retry_on, comma-separated. */
export const RETRY_ON = `${CONTOUR_PREFIX}retry-on`;

/** How many retries: -1 means none, 0 or absent means Envoy's default of 1. */
export const NUM_RETRIES = `${CONTOUR_PREFIX}num-retries`;

/** Timeout of each try, a Go duration. */
export const PER_TRY_TIMEOUT = `${CONTOUR_PREFIX}per-try-timeout`;

/**
 * The retry_on values Envoy knows (x-envoy-retry-on and x-envoy-retry-grpc-on), the same list the
 * HTTPProxy CRD allows. An unknown one is dropped here rather than handed to Envoy, which may reject
 * the whole route configuration.
 */
export const RETRY_ON_VALUES: ReadonlySet<string> = new Set(CRD_RETRY_ON_VALUES);

const INT32 = /^[+-]?\d{1,10}$/u;

/**
 * The retry policy an Ingress asks for, as upstream's ingressRetryPolicy builds it: only when
 * retry-on is set; num-retries and per-try-timeout refine it. Bad values are ignored with a warning.
 */
export function parseRetryPolicy(annotations: Annotations): Parsed<RetryPolicy | undefined> {
  const warnings: Condition[] = [];
  const retryOnRead = readAnnotation(annotations, RETRY_ON);
  const numRead = readAnnotation(annotations, NUM_RETRIES);
  const perTryRead = readAnnotation(annotations, PER_TRY_TIMEOUT);
  warnings.push(...retryOnRead.warnings, ...numRead.warnings, ...perTryRead.warnings);

  const retryOn = parseRetryOn(retryOnRead.value ?? "", warnings);
  if (retryOn === "") {
    if (numRead.value !== undefined || perTryRead.value !== undefined) {
      warnings.push(warningCondition("RetryOnMissing", `annotations ${JSON.stringify(NUM_RETRIES)} and ${JSON.stringify(PER_TRY_TIMEOUT)} apply only with ${JSON.stringify(RETRY_ON)}; ignored`));
    }
    return { value: undefined, warnings };
  }

  let perTryTimeoutMs = 0;
  if (perTryRead.value !== undefined) {
    const setting = parseTimeoutSetting(perTryRead.value);
    if (!setting.ok) {
      const condition = invalidAnnotation("InvalidPerTryTimeout", PER_TRY_TIMEOUT, perTryRead.value, setting.error);
      warnings.push(setting.outOfRange ? asError(condition) : condition);
    }
    // "infinity" and zero both leave the per-try timeout to Envoy (0 in the model).
    else perTryTimeoutMs = setting.ms ?? 0;
  }

  return {
    value: { retryOn, numRetries: numRetries(numRead.value, warnings), perTryTimeoutMs, retriableStatusCodes: [] },
    warnings,
  };
}

function parseRetryOn(value: string, warnings: Condition[]): string {
  const known: string[] = [];
  for (const entry of splitList(value)) {
    if (!RETRY_ON_VALUES.has(entry)) warnings.push(invalidAnnotation("InvalidRetryOn", RETRY_ON, entry, "is not an Envoy retry condition"));
    else if (!known.includes(entry)) known.push(entry);
  }
  return known.join(",");
}

/** Upstream's annotation.NumRetries: -1 → 0 retries; 0, 1, absent or another negative → 1. */
function numRetries(value: string | undefined, warnings: Condition[]): number {
  if (value === undefined || value === "") return 1;
  const n = INT32.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n > 2 ** 31 - 1 || n < -(2 ** 31)) {
    warnings.push(invalidAnnotation("InvalidNumRetries", NUM_RETRIES, value, "is not a 32-bit integer"));
    return 1;
  }
  if (n === -1) return 0;
  if (n < -1) {
    warnings.push(invalidAnnotation("InvalidNumRetries", NUM_RETRIES, value, "is negative (only -1, meaning no retries, is allowed)"));
    return 1;
  }
  return n === 0 ? 1 : n;
}
