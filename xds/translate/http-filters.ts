/**
 * The HTTP filter chain every HCM carries, in the order upstream Contour uses: the response
 * compressor (unless disabled), grpc_web (gRPC-Web clients reach gRPC backends, as upstream by default), grpc_stats, cors, then local_ratelimit, then rbac, then the router. The three policy filters are always present and do
 * nothing by default; virtual hosts and routes switch them on through typed_per_filter_config
 * under the same names. Keeping the chain fixed means adding a policy to one host changes only
 * route configuration, never the listener (a listener change drains its connections). Configured
 * from the config file, ext_authz (where authorization is set) and then the global rate limit
 * filter (with a rateLimitService) come just before the router, as upstream adds them.
 *
 * Why this order: CORS first, so preflights are answered and CORS headers are added to every
 * response, including a 429 or 403 produced further down (the browser can then show the real
 * error instead of a CORS failure). Rate limiting before RBAC, as upstream, so every request
 * counts against a host's budget. The compressor first, as upstream: it compresses whatever the
 * filters after it answer too. The router last: it ends the chain by forwarding.
 *
 * Hooks for filters only some HCMs carry go between rbac and the router, in upstream's order
 * (internal/xdscache/v3/listener.go): jwt_authn, then ext_authz, then the global rate limiter. So a
 * request is authenticated before it is authorized, and only authorized requests use up a global
 * rate limit; a request refused by an IP filter or the local rate limit never reaches the
 * authorization server.
 */
import { create } from "@bufbuild/protobuf";
import { GrpcWebSchema } from "../gen/envoy/extensions/filters/http/grpc_web/v3/grpc_web_pb.js";
import { FilterConfigSchema as GrpcStatsSchema } from "../gen/envoy/extensions/filters/http/grpc_stats/v3/config_pb.js";
import { CorsSchema } from "../gen/envoy/extensions/filters/http/cors/v3/cors_pb.js";
import { LocalRateLimitSchema } from "../gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb.js";
import { RBACSchema } from "../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import { cookieRewriteFilter } from "./cookie-rewrite.js";
import { RouterSchema } from "../gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { HttpFilterSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { EnvoyExtension } from "../names.js";
import type { ExternalAuthorization } from "../../controllers/model/model.js";
import { compressorFilters } from "./compression.js";
import { globalRateLimitFilter } from "./global-rate-limit-filter.js";
import { translateExtAuthzFilter } from "./ext-authz.js";
import type { ResolvedOptions } from "./options.js";
import { typed } from "./proto.js";

/** Stat prefix of the listener-level local rate limiter, which never limits (upstream's name). */
const LOCAL_RATE_LIMIT_STAT_PREFIX = "http";

/** The filters only some HCMs have (a secure host's, or the plain-HTTP listener's with global settings). */
export interface OptionalHttpFilters {
  /** External authorization of every request on this HCM (routes may switch it off). */
  readonly extAuthz?: ExternalAuthorization | undefined;
  /** Filters of this host alone (a secure host's jwt_authn). */
  readonly hostFilters?: readonly HttpFilter[];
  /** Filters of this host alone that run before all others (a wildcard TLS host's 421 check). */
  readonly leadingFilters?: readonly HttpFilter[];
  /**
   * Whether the Lua filter of cookie rewrites is there (default: yes). Only an HCM that serves routes of
   * one host alone, whose routes are all known when it is built, may leave it out (see HttpConnectionManagerParams).
   */
  readonly cookieRewrite?: boolean;
}

/**
 * The HCM's HTTP filters, router last, in upstream's order: compression and the shared policy filters,
 * then a secure host's own (jwt_authn), so CORS preflights and local rate limits apply before a token
 * is asked for, then ext_authz and the global rate limit filter.
 */
export function translateHttpFilters(options: Pick<ResolvedOptions, "compression"> & Partial<Pick<ResolvedOptions, "rateLimitService">>, optional: OptionalHttpFilters = {}): HttpFilter[] {
  // The global rate limit filter only with a rate limit service, just before the router, as upstream adds it.
  const globalRateLimit = globalRateLimitFilter(options);
  return [
    ...(optional.leadingFilters ?? []),
    ...compressorFilters(options.compression),
    // Translates only requests whose content-type is application/grpc-web*: everything else passes untouched.
    create(HttpFilterSchema, { name: EnvoyExtension.grpcWeb, configType: { case: "typedConfig", value: typed(GrpcWebSchema, {}) } }),
    // gRPC request and message counts per service and method (cluster.<name>.grpc.* stats), as upstream
    // emits them; it only looks at requests whose content-type is application/grpc*.
    create(HttpFilterSchema, { name: EnvoyExtension.grpcStats, configType: { case: "typedConfig", value: typed(GrpcStatsSchema, { emitFilterState: true, enableUpstreamStats: true }) } }),
    // An empty Cors: the policy comes from each virtual host's typed_per_filter_config.
    create(HttpFilterSchema, { name: EnvoyExtension.cors, configType: { case: "typedConfig", value: typed(CorsSchema, {}) } }),
    // No token bucket: disabled here, enabled per virtual host or route.
    create(HttpFilterSchema, {
      name: EnvoyExtension.localRateLimit,
      configType: { case: "typedConfig", value: typed(LocalRateLimitSchema, { statPrefix: LOCAL_RATE_LIMIT_STAT_PREFIX }) },
    }),
    // Set-Cookie rewrites: runs only on routes naming its fixed script (upstream's place, before rbac).
    ...(optional.cookieRewrite === false ? [] : [cookieRewriteFilter()]),
    // No rules: every request passes unless a virtual host or route sets an RBACPerRoute.
    create(HttpFilterSchema, { name: EnvoyExtension.rbac, configType: { case: "typedConfig", value: typed(RBACSchema, {}) } }),
    ...(optional.hostFilters ?? []),
    ...(optional.extAuthz === undefined ? [] : [translateExtAuthzFilter(optional.extAuthz)]),
    ...(globalRateLimit === undefined ? [] : [globalRateLimit]),
    create(HttpFilterSchema, { name: EnvoyExtension.router, configType: { case: "typedConfig", value: typed(RouterSchema, {}) } }),
  ];
}
