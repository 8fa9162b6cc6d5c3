/**
 * Route matching: the Envoy RouteMatch of a model route. (The order of routes, which matters as
 * Envoy takes the first match, is controllers/store/route-order's.)
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HeaderMatcherSchema, QueryParameterMatcherSchema, RouteMatchSchema } from "../gen/envoy/config/route/v3/route_components_pb.js";
import type { StringMatcherSchema } from "../gen/envoy/type/matcher/v3/string_pb.js";
import type { HeaderMatch, PathMatch, QueryParamMatch, Route } from "../../controllers/model/model.js";

type RouteMatchInit = MessageInitShape<typeof RouteMatchSchema>;
type StringMatcherInit = MessageInitShape<typeof StringMatcherSchema>;

/**
 * A RE2 pattern for Envoy, anchored at the start. Envoy matches the whole value anyway; the
 * leading `^` shrinks the compiled program, and Envoy rejects programs above a size limit.
 */
export function anchoredRegex(pattern: string): string {
  return pattern.startsWith("^") ? pattern : `^${pattern}`;
}

/** Envoy refuses ignore_case on regexes: the flag moves into the pattern instead. */
function regexMatcher(pattern: string, ignoreCase: boolean): StringMatcherInit {
  return { matchPattern: { case: "safeRegex", value: { regex: ignoreCase ? `(?i)${pattern}` : pattern } } };
}

function stringMatcher(kind: "exact" | "prefix" | "suffix" | "contains", value: string, ignoreCase: boolean): StringMatcherInit {
  return { matchPattern: { case: kind, value }, ignoreCase };
}

/**
 * A segment prefix ("/foo" matches "/foo" and "/foo/bar", not "/foobar") is Envoy's
 * path_separated_prefix, which must not end in "/" nor hold a query or fragment. A trailing slash
 * is dropped first, as Gateway API says it is ignored ("/foo/" matches "/foo"); what is left
 * empty ("/") matches everything, which a plain prefix says just as well.
 */
function prefixSpecifier(value: string, segment: boolean): RouteMatchInit["pathSpecifier"] {
  const trimmed = value.replace(/\/+$/, "");
  if (segment && trimmed !== "" && !/[?#]/.test(trimmed)) return { case: "pathSeparatedPrefix", value: trimmed };
  return { case: "prefix", value };
}

function pathSpecifier(path: PathMatch): RouteMatchInit["pathSpecifier"] {
  switch (path.kind) {
    case "exact":
      return { case: "path", value: path.value };
    case "regex":
      return { case: "safeRegex", value: { regex: anchoredRegex(path.value) } };
    case "prefix":
      return prefixSpecifier(path.value, path.segment);
  }
}

/** One header condition as Envoy's HeaderMatcher (routes and rate limit header_value_match actions). */
export function headerMatcher(h: HeaderMatch): MessageInitShape<typeof HeaderMatcherSchema> {
  const value = h.value ?? "";
  const specifier: MessageInitShape<typeof HeaderMatcherSchema>["headerMatchSpecifier"] =
    h.kind === "present"
      ? { case: "presentMatch", value: true }
      : { case: "stringMatch", value: h.kind === "regex" ? regexMatcher(value, h.ignoreCase) : stringMatcher(h.kind, value, h.ignoreCase) };
  // Envoy reads a missing header as "" only when asked, and upstream asks only for inverted matches.
  const missing = h.invert && h.treatMissingAsEmpty === true ? { treatMissingHeaderAsEmpty: true } : {};
  return { name: h.name, headerMatchSpecifier: specifier, invertMatch: h.invert, ...missing };
}

function queryMatcher(q: QueryParamMatch): MessageInitShape<typeof QueryParameterMatcherSchema> {
  if (q.kind === "present") return { name: q.name, queryParameterMatchSpecifier: { case: "presentMatch", value: true } };
  const value = q.value ?? "";
  return {
    name: q.name,
    queryParameterMatchSpecifier: { case: "stringMatch", value: q.kind === "regex" ? regexMatcher(value, q.ignoreCase) : stringMatcher(q.kind, value, q.ignoreCase) },
  };
}

/** The Envoy RouteMatch of a model route. */
export function translateRouteMatch(route: Route): RouteMatchInit {
  return {
    pathSpecifier: pathSpecifier(route.match.path),
    headers: route.match.headers.map(headerMatcher),
    queryParameters: route.match.queryParams.map(queryMatcher),
  };
}
