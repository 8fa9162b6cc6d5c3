/**
 * The typed_per_filter_config of virtual hosts and routes: which of the HCM's policy filters
 * (http-filters.ts) a host or route switches on, keyed by the filter's name. Envoy uses the most
 * specific config it finds, so a route's rate limit or IP filter replaces its host's.
 */
import type { Any } from "@bufbuild/protobuf/wkt";
import type { Route, VirtualHost } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import { translateCorsPolicy } from "./cors.js";
import { routeExtAuthzConfig } from "./ext-authz.js";
import { translateIpFilter } from "./ip-filter.js";
import { jwtRouteConfig } from "./jwt-authn.js";
import { translateLocalRateLimit } from "./local-rate-limit.js";
import { translateRateLimitPerRoute } from "./global-rate-limit.js";

/** Upstream's stat prefix of a host's rate limiters (its routes' too): `vhost.<fqdn>`. */
export function rateLimitStatPrefix(fqdn: string): string {
  return `vhost.${fqdn}`;
}

/** Only the entries that are set, in a fixed key order. */
function perFilter(entries: readonly (readonly [string, Any | undefined])[]): Record<string, Any> {
  const out: Record<string, Any> = {};
  for (const [name, config] of entries) if (config !== undefined) out[name] = config;
  return out;
}

/** A virtual host's CORS policy, rate limit and IP filter. */
export function virtualHostFilterConfig(vhost: VirtualHost): Record<string, Any> {
  return perFilter([
    [EnvoyExtension.cors, translateCorsPolicy(vhost.cors)],
    [EnvoyExtension.localRateLimit, translateLocalRateLimit(vhost.rateLimit, rateLimitStatPrefix(vhost.fqdn))],
    [EnvoyExtension.rbac, translateIpFilter(vhost.ipFilter)],
  ]);
}

/**
 * A route's own CORS policy, rate limits, IP filter, external authorization and, on the TLS listener,
 * JWT requirement. HTTPProxy and Ingress have CORS per virtual host only, as upstream; a route's own
 * policy is Gateway API's CORS filter, which answers the preflights of origins it does not allow
 * itself. `redirectsToHttps`: this is the plain-HTTP copy that only redirects.
 */
export function routeFilterConfig(route: Route, vhost: VirtualHost, listener: "http" | "https" = "http", redirectsToHttps = false): Record<string, Any> {
  return perFilter([
    [EnvoyExtension.cors, translateCorsPolicy(route.cors, true)],
    [EnvoyExtension.localRateLimit, translateLocalRateLimit(route.rateLimit, rateLimitStatPrefix(vhost.fqdn))],
    [EnvoyExtension.rbac, translateIpFilter(route.ipFilter)],
    [EnvoyExtension.extAuthz, routeExtAuthzConfig(route, redirectsToHttps)],
    // Its host's global descriptors are not sent for this route (HTTPProxy `global.disabled`).
    [EnvoyExtension.globalRateLimit, translateRateLimitPerRoute(route)],
    [EnvoyExtension.jwtAuthn, jwtRouteConfig(route, vhost, listener)],
  ]);
}
