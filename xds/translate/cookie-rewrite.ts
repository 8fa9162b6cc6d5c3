/**
 * HTTPProxy cookieRewritePolicies in Envoy. Envoy has no filter that rewrites Set-Cookie attributes
 * from configuration alone, so, as upstream, a Lua filter does it. Unlike upstream before
 * CVE-2026-41246, no user value is ever written into Lua source: the script below is a constant,
 * installed once per HCM as the named source `cookie_rewrite.lua`, and it reads the rules at run
 * time from the route's metadata (`filter_metadata["envoy.filters.http.lua"]`), a protobuf Struct:
 * data, which Lua receives as strings and booleans and only ever concatenates into header text.
 * (Envoy's LuaPerRoute.filter_context would carry the rules per weighted cluster, but the Envoy API
 * protos this project generates from predate it.) A route split across services with their own
 * rules tags each service's responses with an internal header naming its cluster, which the script
 * reads and removes before the response leaves Envoy.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import type { JsonObject } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { MetadataSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import { HeaderValueOption_HeaderAppendAction, HeaderValueOptionSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import type { RouteSchema } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { WeightedCluster_ClusterWeightSchema, WeightedClusterSchema } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { LuaPerRouteSchema, LuaSchema } from "../gen/envoy/extensions/filters/http/lua/v3/lua_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { HttpFilterSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { CookieRewrite, Route } from "../../controllers/model/model.js";
import { typed } from "./proto.js";

/** The Lua filter's name: also the key of its per-route config and of the route metadata it reads. */
export const LUA_FILTER_NAME = "envoy.filters.http.lua";

/** Name of the script in the filter's source_codes (upstream's). */
export const COOKIE_REWRITE_SCRIPT_NAME = "cookie_rewrite.lua";

/** Internal response header naming the cluster that answered, on routes whose services have rules of their own. */
export const COOKIE_CLUSTER_HEADER = "x-contour-cookie-rewrite-cluster";

/**
 * The script. A constant: nothing here is ever built from configuration. Rules: a table by cookie
 * name of { path, domain, secure, sameSite }; an attribute given replaces the backend's (or is
 * added), `secure = false` removes Secure. Other cookies and attributes are passed on unchanged.
 */
export const COOKIE_REWRITE_SCRIPT = `
local function trim(s)
  return (string.gsub(s, "^%s*(.-)%s*$", "%1"))
end

local function rewrite(cookie, rules)
  local eq = string.find(cookie, "=", 1, true)
  if eq == nil then return cookie end
  local rule = rules[trim(string.sub(cookie, 1, eq - 1))]
  if type(rule) ~= "table" then return cookie end
  local parts = {}
  local start = 1
  while true do
    local semi = string.find(cookie, ";", start, true)
    if semi == nil then
      parts[#parts + 1] = string.sub(cookie, start)
      break
    end
    parts[#parts + 1] = string.sub(cookie, start, semi - 1)
    start = semi + 1
  end
  local out = { trim(parts[1]) }
  local done = {}
  local function value_of(key)
    if key == "path" and type(rule.path) == "string" then return "Path=" .. rule.path end
    if key == "domain" and type(rule.domain) == "string" then return "Domain=" .. rule.domain end
    if key == "samesite" and type(rule.sameSite) == "string" then return "SameSite=" .. rule.sameSite end
    if key == "secure" and type(rule.secure) == "boolean" then
      if rule.secure then return "Secure" end
      return false
    end
    return nil
  end
  for i = 2, #parts do
    local attr = trim(parts[i])
    if attr ~= "" then
      local key = string.lower(trim(string.match(attr, "^[^=]*")))
      local replaced = value_of(key)
      if replaced == nil then
        out[#out + 1] = attr
      elseif not done[key] then
        done[key] = true
        if replaced then out[#out + 1] = replaced end
      end
    end
  end
  for _, key in ipairs({ "path", "domain", "samesite", "secure" }) do
    if not done[key] then
      local added = value_of(key)
      if added then out[#out + 1] = added end
    end
  end
  return table.concat(out, "; ")
end

function envoy_on_response(handle)
  local headers = handle:headers()
  local cluster = headers:get("${COOKIE_CLUSTER_HEADER}")
  headers:remove("${COOKIE_CLUSTER_HEADER}")
  local meta = handle:metadata()
  local rules = meta:get("cookie_rewrite_rules")
  if cluster ~= nil then
    local by_cluster = meta:get("cluster_cookie_rewrite_rules")
    if type(by_cluster) == "table" and type(by_cluster[cluster]) == "table" then rules = by_cluster[cluster] end
  end
  if type(rules) ~= "table" then return end
  local n = headers:getNumValues("set-cookie")
  if n == 0 then return end
  local cookies = {}
  for i = 0, n - 1 do cookies[#cookies + 1] = rewrite(headers:getAtIndex("set-cookie", i), rules) end
  headers:remove("set-cookie")
  for _, c in ipairs(cookies) do headers:add("set-cookie", c) end
end
`;

/** The Lua filter of every HCM: the script as a named source and no default, so it runs only where a route names it. */
export function cookieRewriteFilter(): HttpFilter {
  return create(HttpFilterSchema, {
    name: LUA_FILTER_NAME,
    configType: { case: "typedConfig", value: typed(LuaSchema, { sourceCodes: { [COOKIE_REWRITE_SCRIPT_NAME]: { specifier: { case: "inlineString", value: COOKIE_REWRITE_SCRIPT } } } }) },
  });
}

// Upstream's merge: a later policy for the same cookie overrides attribute by attribute.
function merged(...lists: (readonly CookieRewrite[] | undefined)[]): JsonObject {
  const rules: Record<string, JsonObject> = {};
  for (const r of lists.flatMap((l) => l ?? [])) {
    rules[r.name] = {
      ...rules[r.name],
      ...(r.path !== undefined ? { path: r.path } : {}),
      ...(r.domain !== undefined ? { domain: r.domain } : {}),
      ...(r.secure !== undefined ? { secure: r.secure } : {}),
      ...(r.sameSite !== undefined ? { sameSite: r.sameSite } : {}),
    };
  }
  return rules;
}

/** Whether a route rewrites cookies at all. */
export function hasCookieRewrites(route: Route): boolean {
  return (route.cookieRewrites?.length ?? 0) > 0 || (route.action.kind === "forward" && route.action.clusters.some((c) => (c.cookieRewrites?.length ?? 0) > 0));
}

/** The route's per-filter config naming the script, or undefined. */
export function cookieRewritePerRoute(route: Route): Record<string, Any> {
  if (!hasCookieRewrites(route)) return {};
  return { [LUA_FILTER_NAME]: typed(LuaPerRouteSchema, { override: { case: "name", value: COOKIE_REWRITE_SCRIPT_NAME } }) };
}

/** The route's metadata carrying its rules (route and services merged, as upstream), or undefined. */
export function cookieRewriteMetadata(route: Route): MessageInitShape<typeof MetadataSchema> | undefined {
  if (!hasCookieRewrites(route) || route.action.kind !== "forward") return undefined;
  const clusters = route.action.clusters;
  const only = clusters.length === 1 ? clusters[0] : undefined;
  const data: JsonObject = { cookie_rewrite_rules: merged(route.cookieRewrites, only?.cookieRewrites) };
  if (only === undefined) {
    const byCluster: JsonObject = {};
    for (const c of clusters) if ((c.cookieRewrites?.length ?? 0) > 0) byCluster[c.cluster] = merged(route.cookieRewrites, c.cookieRewrites);
    data["cluster_cookie_rewrite_rules"] = byCluster;
  }
  return { filterMetadata: { [LUA_FILTER_NAME]: data } };
}

/** Whether a split route's service must tag its responses with its cluster name. */
export function tagsCookieCluster(route: Route, cluster: string): boolean {
  return route.action.kind === "forward" && route.action.clusters.length > 1 && route.action.clusters.some((c) => c.cluster === cluster && (c.cookieRewrites?.length ?? 0) > 0);
}

type RouteActionOneof = MessageInitShape<typeof RouteSchema>["action"];

/** The route action with each split service that has rules of its own tagging its responses (see COOKIE_CLUSTER_HEADER). */
export function withCookieClusterTags(action: RouteActionOneof, route: Route): RouteActionOneof {
  if (action?.case !== "route" || action.value.clusterSpecifier?.case !== "weightedClusters") return action;
  const spec = create(WeightedClusterSchema, action.value.clusterSpecifier.value);
  type ClusterWeightInit = MessageInitShape<typeof WeightedCluster_ClusterWeightSchema>;
  const clusters = ((spec.clusters ?? []) as ClusterWeightInit[]).map((init) => {
    const c = create(WeightedCluster_ClusterWeightSchema, init);
    if (tagsCookieCluster(route, c.name)) {
      c.responseHeadersToAdd.push(create(HeaderValueOptionSchema, { header: { key: COOKIE_CLUSTER_HEADER, value: c.name }, appendAction: HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD }));
    } else if (hasCookieRewrites(route)) {
      // A backend must not choose another service's rules by sending the tag itself.
      c.responseHeadersToRemove.push(COOKIE_CLUSTER_HEADER);
    }
    return c;
  });
  spec.clusters = clusters;
  return { case: "route", value: { ...action.value, clusterSpecifier: { case: "weightedClusters", value: spec } } };
}
