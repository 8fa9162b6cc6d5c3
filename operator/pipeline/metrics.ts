// Metrics of the rebuild loop: how often, how long, and how many sources are valid.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Pipeline } from "./pipeline.js";
import { isError } from "../../controllers/store/conditions.js";
import { HOST_OWNED_ELSEWHERE } from "../../controllers/store/host-ownership.js";

/** The rebuild loop's metrics. */
export interface PipelineMetrics {
  /** Records one build: its duration and whether only endpoints changed. */
  observeBuild(seconds: number, endpointsOnly: boolean): void;
  /** Records a snapshot refused by the consistency check. */
  observeRefusedSnapshot(): void;
  /** Recounts valid and invalid sources, and the quarantined ones. */
  countSources(pipeline: Pipeline): void;
  /** Records a rebuild that failed as a whole (the previous snapshot stays served). */
  observeFailedRebuild(): void;
}

/**
 * Registers contour_rebuilds_total, contour_rebuild_duration_seconds, contour_snapshot_refused_total,
 * contour_rebuild_failures_total, contour_sources, contour_quarantined_sources and contour_host_ownership_refusals.
 */
export function createPipelineMetrics(registry: Registry): PipelineMetrics {
  const rebuilds = new Counter({ name: "contour_rebuilds_total", help: "Model rebuilds, by scope (full or endpoints).", labelNames: ["scope"], registers: [registry] });
  const duration = new Histogram({
    name: "contour_rebuild_duration_seconds",
    help: "Time to reconcile changed objects and translate the model into Envoy resources.",
    labelNames: ["scope"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const refused = new Counter({ name: "contour_snapshot_refused_total", help: "Snapshots refused by the consistency check (the previous one stays served).", registers: [registry] });
  const sources = new Gauge({ name: "contour_sources", help: "Source objects this controller serves, by kind and validity (HTTPProxy: valid, invalid or orphaned).", labelNames: ["kind", "validity"], registers: [registry] });
  // Ingresses have no status conditions to show a refusal in: the log line and this gauge are what there is.
  const refusals = new Gauge({
    name: "contour_host_ownership_refusals",
    help: "Sources refused on at least one host because a source of another namespace owns it (an Ingress on an HTTPProxy root's fqdn), by kind.",
    labelNames: ["kind"],
    registers: [registry],
  });
  const failures = new Counter({ name: "contour_rebuild_failures_total", help: "Rebuilds that failed as a whole (the previous snapshot stays served); any increase is a bug.", registers: [registry] });
  const quarantined = new Gauge({
    name: "contour_quarantined_sources",
    help: "Source objects whose contribution is left out because it could not be encoded (cause=encode) or Envoy rejected it (cause=nack), by kind.",
    labelNames: ["kind", "cause"],
    registers: [registry],
  });
  return {
    observeFailedRebuild: () => failures.inc(),
    observeBuild(seconds, endpointsOnly) {
      const scope = endpointsOnly ? "endpoints" : "full";
      rebuilds.inc({ scope });
      duration.observe({ scope }, seconds);
    },
    observeRefusedSnapshot: () => refused.inc(),
    countSources(pipeline) {
      let valid = 0;
      let invalid = 0;
      let refused = 0;
      for (const key of pipeline.servedIngresses()) {
        const conditions = pipeline.conditions(key) ?? [];
        if (conditions.some(isError)) invalid++;
        else valid++;
        if (conditions.some((c) => c.reason === HOST_OWNED_ELSEWHERE)) refused++;
      }
      refusals.set({ kind: "Ingress" }, refused);
      sources.set({ kind: "Ingress", validity: "valid" }, valid);
      sources.set({ kind: "Ingress", validity: "invalid" }, invalid);
      // Kept up to date incrementally by the pipeline: no walk over every HTTPProxy here.
      for (const [validity, count] of Object.entries(pipeline.httpProxyCounts())) sources.set({ kind: "HTTPProxy", validity }, count);
      const held = new Map<string, { kind: string; cause: string; n: number }>();
      for (const kind of ["Ingress", "HTTPProxy"]) for (const cause of ["encode", "nack"]) held.set(`${kind} ${cause}`, { kind, cause, n: 0 });
      for (const q of pipeline.quarantined()) {
        const entry = held.get(`${q.key.kind} ${q.cause}`);
        if (entry !== undefined) entry.n++;
      }
      for (const { kind, cause, n } of held.values()) quarantined.set({ kind, cause }, n);
    },
  };
}
