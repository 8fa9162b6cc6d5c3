/**
 * Local (per-Envoy) rate limits: the typed_per_filter_config of envoy.filters.http.local_ratelimit
 * for a virtual host or a route, as upstream Contour builds it (a token bucket, enabled and enforced
 * for every request, optional response headers and status). Envoy gives each such config its own
 * bucket, shared by the worker threads; a route's config replaces its host's.
 */
import type { Any } from "@bufbuild/protobuf/wkt";
import { LocalRateLimitSchema } from "../gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb.js";
import { StatusCodeSchema } from "../gen/envoy/type/v3/http_status_pb.js";
import { FractionalPercent_DenominatorType } from "../gen/envoy/type/v3/percent_pb.js";
import type { LocalRateLimit } from "../../controllers/model/model.js";
import { headersToSet } from "./headers.js";
import { durationFromMs, typed } from "./proto.js";

/** Envoy refuses a token bucket that refills more often than this (a runtime check, not in the proto). */
export const MIN_FILL_INTERVAL_MS = 50;

const UINT32_MAX = 0xffff_ffff;

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= UINT32_MAX;
}

/** True when Envoy would accept the bucket: positive whole counts, a refill of at least 50 ms. */
export function isValidRateLimit(limit: LocalRateLimit): boolean {
  return isCount(limit.tokensPerFill) && isCount(limit.maxTokens) && Number.isFinite(limit.fillIntervalMs) && limit.fillIntervalMs >= MIN_FILL_INTERVAL_MS;
}

/** Only statuses Envoy's StatusCode enum defines are accepted (its proto validation says so). */
function isKnownStatus(code: number): boolean {
  return Number.isInteger(code) && code !== 0 && StatusCodeSchema.values.some((v) => v.number === code);
}

const ALL_REQUESTS = { defaultValue: { numerator: 100, denominator: FractionalPercent_DenominatorType.HUNDRED } };

/**
 * The LocalRateLimit config of a virtual host or route, packed, or undefined when there is no
 * limit or the bucket is one Envoy would refuse. `statPrefix` names the stats of the limiter
 * (upstream: `vhost.<fqdn>` for hosts and their routes alike).
 */
export function translateLocalRateLimit(limit: LocalRateLimit | undefined, statPrefix: string): Any | undefined {
  if (limit === undefined || !isValidRateLimit(limit)) return undefined;
  return typed(LocalRateLimitSchema, {
    statPrefix,
    tokenBucket: {
      maxTokens: limit.maxTokens,
      tokensPerFill: limit.tokensPerFill,
      fillInterval: durationFromMs(limit.fillIntervalMs),
    },
    filterEnabled: ALL_REQUESTS,
    filterEnforced: ALL_REQUESTS,
    // The values are user data: escaped so Envoy does not read `%...%` in them as a command.
    responseHeadersToAdd: headersToSet(limit.responseHeaders),
    // Without a status Envoy answers 429 (Too Many Requests).
    ...(isKnownStatus(limit.responseStatus) ? { status: { code: limit.responseStatus } } : {}),
  });
}
