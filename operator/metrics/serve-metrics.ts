// The upstream metrics as `contour serve` feeds them: one call per rebuild, per informer event and per
// status write, so the controller's wiring stays a few lines.
import type { Registry } from "prom-client";
import { isRootProxy } from "../../controllers/httpproxy/index.js";
import { formatKey, type ObjectKey, type WatchedKind } from "../../controllers/source/object-cache.js";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { BuildInfo } from "../build/build-info.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { WATCHED_KINDS } from "../runtime/kinds.js";
import type { StatusResult } from "../status/status-writer.js";
import { createUpstreamMetrics, type ProxyMetricsEntry } from "./upstream-metrics.js";

/** What afterBuild reads of a build: whether it was endpoints only, and which HTTPProxies may have moved. */
export interface ServeBuild {
  readonly endpointsOnly: boolean;
  readonly httpProxyStatuses: readonly { readonly key: ObjectKey }[];
  readonly reconciled: readonly { readonly key: ObjectKey }[];
}

/** The hooks `contour serve` calls. */
export interface ServeMetrics {
  /** After a build: rebuild timing (route rebuilds only), cache sizes, and the HTTPProxy gauges when a status changed. */
  afterBuild(pipeline: Pipeline, build: ServeBuild, seconds: number): void;
  /** An informer event. */
  eventHandled(event: "add" | "update" | "delete", kind: WatchedKind): void;
  /** A finished status write; kinds are the status writer's ("Ingress", "httpproxies.projectcontour.io"). */
  statusWritten(kind: string, result: StatusResult, seconds: number): void;
}

// The status writer names resources by "<plural>.<group>"; upstream's label is the Go kind.
const STATUS_KIND_NAMES: Readonly<Record<string, string>> = { "httpproxies.projectcontour.io": "HTTPProxy" };

/** Registers upstream's metrics for a `contour serve`. */
export function createServeMetrics(registry: Registry, build: BuildInfo, now: () => number = Date.now): ServeMetrics {
  const upstream = createUpstreamMetrics(registry, build);
  let proxiesCounted = false;
  return {
    afterBuild(pipeline, result, seconds) {
      if (!result.endpointsOnly) upstream.observeRebuild(seconds, now());
      upstream.setCacheObjects(Object.fromEntries(WATCHED_KINDS.map((kind) => [kind, pipeline.cache.size(kind)])));
      // The first build counts every proxy; later ones only those whose status changed or that were
      // reconciled again (a root's fqdn can change with its status unchanged).
      const keys = proxiesCounted ? changedProxyKeys(result) : pipeline.httpProxyStatuses().map((s) => s.key);
      proxiesCounted = true;
      if (keys.length > 0) upstream.updateProxies(keys.map((key) => ({ id: formatKey(key), entry: proxyEntry(pipeline, key) })));
    },
    eventHandled: (event, kind) => upstream.eventHandled(event, kind),
    statusWritten(kind, result, seconds) {
      const outcome = result === "updated" || result === "noop" || result === "conflict" ? result : result === "dropped" ? undefined : "failed";
      if (outcome !== undefined) upstream.statusUpdated(STATUS_KIND_NAMES[kind] ?? kind, outcome, seconds);
    },
  };
}

function changedProxyKeys(result: ServeBuild): ObjectKey[] {
  const keys = new Map<string, ObjectKey>();
  for (const { key } of [...result.httpProxyStatuses, ...result.reconciled]) if (key.kind === "HTTPProxy") keys.set(formatKey(key), key);
  return [...keys.values()];
}

/** A proxy's metrics entry from its computed status and its object; undefined when it has no status. */
function proxyEntry(pipeline: Pipeline, key: ObjectKey): ProxyMetricsEntry | undefined {
  const view = pipeline.httpProxyStatus(key);
  if (view === undefined) return undefined;
  const proxy = pipeline.cache.get<HTTPProxy>("HTTPProxy", key.namespace, key.name);
  const root = proxy !== undefined && isRootProxy(proxy);
  return { namespace: key.namespace, vhost: root ? (proxy.spec?.virtualhost?.fqdn ?? "") : "", root, status: view.currentStatus };
}
