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

/** The hooks that feed the upstream metrics. */
export interface UpstreamMetrics {
  /** A rebuild of routes (not an endpoints-only one): contour_dagrebuild_total, _seconds and _timestamp. */
  observeRebuild(seconds: number, nowMs: number): void;
  /** Objects in the cache by kind: contour_dag_cache_object. */
  setCacheObjects(counts: Readonly<Record<string, number>>): void;
  /** Every HTTPProxy of this controller: contour_httpproxy, _root, _valid, _invalid, _orphaned. */
  setProxies(proxies: Iterable<ProxyMetricsEntry>): void;
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

  return {
    observeRebuild(seconds, nowMs) {
      rebuildTotal.inc();
      rebuildSeconds.observe(seconds);
      rebuildTimestamp.set(Math.floor(nowMs / 1000));
    },
    setCacheObjects(counts) {
      for (const [kind, count] of Object.entries(counts)) cacheObjects.set({ kind }, count);
    },
    setProxies(proxies) {
      const total = new Map<string, number>();
      const root = new Map<string, number>();
      const orphaned = new Map<string, number>();
      const valid = new Map<string, { namespace: string; vhost: string; count: number }>();
      const invalid = new Map<string, { namespace: string; vhost: string; count: number }>();
      const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
      const bumpVhost = (map: typeof valid, p: ProxyMetricsEntry): void => {
        const key = `${p.namespace}\u0000${p.vhost}`;
        const entry = map.get(key) ?? { namespace: p.namespace, vhost: p.vhost, count: 0 };
        entry.count++;
        map.set(key, entry);
      };
      for (const p of proxies) {
        bump(total, p.namespace);
        if (p.root) bump(root, p.namespace);
        if (p.status === "orphaned") bump(orphaned, p.namespace);
        else bumpVhost(p.status === "valid" ? valid : invalid, p);
      }
      // Like upstream, series of namespaces (and vhosts) that no longer have any are removed, not left at their last value.
      for (const [gauge, map] of [[proxyTotal, total], [proxyRoot, root], [proxyOrphaned, orphaned]] as const) {
        gauge.reset();
        for (const [namespace, count] of map) gauge.set({ namespace }, count);
      }
      for (const [gauge, map] of [[proxyValid, valid], [proxyInvalid, invalid]] as const) {
        gauge.reset();
        for (const { namespace, vhost, count } of map.values()) gauge.set({ namespace, vhost }, count);
      }
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
