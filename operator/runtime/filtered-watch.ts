// A client-node Watch that applies an ObjectTransform to every event before the informer caches it, adds
// query parameters the informer does not set, and cuts watches that stay silent for too long.
import { Watch, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import type { ObjectTransform } from "./object-transforms.js";

/** Options of FilteredWatch. */
export interface FilteredWatchOptions {
  transform: ObjectTransform;
  /** Whether the informer holds this object now; decides whether a now-unwanted object becomes a delete. */
  isCached: (obj: KubernetesObject) => boolean;
  /** Server-side watch timeout per request, chosen anew for every watch. */
  timeoutSeconds: () => number;
  /** True once the informer set is stopped: no new watch is opened (client-node's informer would). */
  stopped: () => boolean;
}

// The signature of client-node's Watch callback, which types objects as any.
type WatchCallback = (phase: string, apiObj: any, watchObj?: any) => void;

/** The Watch handed to client-node's ListWatch. */
export class FilteredWatch extends Watch {
  constructor(
    kubeConfig: KubeConfig,
    private readonly options: FilteredWatchOptions,
  ) {
    super(kubeConfig);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: WatchCallback,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.options.stopped()) return new AbortController();
    const timeoutSeconds = this.options.timeoutSeconds();
    // Bookmarks keep the resourceVersion fresh on quiet kinds, so a re-watch rarely meets 410 Gone.
    const params = { ...queryParams, allowWatchBookmarks: true, timeoutSeconds };
    let ended = false;
    let watchdog: NodeJS.Timeout | undefined;
    const controller = await super.watch(path, params, (phase, obj, raw) => this.deliver(callback, phase, obj, raw), (err) => {
      ended = true;
      clearTimeout(watchdog);
      done(err);
    });
    // The server ends the watch after timeoutSeconds; if it has not, the connection is dead without a reset
    // (no FIN, no RST). Aborting surfaces as an informer error, and the informer set restarts it.
    if (!ended) {
      watchdog = setTimeout(() => controller.abort(), (timeoutSeconds + 30) * 1_000);
      watchdog.unref();
    }
    return controller;
  }

  private deliver(callback: WatchCallback, phase: string, obj: KubernetesObject, raw: unknown): void {
    const event = filterWatchEvent(phase, obj, this.options);
    callback(event.phase, event.obj, raw);
  }
}

/**
 * What the informer sees of one watch event: the transformed object; a delete when an object it holds
 * stopped qualifying; a bookmark (which only advances its resourceVersion) for an object it never held.
 */
export function filterWatchEvent(
  phase: string,
  obj: KubernetesObject,
  options: Pick<FilteredWatchOptions, "transform" | "isCached">,
): { phase: string; obj: KubernetesObject } {
  if (phase !== "ADDED" && phase !== "MODIFIED" && phase !== "DELETED") return { phase, obj };
  const resourceVersion = obj.metadata?.resourceVersion;
  const wasCached = options.isCached(obj);
  const kept = options.transform(obj);
  if (kept !== undefined) return { phase, obj: kept };
  // Only identity goes on, so an unusable Secret's data never reaches a handler.
  if (wasCached || phase === "DELETED") return { phase: "DELETED", obj: { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata } };
  return { phase: "BOOKMARK", obj: { metadata: { resourceVersion } } };
}
