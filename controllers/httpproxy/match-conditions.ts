/**
 * Match conditions of routes and includes, validated and merged as upstream's internal/dag/conditions.go
 * does: down an include chain, path conditions concatenate (a regex anywhere makes the result a regex,
 * otherwise the last one decides prefix or exact) and header and query conditions accumulate.
 * HTTPProxy prefixes are string prefixes ("/foo" matches "/foobar"), unlike Ingress's Prefix type.
 */
import type { MatchCondition } from "../../crds/types/httpproxy.js";
import type { HeaderMatch, PathMatch, QueryParamMatch, RouteMatch } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { MAX_HEADER_NAME, MAX_MATCH_VALUE } from "./limits.js";
import { regexProblem } from "../regex/regex-check.js";
import { CONTROL_CHARACTERS, flag, list, obj, str } from "./spec-values.js";

/** RFC 7230 token, optionally a pseudo-header (":authority"). */
const HEADER_NAME = /^:?[0-9A-Za-z!#$%&'*+\-.^_|~`]+$/u;

/** Longest merged path: include prefixes concatenate, each already bounded. */
const MAX_MERGED_PATH = 2 * MAX_MATCH_VALUE;

/** The conditions of a route or include, as a list of objects (anything else reads as no conditions). */
export function conditionsOf(value: unknown): readonly MatchCondition[] {
  return list<unknown>(value).flatMap((c) => obj<MatchCondition>(c) ?? []);
}

/** Upstream's includeMatchConditionsValid: includes take prefixes and header/query matches only. */
export function includeConditionsProblem(conds: readonly MatchCondition[]): string | undefined {
  for (const c of conds) {
    if (nonEmpty(c.exact)) return "exact conditions are not allowed in includes block";
    if (nonEmpty(c.regex)) return "regex conditions are not allowed in includes block";
  }
  return undefined;
}

/** Upstream's pathMatchConditionsValid for one block of conditions, plus size and character checks. */
export function pathConditionsProblem(conds: readonly MatchCondition[]): string | undefined {
  let count = 0;
  for (const c of conds) {
    for (const [kind, value] of [["prefix", c.prefix], ["exact", c.exact], ["regex", c.regex]] as const) {
      if (!nonEmpty(value)) continue;
      count++;
      if (value[0] !== "/") return `${kind} conditions must start with /, ${quote(value)} was supplied`;
      if (value.length > MAX_MATCH_VALUE) return `${kind} condition is longer than ${MAX_MATCH_VALUE} characters`;
      if (CONTROL_CHARACTERS.test(value)) return `${kind} condition ${quote(value)} holds control characters`;
      if (kind === "regex") {
        const why = regexProblem(value);
        if (why !== undefined) return `supplied regex ${quote(value)} is invalid: it ${why}`;
      }
    }
  }
  return count > 1 ? "more than one prefix, exact or regex is not allowed in a condition block" : undefined;
}

/** The matcher a header condition uses: the first one set, in upstream's order. */
type HeaderMatcher = "present" | "notpresent" | "contains" | "notcontains" | "exact" | "notexact" | "regex";

function headerMatcher(h: NonNullable<MatchCondition["header"]>): { readonly kind: HeaderMatcher; readonly value: string } | undefined {
  if (flag(h.present)) return { kind: "present", value: "" };
  if (flag(h.notpresent)) return { kind: "notpresent", value: "" };
  for (const kind of ["contains", "notcontains", "exact", "notexact", "regex"] as const) {
    const value = h[kind];
    if (nonEmpty(value)) return { kind, value };
  }
  return undefined;
}

/**
 * Upstream's headerMatchConditionsValid over accumulated conditions: no two exact matches of one
 * header, no contradictions (present/notpresent, exact/notexact or contains/notcontains of one value),
 * valid regexes; plus header names and value sizes Envoy accepts.
 */
export function headerConditionsProblem(conds: readonly MatchCondition[]): string | undefined {
  const seen = new Set<string>();
  const exact = new Set<string>();
  for (const c of conds) {
    const h = obj<NonNullable<MatchCondition["header"]>>(c.header);
    if (h === undefined) continue;
    const name = str(h.name) ?? "";
    if (name === "" || name.length > MAX_HEADER_NAME || !HEADER_NAME.test(name)) return `header name ${quote(name)} is not a valid HTTP header name`;
    const m = headerMatcher(h);
    if (m === undefined) continue;
    if (m.value.length > MAX_MATCH_VALUE) return `header ${quote(name)} condition is longer than ${MAX_MATCH_VALUE} characters`;
    const lower = name.toLowerCase();
    const opposite: Partial<Record<HeaderMatcher, HeaderMatcher>> = { present: "notpresent", notpresent: "present", exact: "notexact", notexact: "exact", contains: "notcontains", notcontains: "contains" };
    const other = opposite[m.kind];
    // Upstream looks the opposite up as a whole condition with only the name and the matcher set, so
    // one that also sets ignoreCase or treatMissingAsEmpty is not a contradiction.
    if (other !== undefined && seen.has(`${lower}\u0000${other}\u0000${m.value}\u0000false\u0000false`)) {
      const pair = m.kind.replace(/^not/u, "");
      return `cannot specify contradictory '${pair}' and 'not${pair}' conditions for the same route and header`;
    }
    if (m.kind === "exact") {
      if (exact.has(lower)) return "cannot specify duplicate header 'exact match' conditions in the same route";
      exact.add(lower);
    }
    if (m.kind === "regex" && regexProblem(m.value) !== undefined) return "invalid regular expression specified for 'regex' condition";
    seen.add(`${lower}\u0000${m.kind}\u0000${m.value}\u0000${flag(h.ignoreCase)}\u0000${flag(h.treatMissingAsEmpty)}`);
  }
  return undefined;
}

/** Header conditions that set no matcher: upstream ignores them silently; they are reported here. */
export function emptyHeaderConditions(conds: readonly MatchCondition[]): string[] {
  return conds.flatMap((c) => {
    const h = obj<NonNullable<MatchCondition["header"]>>(c.header);
    return h !== undefined && headerMatcher(h) === undefined ? [str(h.name) ?? ""] : [];
  });
}

const QUERY_MATCHERS = ["exact", "prefix", "suffix", "regex", "contains"] as const;

/** Upstream's queryParameterMatchConditionsValid: exactly one matcher each, one exact per name, valid regexes. */
export function queryConditionsProblem(conds: readonly MatchCondition[]): string | undefined {
  const exact = new Set<string>();
  for (const c of conds) {
    const q = obj<NonNullable<MatchCondition["queryParameter"]>>(c.queryParameter);
    if (q === undefined) continue;
    const name = str(q.name) ?? "";
    if (name === "" || name.length > MAX_HEADER_NAME || CONTROL_CHARACTERS.test(name)) return `query parameter name ${quote(name)} is not valid`;
    const set = QUERY_MATCHERS.filter((k) => nonEmpty(q[k])).length + (flag(q.present) ? 1 : 0);
    if (set === 0) return "must specify at least one query parameter condition";
    if (set > 1) return "cannot specify more than one condition in the same match condition branch";
    for (const k of QUERY_MATCHERS) {
      const v = q[k];
      if (nonEmpty(v) && v.length > MAX_MATCH_VALUE) return `query parameter ${quote(name)} condition is longer than ${MAX_MATCH_VALUE} characters`;
    }
    const lower = name.toLowerCase();
    if (nonEmpty(q.exact)) {
      if (exact.has(lower)) return "cannot specify duplicate query parameter 'exact match' conditions in the same route";
      exact.add(lower);
    }
    if (nonEmpty(q.regex) && regexProblem(q.regex) !== undefined) return "invalid regular expression specified for 'regex' condition";
  }
  return undefined;
}

/**
 * Upstream's mergePathMatchConditions: concatenated, repeated slashes collapsed, "/" when empty.
 * A merged regex is checked again: an include's prefix becomes part of it.
 */
export function mergePath(conds: readonly MatchCondition[]): { readonly path: PathMatch } | { readonly problem: string } {
  let merged = "";
  let isRegex = false;
  for (const c of conds) {
    if (nonEmpty(c.prefix)) merged += c.prefix;
    else if (nonEmpty(c.exact)) merged += c.exact;
    else if (nonEmpty(c.regex)) {
      merged += c.regex;
      isRegex = true;
    }
  }
  merged = merged.replace(/\/\/+/gu, "/");
  if (merged.length > MAX_MERGED_PATH) return { problem: `the merged path is longer than ${MAX_MERGED_PATH} characters` };
  const last = conds[conds.length - 1];
  if (merged === "" || last === undefined) return { path: { kind: "prefix", value: "/", segment: false } };
  if (isRegex) {
    const why = regexProblem(merged);
    return why === undefined ? { path: { kind: "regex", value: merged } } : { problem: `merged regex ${quote(merged)} is invalid: it ${why}` };
  }
  if (!nonEmpty(last.prefix) && nonEmpty(last.exact)) return { path: { kind: "exact", value: merged } };
  return { path: { kind: "prefix", value: merged, segment: false } };
}

/**
 * Upstream's headerMatchConditions: notpresent, notcontains and notexact are inverted matches; ignoreCase
 * does not apply to regex nor present; treatMissingAsEmpty applies to notexact and notcontains.
 */
export function mergeHeaders(conds: readonly MatchCondition[]): HeaderMatch[] {
  const out: HeaderMatch[] = [];
  for (const c of conds) {
    const h = obj<NonNullable<MatchCondition["header"]>>(c.header);
    const m = h === undefined ? undefined : headerMatcher(h);
    if (h === undefined || m === undefined) continue;
    const name = str(h.name) ?? "";
    const ignoreCase = flag(h.ignoreCase);
    switch (m.kind) {
      case "present":
        out.push({ name, kind: "present", invert: false, ignoreCase: false });
        break;
      case "notpresent":
        out.push({ name, kind: "present", invert: true, ignoreCase: false });
        break;
      case "regex":
        out.push({ name, kind: "regex", value: m.value, invert: false, ignoreCase: false });
        break;
      default: {
        const invert = m.kind.startsWith("not");
        const kind = (invert ? m.kind.slice(3) : m.kind) as "exact" | "contains";
        // Upstream carries treatMissingAsEmpty on notexact and notcontains only.
        const missing = invert && flag(h.treatMissingAsEmpty) ? { treatMissingAsEmpty: true } : {};
        out.push({ name, kind, value: m.value, invert, ignoreCase, ...missing });
      }
    }
  }
  return out;
}

/** Upstream's queryParameterMatchConditions. */
export function mergeQueryParams(conds: readonly MatchCondition[]): QueryParamMatch[] {
  const out: QueryParamMatch[] = [];
  for (const c of conds) {
    const q = obj<NonNullable<MatchCondition["queryParameter"]>>(c.queryParameter);
    if (q === undefined) continue;
    const name = str(q.name) ?? "";
    const ignoreCase = flag(q.ignoreCase);
    const kind = QUERY_MATCHERS.find((k) => nonEmpty(q[k]));
    if (kind === "regex") out.push({ name, kind, value: q.regex ?? "", ignoreCase: false });
    else if (kind !== undefined) out.push({ name, kind, value: q[kind] ?? "", ignoreCase });
    else if (flag(q.present)) out.push({ name, kind: "present", ignoreCase: false });
  }
  return out;
}

/** The whole route match of accumulated conditions, or why they cannot be merged. */
export function mergeMatch(conds: readonly MatchCondition[]): { readonly match: RouteMatch } | { readonly problem: string } {
  const path = mergePath(conds);
  if ("problem" in path) return path;
  return { match: { path: path.path, headers: mergeHeaders(conds), queryParams: mergeQueryParams(conds) } };
}

/**
 * Identity of an include's conditions for upstream's DuplicateMatchConditions check: the merged prefix
 * and the header and query matches as a set. Undefined for "/" alone, which upstream lets several
 * includes share.
 */
export function includeConditionsKey(conds: readonly MatchCondition[]): string | undefined {
  const path = mergePath(conds);
  const prefix = "path" in path ? path.path.value : "";
  const headers = mergeHeaders(conds).map((h) => JSON.stringify([h.kind, h.invert, h.ignoreCase, h.treatMissingAsEmpty === true, h.name.toLowerCase(), h.value ?? ""])).sort();
  const queries = mergeQueryParams(conds).map((q) => JSON.stringify([q.kind, q.ignoreCase, q.name.toLowerCase(), q.value ?? ""])).sort();
  if (prefix === "/" && headers.length === 0 && queries.length === 0) return undefined;
  return JSON.stringify([prefix, headers, queries]);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
