/**
 * pathRewritePolicy.replacePrefix, as upstream chooses and expands it: the replacement whose prefix
 * equals the route's merged prefix, else the one without a prefix; then a route for "/foo" and one
 * for "/foo/", so that neither "/foosball" nor "/foo/bar" is rewritten into something odd.
 */
import type { PathRewritePolicy } from "../../crds/types/httpproxy.js";
import type { PathMatch, Route } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { MAX_MATCH_VALUE } from "./limits.js";
import { CONTROL_CHARACTERS, list, obj, str } from "./spec-values.js";

/** The prefix rewrite of a route (undefined for none), or the PrefixReplaceError reason and problem. */
export type PrefixRewriteResult = { readonly ok: true; readonly value?: string } | { readonly ok: false; readonly reason: string; readonly problem: string };

/** Chooses a route's prefix rewrite. */
export function prefixRewriteOf(raw: PathRewritePolicy | undefined | unknown, path: PathMatch, field: string): PrefixRewriteResult {
  const replacements = list<unknown>(obj<PathRewritePolicy>(raw)?.replacePrefix).map((e) => obj<{ prefix?: unknown; replacement?: unknown }>(e) ?? {});
  if (replacements.length === 0) return { ok: true };
  if (path.kind !== "prefix") return { ok: false, reason: "MustHavePrefix", problem: `${field}: cannot specify prefix replacements without a prefix condition` };
  const prefixes = new Set<string>();
  for (const r of replacements) {
    const prefix = str(r.prefix) ?? "";
    const replacement = str(r.replacement) ?? "";
    if (prefixes.has(prefix)) {
      return prefix !== ""
        ? { ok: false, reason: "DuplicateReplacement", problem: `${field}: duplicate replacement prefix ${quote(prefix)}` }
        : { ok: false, reason: "AmbiguousReplacement", problem: `${field}: ambiguous prefix replacement` };
    }
    prefixes.add(prefix);
    if (!replacement.startsWith("/") || replacement.length > MAX_MATCH_VALUE || CONTROL_CHARACTERS.test(replacement)) {
      return { ok: false, reason: "InvalidReplacement", problem: `${field}: replacement ${quote(replacement)} must be a path starting with "/"` };
    }
  }
  const exact = replacements.find((r) => (str(r.prefix) ?? "") !== "" && str(r.prefix) === path.value);
  const chosen = exact ?? replacements.find((r) => (str(r.prefix) ?? "") === "");
  return chosen === undefined ? { ok: true } : { ok: true, value: str(chosen.replacement) ?? "/" };
}

/** Upstream's expandPrefixMatches over one proxy's routes. */
export function expandPrefixRewrites(routes: readonly Route[]): Route[] {
  const groups = new Map<string, number[]>();
  routes.forEach((r, i) => {
    if (r.match.path.kind !== "prefix") return;
    const p = r.match.path.value;
    const trimmed = p === "/" ? p : p.replace(/\/+$/u, "");
    const g = groups.get(trimmed);
    if (g === undefined) groups.set(trimmed, [i]);
    else g.push(i);
  });
  const out = [...routes];
  for (const [prefix, members] of groups) {
    const [only] = members;
    if (members.length !== 1 || only === undefined) continue;
    const route = routes[only];
    if (route === undefined || route.action.kind !== "forward" || route.action.prefixRewrite === undefined || route.match.path.kind !== "prefix" || route.match.path.value === "/") continue;
    const rewrite = route.action.prefixRewrite.replace(/\/+$/u, "");
    const path = route.match.path;
    out[only] = { ...route, match: { ...route.match, path: { ...path, value: prefix } }, action: { ...route.action, prefixRewrite: rewrite === "" ? "/" : rewrite } };
    out.push({ ...route, match: { ...route.match, path: { ...path, value: `${prefix}/` } }, action: { ...route.action, prefixRewrite: `${rewrite}/` } });
  }
  return out;
}
