// GRPCRoute as the HTTPRoute it amounts to: a gRPC call is an HTTP/2 POST to /<service>/<method>,
// so a method match is a path match, header matches and the header and mirror filters are the
// HTTPRoute ones, and the whole HTTPRoute machinery (parents, hostnames, precedence, filters,
// backends, status) serves it unchanged, with backends spoken to over HTTP/2 and routes named
// grpcroute/<ns>/<name>/rule/<i>/match/<j>.
import type { GRPCRoute, GRPCRouteFilter, GRPCRouteMatch, GRPCRouteRule } from "../../crds/types/gateway-api/other-routes.js";
import type { HTTPRoute, HTTPRouteFilter, HTTPRouteMatch, HTTPRouteRule } from "../../crds/types/gateway-api/httproute.js";
import { regexProblem } from "../regex/regex-check.js";
import { quote } from "../store/conditions.js";
import { entries, type GatewayObjects } from "./objects.js";
import { reconcileHTTPRoute, type HTTPRouteOptions, type HTTPRouteResult } from "./reconcile-httproute.js";
import type { GrpcMatchRank } from "./route-rank.js";

/** What the GRPCRoute reconcile needs: the HTTPRoute options, without the kind. */
export type GRPCRouteOptions = Omit<HTTPRouteOptions, "kind" | "grpcMatchRank">;

/** The precedence inputs of one GRPCRoute match (see grpcRouteRank): Exact characters of service and method, a regex, headers. */
export function grpcMatchRank(m: GRPCRouteMatch): GrpcMatchRank {
  const method = m.method;
  const exact = method !== undefined && (method.type ?? "Exact") === "Exact";
  return {
    serviceChars: exact ? (method.service ?? "").length : 0,
    methodChars: exact ? (method.method ?? "").length : 0,
    regex: method !== undefined && method.type === "RegularExpression",
    headers: entries(m.headers).length,
  };
}

/**
 * One GRPCRoute's routes and status, through reconcileHTTPRoute. Method matches: Exact (service
 * and method: the exact path; service alone: the path prefix /<service>/; method alone: a path
 * regex) or RegularExpression (a path regex of both parts). An invalid method match drops its rule
 * (Accepted=False or PartiallyInvalid, UnsupportedValue, naming spec.rules[i].matches[j].method).
 * Precedence across routes is the GRPCRoute one (grpcMatchRank), not that of the paths the methods become.
 */
export function reconcileGRPCRoute(objects: GatewayObjects, route: GRPCRoute, options: GRPCRouteOptions): HTTPRouteResult {
  const invalid: string[] = [];
  const ranks = entries<GRPCRouteRule>(route.spec?.rules).map((r) => entries<GRPCRouteMatch>(r.matches).map(grpcMatchRank));
  // A rule without matches matches every call: one match with nothing to rank.
  const grpcRank = (rule: number, match: number): GrpcMatchRank => ranks[rule]?.[match] ?? { serviceChars: 0, methodChars: 0, regex: false, headers: 0 };
  const result = reconcileHTTPRoute(objects, asHTTPRoute(route, invalid), { ...options, kind: "GRPCRoute", grpcMatchRank: grpcRank });
  if (invalid.length === 0) return result;
  // The HTTPRoute machinery refused the placeholder path type of an invalid method match: say what was wrong with the method.
  const explain = (message: string): string => message.replace(/spec\.rules\[\d+\]\.matches\[\d+\]\.path\.type: "grpc-invalid-(\d+)" is not one of [A-Za-z, ]+/gu, (_m, i: string) => invalid[Number(i)] ?? _m);
  return { ...result, parents: result.parents.map((p) => ({ ...p, conditions: p.conditions.map((c) => ({ ...c, message: explain(c.message) })) })) };
}

/** The HTTPRoute a GRPCRoute amounts to (same metadata, parents and hostnames); invalid method matches are collected in `invalid`. */
export function asHTTPRoute(route: GRPCRoute, invalid: string[] = []): HTTPRoute {
  const rules = entries<GRPCRouteRule>(route.spec?.rules).map((r, i) => asHTTPRule(r, `spec.rules[${i}]`, invalid));
  return { ...route, kind: "HTTPRoute", spec: { ...(route.spec ?? {}), rules } } as HTTPRoute;
}

function asHTTPRule(rule: GRPCRouteRule, field: string, invalid: string[]): HTTPRouteRule {
  const matches = entries<GRPCRouteMatch>(rule.matches).map((m, j) => asHTTPMatch(m, `${field}.matches[${j}]`, invalid));
  return {
    ...(rule.name === undefined ? {} : { name: rule.name }),
    ...(rule.matches === undefined ? {} : { matches }),
    ...(rule.filters === undefined ? {} : { filters: entries<GRPCRouteFilter>(rule.filters).map(asHTTPFilter) }),
    ...(rule.backendRefs === undefined ? {} : { backendRefs: rule.backendRefs.map((b) => ({ ...b, ...(b.filters === undefined ? {} : { filters: b.filters.map(asHTTPFilter) }) })) }),
    ...(rule.sessionPersistence === undefined ? {} : { sessionPersistence: rule.sessionPersistence }),
  };
}

function asHTTPMatch(m: GRPCRouteMatch, field: string, invalid: string[]): HTTPRouteMatch {
  const headers = m.headers === undefined ? {} : { headers: m.headers.map((h) => ({ name: h.name, value: h.value, ...(h.type === undefined ? {} : { type: h.type }) })) };
  const path = methodPath(m.method, field);
  if (typeof path === "string") {
    // A path type the HTTPRoute machinery refuses, so the rule is dropped; the message is put back above.
    invalid.push(path);
    return { path: { type: `grpc-invalid-${invalid.length - 1}` as "Exact", value: "/" }, ...headers } as HTTPRouteMatch;
  }
  return { ...(path === undefined ? {} : { path }), ...headers } as HTTPRouteMatch;
}

/** The path match of a gRPC method match; undefined matches every call; a string says why it is invalid. */
function methodPath(method: GRPCRouteMatch["method"], field: string): HTTPRouteMatch["path"] | string | undefined {
  if (method === undefined) return undefined;
  const type = method.type ?? "Exact";
  const service = method.service ?? "";
  const name = method.method ?? "";
  if (service === "" && name === "") return `${field}.method: one of service and method must be set`;
  if (type === "Exact") {
    for (const [part, v] of [["service", service], ["method", name]] as const) {
      if (v !== "" && /[^A-Za-z0-9_.]/u.test(v)) return `${field}.method.${part}: ${quote(v)} is not a gRPC name`;
    }
    if (service !== "" && name !== "") return { type: "Exact", value: `/${service}/${name}` };
    if (service !== "") return { type: "PathPrefix", value: `/${service}` };
    return { type: "RegularExpression", value: `/[^/]+/${escapeRegex(name)}` };
  }
  if (type !== "RegularExpression") return `${field}.method.type: ${quote(String(type))} is not one of Exact, RegularExpression`;
  for (const [part, v] of [["service", service], ["method", name]] as const) {
    const why = v === "" ? undefined : regexProblem(v);
    if (why !== undefined) return `${field}.method.${part}: ${quote(v)} is not a valid regular expression: ${why}`;
  }
  return { type: "RegularExpression", value: `/${service === "" ? "[^/]+" : `(?:${service})`}/${name === "" ? "[^/]+" : `(?:${name})`}` };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
}

function asHTTPFilter(f: GRPCRouteFilter): HTTPRouteFilter {
  return f as HTTPRouteFilter;
}
