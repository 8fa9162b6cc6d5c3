// Writes the computed status of every ExtensionService (its Valid DetailedCondition). Only the leader
// writes (the writer checks too). A write is skipped when the status equals what this process last
// wrote, or what the object in the informer cache already holds, so a new leader reads the API server
// only for objects whose status is actually out of date.
import { EXTENSION_SERVICE_PLURAL, GROUP, VERSION_V1ALPHA1, type ExtensionService, type ExtensionServiceStatus } from "../../crds/index.js";
import { buildExtensionServiceStatus, type ExtensionStatusView } from "../../controllers/extension/index.js";
import { canonicalJson } from "../../controllers/model/names.js";
import { formatKey, type ObjectKey } from "../../controllers/source/object-cache.js";
import type { ExtensionStatusChange, Pipeline } from "../pipeline/pipeline.js";
import type { Clock } from "../runtime/clock.js";
import { systemClock } from "../runtime/clock.js";
import type { StatusWriter } from "../status/index.js";
import { semanticEqual } from "../status/semantic-equal.js";

/** Options of createExtensionStatusSync. */
export interface ExtensionStatusSyncOptions {
  readonly pipeline: Pick<Pipeline, "cache" | "extensionStatuses">;
  readonly writer: Pick<StatusWriter, "updateCustomStatus">;
  readonly isLeader: () => boolean;
  readonly clock?: Clock;
}

/** Decides which ExtensionService statuses to write. */
export interface ExtensionStatusSync {
  /** This replica became leader: forget what was written before and bring every ExtensionService up to date. */
  startedLeading(): void;
  /** This replica lost leadership: forget what was written. */
  stoppedLeading(): void;
  /** These ExtensionServices were reconciled in a build. */
  changed(changes: readonly ExtensionStatusChange[]): void;
}

/** Creates the sync. */
export function createExtensionStatusSync(options: ExtensionStatusSyncOptions): ExtensionStatusSync {
  const { pipeline, writer, isLeader } = options;
  const clock = options.clock ?? systemClock;
  // What this process last asked to write, per object: the view, without time.
  const written = new Map<string, string>();

  /** RFC 3339 in whole seconds, as metav1.Time serialises. */
  const now = (): string => new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/u, "Z");

  function write(key: ObjectKey, view: ExtensionStatusView | undefined): void {
    const k = formatKey(key);
    if (view === undefined) {
      written.delete(k);
      return;
    }
    const fingerprint = canonicalJson(view);
    if (written.get(k) === fingerprint) return;
    const cached = pipeline.cache.get<ExtensionService>("ExtensionService", key.namespace, key.name);
    if (cached === undefined) return;
    written.set(k, fingerprint);
    // The object as the informer last saw it already says this: nothing to write (the common case at start).
    if (semanticEqual(cached.status, buildExtensionServiceStatus(view, cached.status, now()))) return;
    writer.updateCustomStatus(GROUP, VERSION_V1ALPHA1, EXTENSION_SERVICE_PLURAL, key.namespace, key.name, (current) =>
      toRecord(buildExtensionServiceStatus(view, current.status as ExtensionServiceStatus | undefined, now())),
    );
  }

  return {
    startedLeading() {
      written.clear();
      for (const { key, view } of pipeline.extensionStatuses()) write(key, view);
    },
    stoppedLeading() {
      written.clear();
    },
    changed(changes) {
      if (!isLeader()) return;
      for (const { key, view } of changes) write(key, view);
    },
  };
}

function toRecord(status: ExtensionServiceStatus): Record<string, unknown> {
  return status as unknown as Record<string, unknown>;
}
