import { parseGoDuration, toMilliseconds } from "./go-duration.js";

/**
 * A timeout as upstream Contour reads it (internal/timeout): "" or any zero means Envoy's default
 * (null), "infinity" or "infinite" disables the timeout (0), anything else is a positive Go duration
 * in whole milliseconds. Negative durations are errors here: Envoy would reject them.
 */
export type TimeoutSetting = { readonly ok: true; readonly ms: number | null } | { readonly ok: false; readonly error: string };

/** Parses a timeout setting; never throws. */
export function parseTimeoutSetting(text: string): TimeoutSetting {
  if (text === "") return { ok: true, ms: null };
  if (text === "infinity" || text === "infinite") return { ok: true, ms: 0 };
  const d = parseGoDuration(text);
  if (!d.ok) return { ok: false, error: `is not a Go duration or "infinity" (${d.error})` };
  if (d.nanoseconds < 0n) return { ok: false, error: "is negative" };
  if (d.nanoseconds === 0n) return { ok: true, ms: null };
  return { ok: true, ms: toMilliseconds(d.nanoseconds) };
}
