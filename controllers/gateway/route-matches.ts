import type { HTTPRouteMatch } from "../../crds/types/gateway-api/httproute.js";
import { HTTP_METHODS } from "../../crds/types/gateway-api/httproute.js";
import type { HeaderMatch, QueryParamMatch, RouteMatch } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { regexProblem } from "../regex/regex-check.js";

const HEADER_NAME = /^[0-9A-Za-z!#$%&'*+\-.^_|~`]{1,256}$/u;

/** A converted match, with what route precedence needs, or why it cannot be served. */
export type MatchConversion = { readonly ok: true; readonly match: RouteMatch; readonly hasMethod: boolean } | { readonly ok: false; readonly message: string };

/**
 * One HTTPRoute match as a model match: path Exact, PathPrefix (whole segments; a trailing "/" is
 * ignored, as the spec asks) or RegularExpression (default PathPrefix "/"); headers (names compared
 * case-insensitively) and query parameters, Exact or RegularExpression, the first of a repeated
 * name only, as the spec says; the method as a ":method" header. `field` names the match in messages.
 */
export function convertMatch(m: HTTPRouteMatch, field: string): MatchConversion {
  const fail = (message: string): MatchConversion => ({ ok: false, message: `${field}.${message}` });
  const type = m.path?.type ?? "PathPrefix";
  const value = m.path?.value ?? "/";
  let path: RouteMatch["path"];
  switch (type) {
    case "Exact":
    case "PathPrefix": {
      if (!value.startsWith("/")) return fail(`path.value: ${quote(value)} must start with "/"`);
      if (/[?#]|\/\/|\/\.\.?(\/|$)/.test(value)) return fail(`path.value: ${quote(value)} must not hold "?", "#", "//", "/./" or "/../"`);
      if (type === "Exact") path = { kind: "exact", value };
      else path = { kind: "prefix", value: value.length > 1 ? value.replace(/\/+$/, "") || "/" : "/", segment: true };
      break;
    }
    case "RegularExpression": {
      const why = regexProblem(value);
      if (why !== undefined) return fail(`path.value: ${quote(value)} is not a valid regular expression: ${why}`);
      path = { kind: "regex", value };
      break;
    }
    default:
      return fail(`path.type: ${quote(String(type))} is not one of Exact, PathPrefix, RegularExpression`);
  }
  const headers: HeaderMatch[] = [];
  const seenHeaders = new Set<string>();
  for (const [i, h] of (m.headers ?? []).entries()) {
    // Envoy refuses (NACKs) a header matcher whose name is not an HTTP token: check here, never there.
    if (!HEADER_NAME.test(h.name)) return fail(`headers[${i}].name: ${quote(h.name)} is not a valid header name`);
    const name = h.name.toLowerCase();
    if (seenHeaders.has(name)) continue;
    seenHeaders.add(name);
    const kind = h.type ?? "Exact";
    if (kind === "RegularExpression") {
      const why = regexProblem(h.value);
      if (why !== undefined) return fail(`headers[${i}].value: ${quote(h.value)} is not a valid regular expression: ${why}`);
    } else if (kind !== "Exact") return fail(`headers[${i}].type: ${quote(String(kind))} is not one of Exact, RegularExpression`);
    headers.push({ name, kind: kind === "Exact" ? "exact" : "regex", value: h.value, invert: false, ignoreCase: false });
  }
  const queryParams: QueryParamMatch[] = [];
  const seenQuery = new Set<string>();
  for (const [i, q] of (m.queryParams ?? []).entries()) {
    if (typeof q.name !== "string" || q.name === "" || q.name.length > 256) return fail(`queryParams[${i}].name must be 1 to 256 characters`);
    if (seenQuery.has(q.name)) continue;
    seenQuery.add(q.name);
    const kind = q.type ?? "Exact";
    if (kind === "RegularExpression") {
      const why = regexProblem(q.value);
      if (why !== undefined) return fail(`queryParams[${i}].value: ${quote(q.value)} is not a valid regular expression: ${why}`);
    } else if (kind !== "Exact") return fail(`queryParams[${i}].type: ${quote(String(kind))} is not one of Exact, RegularExpression`);
    queryParams.push({ name: q.name, kind: kind === "Exact" ? "exact" : "regex", value: q.value, ignoreCase: false });
  }
  const method = m.method;
  if (method !== undefined) {
    if (!(HTTP_METHODS as readonly string[]).includes(method)) return fail(`method: ${quote(method)} is not one of ${HTTP_METHODS.join(", ")}`);
    headers.push({ name: ":method", kind: "exact", value: method, invert: false, ignoreCase: false });
  }
  return { ok: true, match: { path, headers, queryParams }, hasMethod: method !== undefined };
}
