/**
 * Global rate limits on routes and virtual hosts: the `rate_limits` actions from which Envoy's rate
 * limit filter builds the descriptors it sends to the rate limit service, and the per-route config that
 * makes a route skip its host's descriptors (HTTPProxy `global.disabled` on a route), as upstream's
 * GlobalRateLimits and rateLimitPerRoute build them.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { RateLimitSchema, type RateLimit, type RateLimit_ActionSchema } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { RateLimitPerRoute_VhRateLimitsOptions, RateLimitPerRouteSchema } from "../gen/envoy/extensions/filters/http/ratelimit/v3/rate_limit_pb.js";
import type { GlobalRateLimit, GlobalRateLimitEntry, Route } from "../../controllers/model/model.js";
import { typed } from "./proto.js";
import type { RouteActionOneof } from "./route-action.js";
import { headerMatcher } from "./route-match.js";

/** The rate_limits of a virtual host or route action: one per descriptor, its entries as actions in order. */
export function translateGlobalRateLimits(limit: GlobalRateLimit | undefined): RateLimit[] {
  if (limit === undefined) return [];
  return limit.descriptors.map((d) => create(RateLimitSchema, { actions: d.entries.map(action) }));
}

function action(entry: GlobalRateLimitEntry): MessageInitShape<typeof RateLimit_ActionSchema> {
  switch (entry.kind) {
    case "genericKey":
      // Without a key Envoy uses "generic_key", as upstream leaves it.
      return { actionSpecifier: { case: "genericKey", value: { descriptorValue: entry.value, ...(entry.key === undefined ? {} : { descriptorKey: entry.key }) } } };
    case "requestHeader":
      return { actionSpecifier: { case: "requestHeaders", value: { headerName: entry.headerName, descriptorKey: entry.descriptorKey } } };
    case "headerValueMatch":
      return {
        actionSpecifier: {
          case: "headerValueMatch",
          value: { descriptorValue: entry.value, expectMatch: entry.expectMatch, headers: entry.headers.map(headerMatcher) },
        },
      };
    case "remoteAddress":
      return { actionSpecifier: { case: "remoteAddress", value: {} } };
  }
}

/** The rate limit filter's per-route config of a route that ignores its host's descriptors, else undefined. */
export function translateRateLimitPerRoute(route: Route): Any | undefined {
  if (route.ignoreVirtualHostGlobalRateLimit !== true) return undefined;
  return typed(RateLimitPerRouteSchema, { vhRateLimits: RateLimitPerRoute_VhRateLimitsOptions.IGNORE });
}

/** A route's action with the route's own descriptors; only forwarding actions carry rate limits in Envoy. */
export function withGlobalRateLimits(action: RouteActionOneof, limit: GlobalRateLimit | undefined): RouteActionOneof {
  if (limit === undefined || action?.case !== "route") return action;
  return { case: "route", value: { ...action.value, rateLimits: translateGlobalRateLimits(limit) } };
}
