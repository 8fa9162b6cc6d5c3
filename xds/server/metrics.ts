// Prometheus metrics of the xDS server (contour_xds_*).
import { Counter, Gauge, type Registry, register as defaultRegistry } from "prom-client";

/** The xDS server's metrics. */
export interface XdsMetrics {
  /** Open streams by protocol: kind = sotw | delta. */
  readonly streams: Gauge<"kind">;
  /** Responses sent, by type (secret, cluster, endpoint, listener, route). */
  readonly pushes: Counter<"type">;
  /** Protobuf bytes of the responses sent, by type (without gRPC and HTTP/2 framing). */
  readonly pushBytes: Counter<"type">;
  /** Responses Envoy rejected, by type. Any increase is a bug in translation or validation. */
  readonly nacks: Counter<"type">;
}

/**
 * The xDS metrics in `registry` (default: prom-client's global one). A metric already registered
 * there is reused, so several servers in one process (tests, restarts) share the series.
 */
export function createXdsMetrics(registry: Registry = defaultRegistry): XdsMetrics {
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;
  return {
    streams:
      existing<Gauge<"kind">>("contour_xds_streams") ??
      new Gauge({ name: "contour_xds_streams", help: "Open xDS streams, by protocol (sotw or delta).", labelNames: ["kind"], registers: [registry] }),
    pushes:
      existing<Counter<"type">>("contour_xds_pushes_total") ??
      new Counter({ name: "contour_xds_pushes_total", help: "xDS responses sent, by resource type.", labelNames: ["type"], registers: [registry] }),
    pushBytes:
      existing<Counter<"type">>("contour_xds_push_bytes_total") ??
      new Counter({ name: "contour_xds_push_bytes_total", help: "Encoded bytes of the xDS responses sent, by resource type.", labelNames: ["type"], registers: [registry] }),
    nacks:
      existing<Counter<"type">>("contour_xds_nacks_total") ??
      new Counter({ name: "contour_xds_nacks_total", help: "xDS responses Envoy rejected (NACKed), by resource type.", labelNames: ["type"], registers: [registry] }),
  };
}
