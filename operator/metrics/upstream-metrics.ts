// Upstream Contour's metric names and labels (internal/metrics/metrics.go of v1.33.6), beside our own
// contour_* metrics, so upstream's dashboards and alerts keep working. Fed by small hooks from the rebuild
// loop, the informers' event handler and the status writer; nothing here reads the API server.
import { Counter, Gauge, Summary, type Registry } from "prom-client";
import type { BuildInfo } from "../build/build-info.js";

/** The percentiles upstream's summaries report, with the same error bounds. */
const UPSTREAM_PERCENTILES = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

/** One HTTPProxy as the HTTPProxy gauges count it. */
export interface ProxyMetricsEntry {
  readonly namespace: string;
  /** The root's fqdn (spec.virtualhost.fqdn); "" for a proxy that is not a root. */
  readonly vhost: string;
  readonly root: boolean;
  readonly status: "valid" | "invalid" | "orphaned";
}

/** One HTTPProxy's entry as it is now (undefined: gone), under a key that names it (e.g. namespace/name). */
export interface ProxyMetricsChange {
  readonly id: string;
  readonly entry: ProxyMetricsEntry | undefined;
}

/** The hooks that feed the upstream metrics. */
export interface UpstreamMetrics {
  /** A rebuild of routes (not an endpoints-only one): contour_dagrebuild_total, _seconds and _timestamp. */
  observeRebuild(seconds: number, nowMs: number): void;
  /** Objects in the cache by kind: contour_dag_cache_object. */
  setCacheObjects(counts: Readonly<Record<string, number>>): void;
  /**
   * HTTPProxies that came, changed or went (entry undefined), by a key of the caller's: contour_httpproxy,
   * _root, _valid, _invalid, _orphaned. Only the series of the labels they touch are written.
   */
  updateProxies(changes: Iterable<ProxyMetricsChange>): void;
  /** An informer event: contour_eventhandler_operation_total{kind, op}. */
  eventHandled(op: "add" | "update" | "delete", kind: string): void;
  /** One finished status write: contour_status_update_*. */
  statusUpdated(kind: string, outcome: "updated" | "noop" | "conflict" | "failed", seconds: number): void;
}

/** Registers upstream's metrics in `registry` and contour_build_info for `build`. */
export function createUpstreamMetrics(registry: Registry, build: BuildInfo): UpstreamMetrics {
  const registers = [registry];
  const buildInfo = new Gauge({
    name: "contour_build_info",
    help: "Build information for Contour. Labels include the branch and git SHA that Contour was built from, and the Contour version.",
    labelNames: ["branch", "revision", "version"],
    registers,
  });
  buildInfo.set({ branch: build.branch, revision: build.sha, version: build.version }, 1);

  const proxyTotal = new Gauge({ name: "contour_httpproxy", help: "Total number of HTTPProxies that exist regardless of status.", labelNames: ["namespace"], registers });
  const proxyRoot = new Gauge({ name: "contour_httpproxy_root", help: "Total number of root HTTPProxies. Note there will only be a single root HTTPProxy per vhost.", labelNames: ["namespace"], registers });
  const proxyInvalid = new Gauge({ name: "contour_httpproxy_invalid", help: "Total number of invalid HTTPProxies.", labelNames: ["namespace", "vhost"], registers });
  const proxyValid = new Gauge({ name: "contour_httpproxy_valid", help: "Total number of valid HTTPProxies.", labelNames: ["namespace", "vhost"], registers });
  const proxyOrphaned = new Gauge({ name: "contour_httpproxy_orphaned", help: "Total number of orphaned HTTPProxies which have no root delegating to them.", labelNames: ["namespace"], registers });

  const rebuildTimestamp = new Gauge({ name: "contour_dagrebuild_timestamp", help: "Timestamp of the last DAG rebuild.", registers });
  const cacheObjects = new Gauge({ name: "contour_dag_cache_object", help: "Total number of items that are currently in the DAG cache.", labelNames: ["kind"], registers });
  const rebuildTotal = new Counter({ name: "contour_dagrebuild_total", help: "Total number of times DAG has been rebuilt since startup", registers });
  const rebuildSeconds = new Summary({ name: "contour_dagrebuild_seconds", help: "Duration in seconds of DAG rebuilds", percentiles: UPSTREAM_PERCENTILES, registers });

  const events = new Counter({
    name: "contour_eventhandler_operation_total",
    help: "Total number of Kubernetes object changes Contour has received by operation and object kind.",
    labelNames: ["op", "kind"],
    registers,
  });
  const statusTotal = new Counter({ name: "contour_status_update_total", help: "Total number of status updates by object kind.", labelNames: ["kind"], registers });
  const statusSuccess = new Counter({ name: "contour_status_update_success_total", help: "Number of status updates that succeeded by object kind.", labelNames: ["kind"], registers });
  const statusNoop = new Counter({
    name: "contour_status_update_noop_total",
    help: "Number of status updates that are no-ops by object kind. This is a subset of successful status updates.",
    labelNames: ["kind"],
    registers,
  });
  const statusFailed = new Counter({ name: "contour_status_update_failed_total", help: "Number of status updates that failed by object kind.", labelNames: ["kind"], registers });
  const statusConflict = new Counter({ name: "contour_status_update_conflict_total", help: "Number of status update conflicts encountered by object kind.", labelNames: ["kind"], registers });
  const statusDuration = new Summary({
    name: "contour_status_update_duration_seconds",
    help: "How long a status update takes to finish.",
    labelNames: ["kind", "error"],
    percentiles: UPSTREAM_PERCENTILES,
    registers,
  });

  // The HTTPProxy gauges are counts kept per series and adjusted per changed proxy, so that one
  // proxy's change writes its own series instead of recounting every proxy.
  const proxyEntries = new Map<string, ProxyMetricsEntry>();
  const byNamespace = { total: new SeriesCounts(proxyTotal), root: new SeriesCounts(proxyRoot), orphaned: new SeriesCounts(proxyOrphaned) };
  const byVhost = { valid: new SeriesCounts(proxyValid), invalid: new SeriesCounts(proxyInvalid) };
  const countProxy = (p: ProxyMetricsEntry, delta: 1 | -1): void => {
    const ns = { namespace: p.namespace };
    byNamespace.total.add(ns, delta);
    if (p.root) byNamespace.root.add(ns, delta);
    if (p.status === "orphaned") byNamespace.orphaned.add(ns, delta);
    else (p.status === "valid" ? byVhost.valid : byVhost.invalid).add({ namespace: p.namespace, vhost: p.vhost }, delta);
  };
  const writeTouchedSeries = (): void => {
    for (const counts of [...Object.values(byNamespace), ...Object.values(byVhost)]) counts.writeTouched();
  };

  return {
    observeRebuild(seconds, nowMs) {
      rebuildTotal.inc();
      rebuildSeconds.observe(seconds);
      rebuildTimestamp.set(Math.floor(nowMs / 1000));
    },
    setCacheObjects(counts) {
      for (const [kind, count] of Object.entries(counts)) cacheObjects.set({ kind }, count);
    },
    updateProxies(changes) {
      for (const { id, entry } of changes) {
        const before = proxyEntries.get(id);
        if (before !== undefined) countProxy(before, -1);
        if (entry === undefined) proxyEntries.delete(id);
        else {
          proxyEntries.set(id, entry);
          countProxy(entry, 1);
        }
      }
      writeTouchedSeries();
    },
    eventHandled(op, kind) {
      events.inc({ op, kind });
    },
    statusUpdated(kind, outcome, seconds) {
      statusTotal.inc({ kind });
      const failed = outcome === "failed" || outcome === "conflict";
      if (failed) statusFailed.inc({ kind });
      else statusSuccess.inc({ kind });
      if (outcome === "noop") statusNoop.inc({ kind });
      if (outcome === "conflict") statusConflict.inc({ kind });
      statusDuration.observe({ kind, error: String(failed) }, seconds);
    },
  };
}

/**
 * Counts per label set of one gauge. Like upstream, a series whose count falls to 0 is removed, not
 * left at 0; only the series touched since the last write are written.
 */
class SeriesCounts<L extends string> {
  private readonly counts = new Map<string, { labels: Record<L, string>; count: number }>();
  private readonly touched = new Set<string>();

  constructor(private readonly gauge: Gauge<L>) {}

  add(labels: Record<L, string>, delta: number): void {
    const key = JSON.stringify(labels);
    const held = this.counts.get(key) ?? { labels, count: 0 };
    held.count += delta;
    this.counts.set(key, held);
    this.touched.add(key);
  }

  writeTouched(): void {
    for (const key of this.touched) {
      const held = this.counts.get(key);
      if (held === undefined) continue;
      if (held.count > 0) this.gauge.set(held.labels, held.count);
      else {
        this.gauge.remove(held.labels);
        this.counts.delete(key);
      }
    }
    this.touched.clear();
  }
}
