/**
 * Active health checking of a cluster's endpoints, as upstream Contour configures it: an HTTP GET
 * of a path (with upstream's Host and timing defaults) or a bare TCP connect. Values Envoy would
 * refuse are replaced by those defaults or, for a path it cannot send, leave the check out.
 */
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HealthCheck as EnvoyHealthCheck } from "../gen/envoy/config/core/v3/health_check_pb.js";
import { HealthCheckSchema } from "../gen/envoy/config/core/v3/health_check_pb.js";
import { CodecClientType } from "../gen/envoy/type/v3/http_pb.js";
import type { Cluster, HealthCheck } from "../../controllers/model/model.js";
import { durationFromMs } from "./proto.js";

/** Upstream Contour's defaults (internal/envoy): used for any value left at 0 or out of range. */
export const HEALTH_CHECK_DEFAULTS = {
  host: "contour-envoy-healthcheck",
  timeoutMs: 2_000,
  intervalMs: 10_000,
  unhealthyThreshold: 3,
  healthyThreshold: 2,
} as const;

/** Envoy's HTTP_HEADER_VALUE (strict) check on host and path: no control characters but tab. */
const CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001f\u007f]/;

const UINT32_MAX = 0xffff_ffff;

type HealthCheckerInit = MessageInitShape<typeof HealthCheckSchema>["healthChecker"];

function positiveMs(ms: number, fallback: number): number {
  // durationFromMs rounds: below half a millisecond would become a zero duration, which Envoy refuses.
  return Number.isFinite(ms) && ms >= 1 ? ms : fallback;
}

function threshold(n: number, fallback: number): number {
  return Number.isInteger(n) && n >= 1 && n <= UINT32_MAX ? n : fallback;
}

/** Envoy accepts a range only if 100 <= start < end <= 600; invalid ranges are dropped. */
function expectedStatuses(check: Extract<HealthCheck, { kind: "http" }>): { start: bigint; end: bigint }[] {
  return (check.expectedStatuses ?? [])
    .filter((r) => Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 100 && r.start < r.end && r.end <= 600)
    .map((r) => ({ start: BigInt(r.start), end: BigInt(r.end) }));
}

function healthChecker(cluster: Cluster, check: HealthCheck): HealthCheckerInit | undefined {
  // No payload: a completed connect is a pass.
  if (check.kind === "tcp") return { case: "tcpHealthCheck", value: {} };
  if (!check.path.startsWith("/") || CONTROL_CHARS.test(check.path)) return undefined;
  const host = check.host === "" || CONTROL_CHARS.test(check.host) ? HEALTH_CHECK_DEFAULTS.host : check.host;
  return {
    case: "httpHealthCheck",
    value: {
      path: check.path,
      host,
      expectedStatuses: expectedStatuses(check),
      // Checks speak the cluster's protocol: an HTTP/2-only upstream would refuse an HTTP/1.1 probe.
      codecClientType: cluster.protocol === "h2" || cluster.protocol === "h2c" ? CodecClientType.HTTP2 : CodecClientType.HTTP1,
    },
  };
}

/** The cluster's health checks: none, or the one its model asks for. */
export function translateHealthChecks(cluster: Cluster): EnvoyHealthCheck[] {
  const check = cluster.healthCheck;
  if (check === undefined) return [];
  const checker = healthChecker(cluster, check);
  if (checker === undefined) return [];
  const interval = durationFromMs(positiveMs(check.intervalMs, HEALTH_CHECK_DEFAULTS.intervalMs));
  return [
    create(HealthCheckSchema, {
      timeout: durationFromMs(positiveMs(check.timeoutMs, HEALTH_CHECK_DEFAULTS.timeoutMs)),
      interval,
      // Envoy's default is 60 s while a cluster gets no traffic, so a standby cluster could take a
      // minute to notice a dead endpoint, and its first requests would go there. Check idle
      // clusters as often as busy ones instead.
      noTrafficInterval: interval,
      unhealthyThreshold: threshold(check.unhealthyThreshold, HEALTH_CHECK_DEFAULTS.unhealthyThreshold),
      healthyThreshold: threshold(check.healthyThreshold, HEALTH_CHECK_DEFAULTS.healthyThreshold),
      healthChecker: checker,
    }),
  ];
}
