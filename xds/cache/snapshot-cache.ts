// Holds the current snapshot and tells subscribers (the xDS server's streams) when it changes.
import type { EnvoyResources, TypeUrl } from "../resources.js";
import { RESOURCE_TYPES } from "./resource-types.js";
import { createSnapshot, type Snapshot } from "./snapshot.js";

/** Called with each newly published snapshot. */
export type SnapshotListener = (snapshot: Snapshot) => void;

/** The published snapshot and its subscribers. */
export interface SnapshotCache {
  /** The snapshot being served, or undefined before the first publish (nothing is served then). */
  current(): Snapshot | undefined;
  /**
   * Builds a snapshot from `resources` (reusing encodings of unchanged message objects) and
   * publishes it. Throws InconsistentSnapshotError and keeps the current snapshot when the
   * resources are inconsistent. Returns the snapshot now current.
   */
  publish(resources: EnvoyResources): Snapshot;
  /** Publishes an already built snapshot. Subscribers are not called when its version is unchanged. */
  set(snapshot: Snapshot): void;
  /** Calls `listener` on every later publish; returns the function that unsubscribes. */
  subscribe(listener: SnapshotListener): () => void;
  /** The current version of every type, or undefined before the first publish. */
  versions(): Readonly<Record<TypeUrl, string>> | undefined;
  /** How many subscribers are attached (a leak shows up here). */
  subscriberCount(): number;
}

/** Creates an empty snapshot cache. */
export function createSnapshotCache(): SnapshotCache {
  let current: Snapshot | undefined;
  const listeners = new Set<SnapshotListener>();

  const set = (snapshot: Snapshot): void => {
    if (current?.version === snapshot.version) {
      // Keep the newer object anyway: its message objects are what the next publish compares to.
      current = snapshot;
      return;
    }
    current = snapshot;
    // A copy: a listener may unsubscribe (or subscribe another) while being notified.
    for (const listener of [...listeners]) listener(snapshot);
  };

  return {
    current: () => current,
    publish(resources) {
      set(createSnapshot(resources, { previous: current }));
      return current as Snapshot;
    },
    set,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    versions() {
      const snapshot = current;
      if (snapshot === undefined) return undefined;
      return Object.fromEntries(RESOURCE_TYPES.map((t) => [t.typeUrl, snapshot.types[t.typeUrl].version])) as Record<TypeUrl, string>;
    },
    subscriberCount: () => listeners.size,
  };
}
