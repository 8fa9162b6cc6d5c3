/**
 * A strict parser for Go's time.ParseDuration syntax, which Contour's annotations and CRDs use:
 * an optional sign, then one or more `<decimal><unit>` terms ("1h30m", "1.5s", "300ms"), units
 * ns, us, µs, μs, ms, s, m, h; a bare "0" is allowed. Arithmetic is exact (bigint nanoseconds) and
 * bounded like Go's int64, so "9999999999h" is an error rather than a silently wrong number.
 */

/** A parse result: nanoseconds, or why the text is not a duration. */
export type DurationResult = { readonly ok: true; readonly nanoseconds: bigint } | { readonly ok: false; readonly error: string };

/** Longest text accepted: every valid int64 duration fits well within this, and the work stays trivial. */
export const MAX_DURATION_TEXT = 64;

const MAX_INT64 = (1n << 63n) - 1n;

const UNIT_NANOSECONDS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n], // U+00B5 micro sign
  ["μs", 1_000n], // U+03BC Greek mu
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

const TERM = /^(\d*)(?:\.(\d*))?([^\d.]+)/u;

/** Parses a Go duration string; never throws. */
export function parseGoDuration(text: string): DurationResult {
  if (text.length === 0) return fail("empty duration");
  if (text.length > MAX_DURATION_TEXT) return fail(`duration longer than ${MAX_DURATION_TEXT} characters`);
  let rest = text;
  let negative = false;
  if (rest[0] === "-" || rest[0] === "+") {
    negative = rest[0] === "-";
    rest = rest.slice(1);
  }
  // Go special-cases a lone zero, the only number allowed without a unit.
  if (rest === "0") return { ok: true, nanoseconds: 0n };
  if (rest === "") return fail("missing number");
  let total = 0n;
  while (rest !== "") {
    const m = TERM.exec(rest);
    if (m === null) return fail(/^[\d.]+$/u.test(rest) ? "missing unit" : "expected a number");
    const [whole, intPart = "", fracPart, unitText = ""] = m;
    if (intPart === "" && (fracPart === undefined || fracPart === "")) return fail("expected a number");
    const unit = UNIT_NANOSECONDS.get(unitText);
    if (unit === undefined) return fail(`unknown unit ${JSON.stringify(unitText)}`);
    const term = termNanoseconds(intPart, fracPart ?? "", unit);
    total += term;
    if (total > MAX_INT64) return fail("duration out of range");
    rest = rest.slice(whole.length);
  }
  return { ok: true, nanoseconds: negative ? -total : total };
}

/** Whole milliseconds, rounded up so that a short positive duration never becomes 0 ("disabled"). */
export function toMilliseconds(nanoseconds: bigint): number {
  const ms = nanoseconds / 1_000_000n + (nanoseconds % 1_000_000n > 0n ? 1n : 0n);
  return Number(ms);
}

/**
 * Go's arithmetic exactly: the integer part is exact; the fraction keeps at most the digits that fit
 * in 63 bits and is scaled in float64, then truncated ("0.3333333333333333333h" is exactly 20m).
 */
function termNanoseconds(intPart: string, fracPart: string, unit: bigint): bigint {
  let ns = (intPart === "" ? 0n : BigInt(intPart)) * unit;
  let f = 0n;
  let scale = 1;
  for (const digit of fracPart) {
    if (f > MAX_INT64 / 10n) break;
    const next = f * 10n + BigInt(digit);
    if (next > MAX_INT64 + 1n) break;
    f = next;
    scale *= 10;
  }
  if (f > 0n) ns += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
  return ns;
}

function fail(error: string): DurationResult {
  return { ok: false, error };
}
