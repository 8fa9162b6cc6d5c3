// Metrics of the rebuild loop: how often, how long, and how many sources are valid.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Pipeline } from "./pipeline.js";
import type { ObjectKey } from "../../controllers/source/object-cache.js";
import { formatKey } from "../../controllers/source/object-cache.js";
import type { Condition } from "../../controllers/store/fragment.js";
import { isError } from "../../controllers/store/conditions.js";
import { HOST_OWNED_ELSEWHERE } from "../../controllers/store/host-ownership.js";

/** The rebuild loop's metrics. */
export interface PipelineMetrics {
  /** Records one build: its duration and whether only endpoints changed. */
  observeBuild(seconds: number, endpointsOnly: boolean): void;
  /** Records a snapshot refused by the consistency check. */
  observeRefusedSnapshot(): void;
  /**
   * Recounts valid and invalid sources, and the quarantined ones. Given the build's reconciled
   * sources (whose conditions may have changed), Ingresses are counted again only for those.
   */
  countSources(pipeline: Pipeline, reconciled?: readonly { readonly key: ObjectKey; readonly conditions: readonly Condition[] | undefined }[]): void;
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
  let ingressTally: IngressTally | undefined;
  return {
    observeFailedRebuild: () => failures.inc(),
    observeBuild(seconds, endpointsOnly) {
      const scope = endpointsOnly ? "endpoints" : "full";
      rebuilds.inc({ scope });
      duration.observe({ scope }, seconds);
    },
    observeRefusedSnapshot: () => refused.inc(),
    countSources(pipeline, reconciled) {
      // Per served Ingress: whether it is invalid and whether it was refused a host. Walking every
      // Ingress on each build would cost O(cluster) per change: only the reconciled ones are looked at.
      if (ingressTally === undefined || reconciled === undefined) {
        ingressTally = createIngressTally();
        for (const key of pipeline.servedIngresses()) ingressTally.set(key, pipeline.conditions(key));
      } else {
        for (const r of reconciled) if (r.key.kind === "Ingress") ingressTally.set(r.key, r.conditions);
      }
      const { valid, invalid, refused } = ingressTally.counts;
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

/** Served Ingresses by validity and refusal, kept per Ingress so that one change costs one update. */
interface IngressTally {
  /** Records an Ingress's conditions; none (or undefined) means it is not served (another class, or gone). */
  set(key: ObjectKey, conditions: readonly Condition[] | undefined): void;
  readonly counts: { valid: number; invalid: number; refused: number };
}

function createIngressTally(): IngressTally {
  const byKey = new Map<string, { invalid: boolean; refused: boolean }>();
  const counts = { valid: 0, invalid: 0, refused: 0 };
  const count = (t: { invalid: boolean; refused: boolean }, delta: 1 | -1): void => {
    if (t.invalid) counts.invalid += delta;
    else counts.valid += delta;
    if (t.refused) counts.refused += delta;
  };
  return {
    counts,
    set(key, conditions) {
      const k = formatKey(key);
      const before = byKey.get(k);
      if (before !== undefined) count(before, -1);
      if (conditions === undefined || conditions.length === 0) {
        byKey.delete(k);
        return;
      }
      const now = { invalid: conditions.some(isError), refused: conditions.some((c) => c.reason === HOST_OWNED_ELSEWHERE) };
      byKey.set(k, now);
      count(now, 1);
    },
  };
}
