/**
 * Envoy's global rate limit HTTP filter (envoy.filters.http.ratelimit) for the config file's
 * rateLimitService, as upstream's GlobalRateLimitFilter builds it: the domain, fail open or closed,
 * the X-RateLimit headers, RESOURCE_EXHAUSTED for gRPC, and the rate limit service reached over
 * Envoy's gRPC client at the ExtensionService's cluster. Virtual hosts and routes add the descriptors
 * (global-rate-limit.ts); a request without any is not sent to the service.
 */
import { create } from "@bufbuild/protobuf";
import { ApiVersion } from "../gen/envoy/config/core/v3/config_source_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { HttpFilterSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { RateLimit_XRateLimitHeadersRFCVersion, RateLimitSchema } from "../gen/envoy/extensions/filters/http/ratelimit/v3/rate_limit_pb.js";
import { EnvoyExtension } from "../names.js";
import { grpcServiceOf } from "./grpc-service.js";
import type { ResolvedOptions } from "./options.js";
import { durationFromMs, typed } from "./proto.js";

/** The rate limit filter, or undefined when no rate limit service is configured (or its cluster is missing). */
export function globalRateLimitFilter(options: Partial<Pick<ResolvedOptions, "rateLimitService">>): HttpFilter | undefined {
  const rls = options.rateLimitService;
  if (rls === null || rls === undefined || rls.call === undefined) return undefined;
  const config = typed(RateLimitSchema, {
    domain: rls.domain,
    // The timeout of the whole call to the service; unset: Envoy's 20 ms (upstream leaves it unset too).
    ...(rls.call.timeoutMs === null ? {} : { timeout: durationFromMs(rls.call.timeoutMs) }),
    failureModeDeny: !rls.failOpen,
    rateLimitService: { grpcService: grpcServiceOf(rls.call), transportApiVersion: ApiVersion.V3 },
    enableXRatelimitHeaders: rls.enableXRateLimitHeaders ? RateLimit_XRateLimitHeadersRFCVersion.DRAFT_VERSION_03 : RateLimit_XRateLimitHeadersRFCVersion.OFF,
    rateLimitedAsResourceExhausted: rls.enableResourceExhaustedCode,
  });
  return create(HttpFilterSchema, { name: EnvoyExtension.globalRateLimit, configType: { case: "typedConfig", value: config } });
}
