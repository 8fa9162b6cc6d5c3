/**
 * Validation of user-written path regexes before they reach Envoy (RE2). A bad regex must stop
 * here as a condition: Envoy would reject the whole route configuration with it, for everyone.
 * Checked: a length cap; constructs RE2 lacks (backreferences, lookaround, atomic groups), named
 * for a clearer message; nested unbounded quantifiers such as (a+)+, which RE2 runs in linear time
 * but which blow up its program size and are almost always a mistake; and finally that RE2's own
 * grammar accepts the pattern (re2js, a port of RE2; JavaScript's RegExp accepts `\cA`, `\u0041`,
 * `[\b]` or `\p{Letter}`, which RE2 refuses).
 */
import { RE2JS } from "re2js";

/** Longest regex accepted. */
export const MAX_REGEX_LENGTH = 1024;

const UNSUPPORTED: readonly (readonly [RegExp, string])[] = [
  [/\\[1-9]/u, "backreferences are not supported by RE2"],
  [/\\k</u, "named backreferences are not supported by RE2"],
  [/\(\?<?[=!]/u, "lookaround is not supported by RE2"],
  [/\(\?>/u, "atomic groups are not supported by RE2"],
];

/** Why a regex is rejected, or undefined when it is acceptable. Never throws. */
export function unsafeRegexReason(pattern: string): string | undefined {
  if (pattern.length > MAX_REGEX_LENGTH) return `is longer than ${MAX_REGEX_LENGTH} characters`;
  for (const [construct, why] of UNSUPPORTED) if (construct.test(pattern)) return why;
  if (hasNestedQuantifier(pattern)) return "nests unbounded quantifiers, as in (a+)+";
  const compiled = compileRe2(pattern);
  if (!compiled.ok) return `does not compile (${compiled.error})`;
  return undefined;
}

/** The pattern compiled by RE2's grammar, or RE2's error. Never throws. */
export function compileRe2(pattern: string): { readonly ok: true; readonly programSize: number } | { readonly ok: false; readonly error: string } {
  try {
    return { ok: true, programSize: RE2JS.compile(pattern).programSize() };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message.replace(/^error parsing regexp: /u, "") : "invalid" };
  }
}

/**
 * One pass with a stack of open groups: a group that contains an unbounded quantifier and is
 * itself followed by a quantifier is a nested quantifier. Escapes and character classes are skipped.
 */
function hasNestedQuantifier(pattern: string): boolean {
  const stack: boolean[] = [];
  let unboundedInside = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      i = skipClass(pattern, i);
      continue;
    }
    if (c === "(") {
      stack.push(unboundedInside);
      unboundedInside = false;
      continue;
    }
    if (c === ")") {
      const inner: boolean = unboundedInside;
      unboundedInside = (stack.pop() ?? false) || inner;
      // "(a+)?" is harmless; "(a+)+", "(a+)*" and "(a+){2,9}" repeat a repetition.
      const next = quantifierAt(pattern, i + 1);
      if (inner && next !== undefined && pattern[i + 1] !== "?") return true;
      continue;
    }
    if (quantifierAt(pattern, i) === "unbounded") unboundedInside = true;
  }
  return false;
}

function quantifierAt(pattern: string, i: number): "bounded" | "unbounded" | undefined {
  const c = pattern[i];
  if (c === "*" || c === "+") return "unbounded";
  if (c === "?") return "bounded";
  if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/u.exec(pattern.slice(i, i + 24));
    if (m === null) return undefined;
    return m[2] !== undefined && (m[3] ?? "") === "" ? "unbounded" : "bounded";
  }
  return undefined;
}

function skipClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  return i;
}
