/**
 * The HTTP filter chain every HCM carries, in the order upstream Contour uses: the response
 * compressor (unless disabled), grpc_web (gRPC-Web clients reach gRPC backends, as upstream by default), cors, then local_ratelimit, then rbac, then the router. The three policy filters are always present and do
 * nothing by default; virtual hosts and routes switch them on through typed_per_filter_config
 * under the same names. Keeping the chain fixed means adding a policy to one host changes only
 * route configuration, never the listener (a listener change drains its connections).
 *
 * Why this order: CORS first, so preflights are answered and CORS headers are added to every
 * response, including a 429 or 403 produced further down (the browser can then show the real
 * error instead of a CORS failure). Rate limiting before RBAC, as upstream, so every request
 * counts against a host's budget. The compressor first, as upstream: it compresses whatever the
 * filters after it answer too. The router last: it ends the chain by forwarding.
 */
import { create } from "@bufbuild/protobuf";
import { GrpcWebSchema } from "../gen/envoy/extensions/filters/http/grpc_web/v3/grpc_web_pb.js";
import { CorsSchema } from "../gen/envoy/extensions/filters/http/cors/v3/cors_pb.js";
import { LocalRateLimitSchema } from "../gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb.js";
import { RBACSchema } from "../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import { RouterSchema } from "../gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { HttpFilterSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { EnvoyExtension } from "../names.js";
import { compressorFilters } from "./compression.js";
import type { ResolvedOptions } from "./options.js";
import { typed } from "./proto.js";

/** Stat prefix of the listener-level local rate limiter, which never limits (upstream's name). */
const LOCAL_RATE_LIMIT_STAT_PREFIX = "http";

/**
 * The HCM's HTTP filters, router last. `hostFilters` are a secure host's own (jwt_authn): after the
 * shared policy filters, so CORS preflights and rate limits apply before a token is asked for, as upstream.
 */
export function translateHttpFilters(options: Pick<ResolvedOptions, "compression">, hostFilters: readonly HttpFilter[] = []): HttpFilter[] {
  return [
    ...compressorFilters(options.compression),
    // Translates only requests whose content-type is application/grpc-web*: everything else passes untouched.
    create(HttpFilterSchema, { name: EnvoyExtension.grpcWeb, configType: { case: "typedConfig", value: typed(GrpcWebSchema, {}) } }),
    // An empty Cors: the policy comes from each virtual host's typed_per_filter_config.
    create(HttpFilterSchema, { name: EnvoyExtension.cors, configType: { case: "typedConfig", value: typed(CorsSchema, {}) } }),
    // No token bucket: disabled here, enabled per virtual host or route.
    create(HttpFilterSchema, {
      name: EnvoyExtension.localRateLimit,
      configType: { case: "typedConfig", value: typed(LocalRateLimitSchema, { statPrefix: LOCAL_RATE_LIMIT_STAT_PREFIX }) },
    }),
    // No rules: every request passes unless a virtual host or route sets an RBACPerRoute.
    create(HttpFilterSchema, { name: EnvoyExtension.rbac, configType: { case: "typedConfig", value: typed(RBACSchema, {}) } }),
    ...hostFilters,
    create(HttpFilterSchema, { name: EnvoyExtension.router, configType: { case: "typedConfig", value: typed(RouterSchema, {}) } }),
  ];
}
