// What a delta stream knows Envoy holds of one type, and which names may differ from what it
// should hold: a diff looks at those names alone, so a change costs what changed, not the type.
//
// Names become "dirty" when anything their wanted version depends on changes: the snapshot type
// (its per-snapshot change list, or everything when the stream missed a snapshot), the
// subscription, a NACK reverting `known`, a forced resend, and the end of make-before-break for
// resources the snapshot dropped while they were retained.
import type { TypeSnapshot } from "../cache/snapshot.js";
import type { ResourceType } from "../cache/resource-types.js";
import { addPair, digestVersion, removePair } from "../cache/type-digest.js";
import type { ServedVersion } from "./stream-view.js";
import { type Subscription, subscribes } from "./subscription.js";

/** Name → version of what Envoy has or is being sent, with the digest of those pairs kept per change. */
export interface KnownVersions {
  readonly map: ReadonlyMap<string, string>;
  /** The version string of the pairs held (the snapshot type's version when they are all of it). */
  version(): string;
  get(name: string): string | undefined;
  set(name: string, version: string): void;
  delete(name: string): void;
}

/** An empty KnownVersions. */
export function createKnownVersions(): KnownVersions {
  const map = new Map<string, string>();
  let digest = 0n;
  return {
    map,
    version: () => digestVersion(digest),
    get: (name) => map.get(name),
    set(name, version) {
      const before = map.get(name);
      if (before === version) return;
      if (before !== undefined) digest = removePair(digest, name, before);
      digest = addPair(digest, name, version);
      map.set(name, version);
    },
    delete(name) {
      const before = map.get(name);
      if (before === undefined) return;
      digest = removePair(digest, name, before);
      map.delete(name);
    },
  };
}

/** The names to look at on the next diff of a type, or every name. */
export type Dirty = Set<string> | "all";

/** What a diff found: resources to send and names to remove, both in name order. */
export interface DeltaPlan {
  readonly added: ServedVersion[];
  readonly removed: string[];
}

/** The inputs of a per-resource diff. */
export interface DiffInputs {
  readonly type: ResourceType;
  readonly source: TypeSnapshot | undefined;
  readonly subscription: Subscription;
  /** Accepted resources the snapshot dropped are kept while true (make-before-break). */
  readonly retaining: boolean;
  readonly acked: ReadonlyMap<string, ServedVersion>;
  readonly known: KnownVersions;
  readonly refused: ReadonlyMap<string, string>;
}

/** Adds names to a dirty set (nothing to do when everything is dirty already). */
export function markDirty(dirty: Dirty, names: Iterable<string>): Dirty {
  if (dirty === "all") return dirty;
  for (const name of names) dirty.add(name);
  return dirty;
}

/**
 * The names that differ between type snapshot `base` and `next`: those `next` records as changed
 * when it was derived from `base`, every name otherwise (the stream missed a snapshot).
 */
export function changesSince(base: TypeSnapshot | undefined, next: TypeSnapshot | undefined): ReadonlySet<string> | "all" {
  if (base === next) return new Set();
  if (next?.changedFrom !== undefined && base !== undefined && next.changedFrom.previous.deref() === base) return next.changedFrom.names;
  return "all";
}

/** The resource Envoy should hold under `name`, or undefined when it should hold none. */
export function wanted(inputs: DiffInputs, name: string): ServedVersion | undefined {
  const namespaced = inputs.type.namespaced;
  const current = inputs.source?.resources.get(name);
  if (current !== undefined) return subscribes(inputs.subscription, name, namespaced) ? current : undefined;
  if (!inputs.retaining) return undefined;
  const held = inputs.acked.get(name);
  return held !== undefined && subscribes(inputs.subscription, name, namespaced) ? held : undefined;
}

/** The plan that brings `known` to what Envoy should hold, looking only at `dirty` names. */
export function diffNames(inputs: DiffInputs, dirty: Dirty): DeltaPlan {
  const added: ServedVersion[] = [];
  const removed: string[] = [];
  const consider = (name: string, want: ServedVersion | undefined): void => {
    const have = inputs.known.get(name);
    if (want !== undefined) {
      // A resource known only by version (from initial_resource_versions) cannot be resent, and need not be.
      if (have !== want.version && want.any !== undefined && inputs.refused.get(name) !== want.version) added.push(want);
    } else if (have !== undefined) {
      removed.push(name);
    }
  };
  if (dirty === "all") fullDiff(inputs, consider);
  else for (const name of dirty) consider(name, wanted(inputs, name));
  // Name order, like the snapshot: replicas with equal state send byte-identical responses.
  added.sort((a, b) => byName(a.name, b.name));
  removed.sort(byName);
  return { added, removed };
}

// Every name once: what the subscription selects from the snapshot, what is retained, and what Envoy
// has beyond those (to remove). Walks the maps instead of looking each name up.
function fullDiff(inputs: DiffInputs, consider: (name: string, want: ServedVersion | undefined) => void): void {
  const { source, subscription, type } = inputs;
  const resources = source?.resources;
  const seen = (name: string): boolean => resources?.has(name) === true && subscribes(subscription, name, type.namespaced);
  if (resources !== undefined) {
    if (subscription.wildcard || type.namespaced) {
      for (const r of resources.values()) if (subscription.wildcard || subscribes(subscription, r.name, true)) consider(r.name, r);
    } else {
      for (const name of subscription.names) {
        const r = resources.get(name);
        if (r !== undefined) consider(name, r);
      }
    }
  }
  const retained = (name: string): boolean => inputs.retaining && resources?.has(name) !== true && inputs.acked.has(name) && subscribes(subscription, name, type.namespaced);
  if (inputs.retaining) for (const [name, held] of inputs.acked) if (retained(name)) consider(name, held);
  for (const name of inputs.known.map.keys()) if (!seen(name) && !retained(name)) consider(name, undefined);
}

/** The names of accepted resources the snapshot no longer has: retained until make-before-break ends. */
export function droppedNames(source: TypeSnapshot | undefined, acked: ReadonlyMap<string, ServedVersion>, candidates: Iterable<string> | "all"): string[] {
  const names: string[] = [];
  for (const name of candidates === "all" ? acked.keys() : candidates) if (acked.has(name) && source?.resources.has(name) !== true) names.push(name);
  return names;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
