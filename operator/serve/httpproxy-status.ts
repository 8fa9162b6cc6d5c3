// Writes the computed status of every HTTPProxy (currentStatus, description, the Valid condition and the
// load balancer's address). Only the leader writes (the writer checks too). A write is skipped when the
// status equals what this process last wrote, or what the object in the informer cache already holds, so a
// new leader reads the API server only for objects whose status is actually out of date.
import { GROUP, HTTPPROXY_PLURAL, VERSION, type HTTPProxy, type HTTPProxyStatus } from "../../crds/index.js";
import { buildHTTPProxyStatus, type ProxyStatusView } from "../../controllers/httpproxy/index.js";
import { canonicalJson } from "../../controllers/model/names.js";
import { formatKey, type ObjectKey } from "../../controllers/source/object-cache.js";
import type { HTTPProxyStatusChange, Pipeline } from "../pipeline/pipeline.js";
import type { Clock } from "../runtime/clock.js";
import { systemClock } from "../runtime/clock.js";
import { computeIngressLoadBalancer, type IngressLoadBalancerStatus, type ServiceWithStatus, type StatusWriter } from "../status/index.js";
import { semanticEqual } from "../status/semantic-equal.js";

/** Options of createHTTPProxyStatusSync. */
export interface HTTPProxyStatusSyncOptions {
  readonly pipeline: Pipeline;
  readonly writer: StatusWriter;
  readonly isLeader: () => boolean;
  readonly statusAddresses: readonly string[];
  readonly envoyService: { readonly namespace: string; readonly name: string };
  readonly clock?: Clock;
}

/** Decides which HTTPProxy statuses to write. */
export interface HTTPProxyStatusSync {
  /** This replica became leader: forget what was written before and bring every HTTPProxy up to date. */
  startedLeading(): void;
  /** This replica lost leadership: forget what was written. */
  stoppedLeading(): void;
  /** These statuses changed in a build. */
  changed(changes: readonly HTTPProxyStatusChange[]): void;
  /** The Envoy Service may have changed: rewrite everything if the address did. */
  envoyServiceChanged(): void;
}

/** Creates the sync. */
export function createHTTPProxyStatusSync(options: HTTPProxyStatusSyncOptions): HTTPProxyStatusSync {
  const { pipeline, writer, isLeader } = options;
  const clock = options.clock ?? systemClock;
  // What this process last asked to write, per proxy: the view and the load balancer, without time.
  const written = new Map<string, string>();
  let lbJson: string | undefined;

  /** RFC 3339 in whole seconds, as metav1.Time serialises. */
  const now = (): string => new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/u, "Z");

  function loadBalancer(): IngressLoadBalancerStatus {
    const service = pipeline.cache.get<ServiceWithStatus>("Service", options.envoyService.namespace, options.envoyService.name);
    return computeIngressLoadBalancer(options.statusAddresses, service);
  }

  function write(key: ObjectKey, view: ProxyStatusView | undefined, lb: IngressLoadBalancerStatus): void {
    const k = formatKey(key);
    if (view === undefined) {
      written.delete(k);
      return;
    }
    const fingerprint = canonicalJson({ view, lb });
    if (written.get(k) === fingerprint) return;
    const cached = pipeline.cache.get<HTTPProxy>("HTTPProxy", key.namespace, key.name);
    if (cached === undefined) return;
    written.set(k, fingerprint);
    // The object as the informer last saw it already says this: nothing to write (the common case at start).
    if (semanticEqual(cached.status, buildHTTPProxyStatus(view, cached.status, lb, now()))) return;
    writer.updateCustomStatus(GROUP, VERSION, HTTPPROXY_PLURAL, key.namespace, key.name, (current) =>
      toRecord(buildHTTPProxyStatus(view, current.status as HTTPProxyStatus | undefined, lb, now())),
    );
  }

  function writeAll(): void {
    const lb = loadBalancer();
    lbJson = canonicalJson(lb);
    for (const { key, view } of pipeline.httpProxyStatuses()) write(key, view, lb);
  }

  return {
    startedLeading() {
      written.clear();
      writeAll();
    },
    stoppedLeading() {
      written.clear();
    },
    changed(changes) {
      if (!isLeader()) return;
      const lb = loadBalancer();
      lbJson = canonicalJson(lb);
      for (const { key, view } of changes) write(key, view, lb);
    },
    envoyServiceChanged() {
      if (!isLeader()) return;
      if (canonicalJson(loadBalancer()) !== lbJson) writeAll();
    },
  };
}

function toRecord(status: HTTPProxyStatus): Record<string, unknown> {
  return status as unknown as Record<string, unknown>;
}
