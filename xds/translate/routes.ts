/**
 * Route configurations: `ingress_http` with every virtual host (TLS hosts answering with a
 * redirect where the model asks for one), and one `https/<fqdn>` per secure host, so each SNI
 * filter chain sees only its own host's routes. For delta streams, also each plain-HTTP host as a
 * VHDS resource and an `ingress_http` that names them (translateVhds).
 *
 * Each `https/<fqdn>` also holds a catch-all host answering 421 Misdirected Request (RFC 9110
 * 15.5.20): a client that reuses a TLS connection for another host, or names another host than
 * its SNI, is told so rather than given the SNI host's routes or a 404. Upstream Contour does this
 * with a Lua filter comparing Host and SNI; for an exact host a route-level catch-all needs no
 * script, and only a wildcard host's chain carries the comparison (misdirected-request.ts).
 */
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { HeaderValueOption_HeaderAppendAction } from "../gen/envoy/config/core/v3/base_pb.js";
import type { RouteSchema, VirtualHost as EnvoyVirtualHost } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { VirtualHostSchema } from "../gen/envoy/config/route/v3/route_components_pb.js";
import type { RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import { RouteConfigurationSchema } from "../gen/envoy/config/route/v3/route_pb.js";
import type { HeadersPolicy, Model, Route, VirtualHost } from "../../controllers/model/model.js";
import { sortRoutes } from "../../controllers/store/route-order.js";
import { HTTP_ROUTE_CONFIG_NAME, httpsRouteConfigName, vhdsVirtualHostName } from "../names.js";
import { translateHeaderPolicies } from "./headers.js";
import { isSecureHost, routableVirtualHosts } from "./hosts.js";
import { routeFilterConfig, virtualHostFilterConfig } from "./per-filter-config.js";
import { translateGlobalRateLimits, withGlobalRateLimits } from "./global-rate-limit.js";
import { resolveOptions, type GlobalHeadersPolicy, type ResolvedOptions } from "./options.js";
import { adsConfigSource, compareStrings } from "./proto.js";
import { httpsUpgradeAction, translateRouteAction } from "./route-action.js";
import { translateRouteMatch } from "./route-match.js";
import { jwtUnsatisfiable } from "./jwt-authn.js";
import { FALLBACK_ROUTE_CONFIG_NAME, fallbackHosts } from "./fallback-certificate.js";
import { cookieRewritePerRoute, withCookieClusterTags } from "./cookie-rewrite.js";
import { accessLogReadsRouteMetadata, routeMetadata } from "./route-metadata.js";

type RouteInit = MessageInitShape<typeof RouteSchema>;

/** cert-manager's HTTP-01 solver must be reachable over plain HTTP before the host has a certificate. */
const ACME_CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

function isAcmeChallenge(route: Route): boolean {
  const path = route.match.path;
  return path.kind !== "regex" && path.value.startsWith(ACME_CHALLENGE_PREFIX);
}

/**
 * A host's domains in a route configuration that matches the Host header's port (a Gateway
 * listener's): the name as given and, for exact names, the name with any port. The HTTPProxy and
 * Ingress route configurations ignore the port instead (`ignore_port_in_host_matching`, upstream's
 * setting) and list the name alone: one domain fewer per host for Envoy to index on every rebuild.
 */
export function vhostDomains(fqdn: string): string[] {
  return fqdn.includes("*") ? [fqdn] : [fqdn, `${fqdn}:*`];
}

/** What translating a route needs of the options: the global header policies and the access log formats. */
export type RouteOptions = Pick<ResolvedOptions, "globalRequestHeaders" | "globalResponseHeaders" | "globalHeadersApplyToIngress" | "accessLogFormatString" | "accessLogJsonFields">;

const DEFAULT_ROUTE_OPTIONS: RouteOptions = resolveOptions();

// The route's own policy wins for a header both set (upstream's rule); removals add up.
function withGlobal(own: HeadersPolicy | undefined, global: GlobalHeadersPolicy | null): HeadersPolicy | undefined {
  if (global === null) return own;
  const ownNames = new Set((own?.set ?? []).map((h) => h.name.toLowerCase()));
  return {
    ...own,
    set: [...global.set.filter((h) => !ownNames.has(h.name.toLowerCase())), ...(own?.set ?? [])],
    remove: [...new Set([...global.remove, ...(own?.remove ?? [])])],
  };
}

function translateRoute(route: Route, vhost: VirtualHost, listener: "http" | "https", options: RouteOptions, withSource: boolean): RouteInit {
  const match = translateRouteMatch(route);
  const metadata = routeMetadata(route, withSource);
  // A route's policies apply whatever it does, the redirect to HTTPS included: a refused client
  // gets its 403 on either listener, and a redirect counts against the rate limit.
  const redirectsToHttps = listener === "http" && route.httpsRedirect && !isAcmeChallenge(route);
  const typedPerFilterConfig = routeFilterConfig(route, vhost, listener, redirectsToHttps);
  if (redirectsToHttps) {
    return { match, action: httpsUpgradeAction(), metadata, typedPerFilterConfig };
  }
  if (jwtUnsatisfiable(route, vhost, listener)) return { match, action: { case: "directResponse", value: { status: 401 } }, metadata };
  // As upstream: HTTPProxy routes always, Ingress routes with applyToIngress, others never.
  const global = route.source.kind === "HTTPProxy" || (route.source.kind === "Ingress" && options.globalHeadersApplyToIngress);
  const headers = global
    ? translateHeaderPolicies(withGlobal(route.requestHeaders, options.globalRequestHeaders), withGlobal(route.responseHeaders, options.globalResponseHeaders))
    : translateHeaderPolicies(route.requestHeaders, route.responseHeaders);
  return {
    ...(route.name === undefined ? {} : { name: route.name }),
    match,
    // Ranked routes are Gateway API's, whose ReplacePrefixMatch replaces whole segments.
    action: withCookieClusterTags(withGlobalRateLimits(
      translateRouteAction(
        route.action,
        headers.hostRewrite,
        headers.hostRewriteHeader,
        route.rank !== undefined && route.match.path.kind === "prefix" && route.match.path.segment ? route.match.path.value : undefined,
      ),
      route.globalRateLimit,
    ), route),
    metadata,
    requestHeadersToAdd: headers.requestHeadersToAdd,
    requestHeadersToRemove: headers.requestHeadersToRemove,
    responseHeadersToAdd: headers.responseHeadersToAdd,
    responseHeadersToRemove: headers.responseHeadersToRemove,
    typedPerFilterConfig: { ...typedPerFilterConfig, ...cookieRewritePerRoute(route) },
  };
}

/** The Envoy virtual host of one model host, on the plain-HTTP or the TLS listener. */
export function translateVirtualHost(vhost: VirtualHost, listener: "http" | "https", options: RouteOptions = DEFAULT_ROUTE_OPTIONS): EnvoyVirtualHost {
  const withSource = accessLogReadsRouteMetadata(options);
  return create(VirtualHostSchema, {
    name: vhost.fqdn,
    domains: [vhost.fqdn],
    // The store already emits routes in this order; sorting again (with the store's own, total
    // comparator, so the two can never disagree) keeps a hand-built or merged model correct too.
    routes: sortRoutes(vhost.routes).map((r) => translateRoute(r, vhost, listener, options, withSource)),
    typedPerFilterConfig: virtualHostFilterConfig(vhost),
    rateLimits: translateGlobalRateLimits(vhost.globalRateLimit),
  });
}

/** Translates one host for one listener; a translator passes a memoising one. */
export type VirtualHostTranslation = (vhost: VirtualHost, listener: "http" | "https") => EnvoyVirtualHost;

function routeConfiguration(name: string, vhosts: EnvoyVirtualHost[], vhds = false): RouteConfiguration {
  return create(RouteConfigurationSchema, {
    name,
    virtualHosts: vhosts,
    ...(vhds ? { vhds: { configSource: adsConfigSource() } } : {}),
    // A port in Host never selects another host (upstream's setting): "*.example.com" matches "a.example.com:8443".
    ignorePortInHostMatching: true,
    // Lets upstreams measure queueing time in the proxy (upstream Contour sets it too).
    requestHeadersToAdd: [
      { header: { key: "x-request-start", value: "t=%START_TIME(%s.%3f)%" }, appendAction: HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD },
    ],
  });
}

/** The plain-HTTP route configuration holding these hosts, in this order (what translateRouteConfigs builds). */
export function httpRouteConfiguration(vhosts: EnvoyVirtualHost[]): RouteConfiguration {
  return routeConfiguration(HTTP_ROUTE_CONFIG_NAME, vhosts);
}

/** VHDS: a plain-HTTP virtual host as a resource of its own, named `ingress_http/<fqdn>` (Envoy keys VHDS hosts by name). */
export function vhdsVirtualHost(vhost: EnvoyVirtualHost): EnvoyVirtualHost {
  return create(VirtualHostSchema, { ...vhost, name: vhdsVirtualHostName(vhost.name) });
}

/** VHDS: the plain-HTTP route configuration delta streams get, naming its hosts through VHDS (one message, so its encoding is reused). */
export const VHDS_HTTP_ROUTE_CONFIG: RouteConfiguration = routeConfiguration(HTTP_ROUTE_CONFIG_NAME, [], true);

/**
 * What delta streams get: every plain-HTTP host as a VHDS resource, and the route configurations
 * with `ingress_http` naming them instead of holding them. Envoy serves VHDS only over delta xDS;
 * SotW streams keep the route configurations of translateRouteConfigs.
 */
export function translateVhds(
  model: Model,
  routes: readonly RouteConfiguration[],
  vhdsHost: (vhost: VirtualHost) => EnvoyVirtualHost = (v) => vhdsVirtualHost(translateVirtualHost(v, "http")),
): { virtualHosts: EnvoyVirtualHost[]; deltaRoutes: RouteConfiguration[] } {
  const virtualHosts = routableVirtualHosts(model).map(vhdsHost).sort((a, b) => compareStrings(a.name, b.name));
  const deltaRoutes = routes.map((r) => (r.name === HTTP_ROUTE_CONFIG_NAME ? VHDS_HTTP_ROUTE_CONFIG : r));
  return { virtualHosts, deltaRoutes };
}

/** Name of the catch-all virtual host of every `https/<fqdn>` route configuration. */
export const MISDIRECTED_VHOST_NAME = "misdirected";

/** The 421 for any Host but the SNI host's own names (Envoy tries exact and wildcard domains before "*"). */
const MISDIRECTED_VHOST: EnvoyVirtualHost = create(VirtualHostSchema, {
  name: MISDIRECTED_VHOST_NAME,
  domains: ["*"],
  routes: [
    {
      match: { pathSpecifier: { case: "prefix", value: "/" } },
      action: { case: "directResponse", value: { status: 421, body: { specifier: { case: "inlineString", value: "misdirected request\n" } } } },
    },
  ],
});

/** Every route configuration the listeners refer to, sorted by name. */
export function translateRouteConfigs(model: Model, translateHost: VirtualHostTranslation = translateVirtualHost): RouteConfiguration[] {
  const hosts = routableVirtualHosts(model);
  const http = routeConfiguration(HTTP_ROUTE_CONFIG_NAME, hosts.map((v) => translateHost(v, "http")));
  const secure = hosts.filter(isSecureHost);
  const https = secure.map((v) => {
    const own = translateHost(v, "https");
    // Envoy refuses two hosts claiming "*"; a host that is "*" itself has nothing to misdirect.
    return routeConfiguration(httpsRouteConfigName(v.fqdn), own.domains.includes("*") ? [own] : [own, MISDIRECTED_VHOST]);
  });
  // The hosts that enabled the fallback certificate, reached by clients without SNI (no 421 host: any name the chain serves is its own).
  const fallback = fallbackHosts(secure);
  if (fallback.length > 0) https.push(routeConfiguration(FALLBACK_ROUTE_CONFIG_NAME, fallback.map((v) => translateHost(v, "https"))));
  return [http, ...https].sort((a, b) => compareStrings(a.name, b.name));
}
