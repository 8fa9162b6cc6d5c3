// The process-wide metrics registry: every component registers its contour_* metrics here.
import { Registry, collectDefaultMetrics } from "prom-client";

/** A registry with Node's process metrics (CPU, memory, event-loop lag, GC), prefixed contour_. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "contour_" });
  return registry;
}
