import type { RouteMatch } from "../model/model.js";

/** What HTTPRoute precedence looks at for one match of one rule. */
export interface RankInput {
  readonly match: RouteMatch;
  readonly hasMethod: boolean;
  /** creationTimestamp of the HTTPRoute as timestampText gives it ("" when unknown sorts first). */
  readonly created: string;
  readonly namespace: string;
  readonly name: string;
  readonly rule: number;
  readonly matchIndex: number;
}

const PATH_KIND: Readonly<Record<RouteMatch["path"]["kind"], string>> = { exact: "0", regex: "1", prefix: "2" };
const pad = (n: number, width: number): string => String(Math.max(0, n)).padStart(width, "0");

/**
 * A sort key for a match whose code-unit order is the Gateway API's precedence across routes on one
 * hostname: an Exact path first, then (regexes, implementation-specific, next, longest first) the
 * longest prefix; then a method match; then more header matches; then more query matches; then the
 * oldest HTTPRoute; then "namespace/name" alphabetically; then rule and match order. Fixed-width
 * fields and NUL separators make string order equal field order.
 */
export function routeRank(r: RankInput): string {
  const p = r.match.path;
  const headers = r.match.headers.filter((h) => h.name !== ":method").length;
  return [
    PATH_KIND[p.kind],
    pad(99999 - p.value.length, 5),
    r.hasMethod ? "0" : "1",
    pad(999 - headers, 3),
    pad(999 - r.match.queryParams.length, 3),
    r.created.padEnd(24, " "),
    r.namespace,
    r.name,
    pad(r.rule, 5),
    pad(r.matchIndex, 5),
  ].join("\u0000");
}

/** What GRPCRoute precedence looks at in one match's method and headers (GRPCRouteRule.matches). */
export interface GrpcMatchRank {
  /** Characters of an Exact service match (0 without one, or for a regex). */
  readonly serviceChars: number;
  /** Characters of an Exact method match (0 without one, or for a regex). */
  readonly methodChars: number;
  /** A RegularExpression method match: ahead of no method match at all, behind any Exact characters. */
  readonly regex: boolean;
  readonly headers: number;
}

/**
 * The sort key of a GRPCRoute match: the most characters of an Exact service, then of an Exact
 * method, then a regular expression over no method match, then the most header matches; then, as
 * HTTPRoutes, the oldest route, "namespace/name", rule and match order. A leading "g" keeps every
 * gRPC key after every HTTPRoute key on a shared hostname (their paths never overlap: /<service>/<method>).
 */
export function grpcRouteRank(g: GrpcMatchRank, r: Omit<RankInput, "match" | "hasMethod">): string {
  return [
    "g",
    pad(9999 - g.serviceChars, 4),
    pad(9999 - g.methodChars, 4),
    g.regex ? "0" : "1",
    pad(999 - g.headers, 3),
    r.created.padEnd(24, " "),
    r.namespace,
    r.name,
    pad(r.rule, 5),
    pad(r.matchIndex, 5),
  ].join("\u0000");
}

/** Compares two ranked routes (or anything with a rank): the one with higher precedence first. */
export function compareRank(a: { readonly rank?: string }, b: { readonly rank?: string }): number {
  const x = a.rank ?? "";
  const y = b.rank ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}
