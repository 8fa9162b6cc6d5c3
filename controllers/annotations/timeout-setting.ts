import type { Condition } from "../store/fragment.js";
import { errorCondition } from "../store/conditions.js";
import { durationMsProblem } from "../validation/envoy-ranges.js";
import { parseGoDuration, toMilliseconds } from "./go-duration.js";

/**
 * A timeout as upstream Contour reads it (internal/timeout): "" or any zero means Envoy's default
 * (null), "infinity" or "infinite" disables the timeout (0), anything else is a positive Go duration
 * in whole milliseconds. Negative durations are errors here: Envoy would reject them; so are durations
 * longer than Envoy takes (`outOfRange`: a valid Go duration that upstream would hand to Envoy and get
 * rejected, which callers report as an error rather than ignore).
 */
export type TimeoutSetting = { readonly ok: true; readonly ms: number | null } | { readonly ok: false; readonly error: string; readonly outOfRange?: true };

/** Parses a timeout setting; never throws. */
export function parseTimeoutSetting(text: string): TimeoutSetting {
  if (text === "") return { ok: true, ms: null };
  if (text === "infinity" || text === "infinite") return { ok: true, ms: 0 };
  const d = parseGoDuration(text);
  if (!d.ok) return { ok: false, error: `is not a Go duration or "infinity" (${d.error})` };
  if (d.nanoseconds < 0n) return { ok: false, error: "is negative" };
  if (d.nanoseconds === 0n) return { ok: true, ms: null };
  const ms = toMilliseconds(d.nanoseconds);
  const tooLong = durationMsProblem(ms);
  if (tooLong !== undefined) return { ok: false, error: tooLong, outOfRange: true };
  return { ok: true, ms };
}

/** The same condition as an error (the object is reported invalid; the setting is still ignored). */
export function asError(condition: Condition): Condition {
  return errorCondition(condition.reason, condition.message);
}
