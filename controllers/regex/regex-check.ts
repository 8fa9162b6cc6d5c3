/**
 * Regexes users write (Ingress paths; HTTPProxy paths, header and query matches, CORS origins) are compiled
 * by Envoy's RE2, which rejects, with the whole route configuration, a pattern it cannot compile or
 * whose program exceeds `re2.max_program_size.error_level` (xds/bootstrap/runtime.ts). Both must be
 * caught here, so a bad regex costs only its own object.
 */
import { compileRe2, unsafeRegexReason } from "./safe-regex.js";

/**
 * Estimated RE2 program size allowed for one regex: under the error level contour's Envoys run with
 * (1000, xds/bootstrap/runtime.ts), with room for the anchoring and case flags translation adds.
 */
export const RE2_PROGRAM_BUDGET = 800;

/** RE2's largest repetition count ({n,m}); a larger one does not compile. */
const MAX_REPEAT = 1000;

/** Why a regex is refused, or undefined when RE2 will take it. Never throws. */
export function regexProblem(pattern: string): string | undefined {
  const unsafe = unsafeRegexReason(pattern);
  if (unsafe !== undefined) return unsafe;
  const estimate = estimateProgramSize(pattern);
  if (estimate === undefined) return `uses a repetition count above ${MAX_REPEAT}`;
  // re2js counts its own (Go-style) program, which runs a little under C++ RE2's for Unicode classes
  // and over it for anchors; the larger of the two stays an upper bound in both directions.
  const compiled = compileRe2(pattern);
  const size = Math.max(estimate, compiled.ok ? compiled.programSize : 0);
  if (size > RE2_PROGRAM_BUDGET) return `is too complex (about ${size} RE2 instructions, at most ${RE2_PROGRAM_BUDGET})`;
  return undefined;
}

/**
 * An upper estimate of RE2's program size: literals cost their UTF-8 bytes, classes and "." a few
 * instructions (a negated class many, UTF-8 ranges being long), counted repetitions multiply.
 * Undefined when a repetition count exceeds what RE2 accepts.
 */
export function estimateProgramSize(pattern: string): number | undefined {
  let i = 0;
  let tooBig = false;

  function alternation(): number {
    let total = sequence();
    while (pattern[i] === "|") {
      i++;
      total += sequence() + 1;
    }
    return total;
  }

  function sequence(): number {
    let total = 0;
    while (i < pattern.length && pattern[i] !== "|" && pattern[i] !== ")") total += quantified(atom());
    return total;
  }

  function atom(): number {
    const c = pattern[i] ?? "";
    if (c === "(") return group();
    if (c === "[") return characterClass();
    if (c === "\\") return escape();
    i++;
    if (c === ".") return 5;
    if (c === "^" || c === "$") return 1;
    // A literal code point: one instruction per UTF-8 byte.
    const cp = c.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdbff) i++;
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }

  function group(): number {
    i++; // (
    let capture = true;
    if (pattern[i] === "?") {
      const flags = /^\?([imsU-]*)(:|\))/u.exec(pattern.slice(i, i + 12));
      if (flags !== null) {
        i += flags[0].length;
        if (flags[2] === ")") return 0; // (?i): flags only
        capture = false;
      } else {
        const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/u.exec(pattern.slice(i, i + 80));
        i += named !== null ? named[0].length : 1;
      }
    }
    const inner = alternation();
    if (pattern[i] === ")") i++;
    return inner + (capture ? 2 : 0);
  }

  function characterClass(): number {
    i++; // [
    const negated = pattern[i] === "^";
    if (negated) i++;
    if (pattern[i] === "]") i++;
    let members = 0;
    while (i < pattern.length && pattern[i] !== "]") {
      if (pattern[i] === "\\") i++;
      else if (pattern.startsWith("[:", i)) {
        const end = pattern.indexOf(":]", i + 2);
        if (end > 0) i = end + 1;
      }
      i++;
      members++;
    }
    i++; // ]
    return negated ? 12 : Math.min(4 + Math.ceil(members / 4), 12);
  }

  function escape(): number {
    const c = pattern[i + 1] ?? "";
    i += 2;
    if ("dws".includes(c)) return 4;
    if ("DWS".includes(c)) return 12;
    if (c === "p" || c === "P") {
      if (pattern[i] === "{") {
        const end = pattern.indexOf("}", i);
        i = end < 0 ? pattern.length : end + 1;
      } else i++;
      return 24;
    }
    if (c === "Q") {
      const end = pattern.indexOf("\\E", i);
      const literal = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
      i = end < 0 ? pattern.length : end + 2;
      return Buffer.byteLength(literal, "utf8");
    }
    if (c === "x" && pattern[i] === "{") {
      const end = pattern.indexOf("}", i);
      i = end < 0 ? pattern.length : end + 1;
      return 4;
    }
    return 1;
  }

  function quantified(size: number): number {
    let total = size;
    for (;;) {
      const c = pattern[i];
      if (c === "*" || c === "+" || c === "?") {
        i++;
        if (pattern[i] === "?") i++;
        total += 1;
        continue;
      }
      if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/u.exec(pattern.slice(i, i + 24));
        if (m === null) return total;
        i += m[0].length;
        if (pattern[i] === "?") i++;
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === "" || m[3] === undefined ? undefined : Number(m[3]);
        if (min > MAX_REPEAT || (max !== undefined && max > MAX_REPEAT)) tooBig = true;
        total = max === undefined ? total * Math.max(min, 1) + 1 : total * Math.max(max, 1) + (max - min);
        continue;
      }
      return total;
    }
  }

  let total = 2;
  while (i < pattern.length) {
    total += alternation();
    if (pattern[i] === ")") i++; // an unbalanced ")" (already refused by the compile check)
  }
  return tooBig ? undefined : total;
}
