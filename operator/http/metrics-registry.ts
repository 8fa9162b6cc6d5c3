// The process-wide metrics registry: every component registers its contour_* metrics here.
import { Registry, collectDefaultMetrics } from "prom-client";

/**
 * A registry with Node's process metrics (CPU, memory, event-loop lag, GC) twice: prefixed contour_ (ours),
 * and unprefixed (process_cpu_seconds_total, process_resident_memory_bytes, …), the names upstream's Go
 * process collector exports and dashboards query.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "contour_" });
  collectDefaultMetrics({ register: registry });
  return registry;
}
