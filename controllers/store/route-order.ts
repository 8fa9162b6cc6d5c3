import type { PathMatch, Route, RouteMatch } from "../model/model.js";
import { compareStrings } from "../source/object-cache.js";
import { canonicalJson } from "../model/names.js";
import { sortInPlace } from "../model/sort.js";

const KIND_RANK: Readonly<Record<PathMatch["kind"], number>> = { exact: 0, regex: 1, prefix: 2 };

/**
 * Route order within a virtual host, most specific first, as upstream's sorter.routeSorter has it:
 * exact before regex before prefix; within a kind the longer value first; at equal prefixes a
 * segment prefix before a string prefix; then more header and query conditions first. Remaining
 * ties are broken by the match's canonical JSON so that the order is total and stable.
 */
export function compareRoutes(a: Route, b: Route): number {
  // Gateway API defines precedence across routes itself; its reconciler encodes it in rank.
  if (a.rank !== undefined && b.rank !== undefined) return compareStrings(a.rank, b.rank);
  return compareMatches(a.match, b.match);
}

/** Compares two matches in route order (see compareRoutes). */
export function compareMatches(a: RouteMatch, b: RouteMatch): number {
  const pa = a.path;
  const pb = b.path;
  return (
    KIND_RANK[pa.kind] - KIND_RANK[pb.kind] ||
    pb.value.length - pa.value.length ||
    compareStrings(pb.value, pa.value) ||
    segmentRank(pa) - segmentRank(pb) ||
    b.headers.length + b.queryParams.length - (a.headers.length + a.queryParams.length) ||
    compareStrings(routeMatchKey(a), routeMatchKey(b))
  );
}

/** Routes sorted into route order (a new array). */
export function sortRoutes(routes: readonly Route[]): Route[] {
  return sortInPlace([...routes], compareRoutes);
}

// Matches are immutable and a reconciler's match object reaches the store unchanged, so each one's
// key (canonical JSON, the costly part of merging routes) is computed once.
const matchKeys = new WeakMap<RouteMatch, string>();

/** Identity of a match: two routes with equal keys are the same route and only one can be served. */
export function routeMatchKey(match: RouteMatch): string {
  let key = matchKeys.get(match);
  if (key === undefined) {
    key = canonicalJson(match);
    matchKeys.set(match, key);
  }
  return key;
}

/** A human description of a path match, for messages. */
export function describePath(path: PathMatch): string {
  const kind = path.kind === "prefix" && path.segment ? "segment prefix" : path.kind;
  return `${kind} ${JSON.stringify(path.value)}`;
}

function segmentRank(p: PathMatch): number {
  return p.kind === "prefix" && p.segment ? 0 : 1;
}
