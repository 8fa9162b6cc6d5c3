// What one stream should currently hold of one type: its subscription's share of the snapshot,
// plus resources retained for make-before-break.
import type { Any } from "@bufbuild/protobuf/wkt";
import { addPair, digestOf, digestVersion } from "../cache/type-digest.js";
import type { Reference } from "../cache/references.js";
import type { TypeSnapshot } from "../cache/snapshot.js";
import { type Subscription, subscribes } from "./subscription.js";

/** A resource version a stream serves or knows Envoy holds; `any` is absent when only the version is known. */
export interface ServedVersion {
  readonly name: string;
  readonly version: string;
  readonly any?: Any | undefined;
  /** What the resource needs from other types (see SnapshotResource.references). */
  readonly references?: readonly Reference[] | undefined;
}

/** The resources of one type a stream should hold, and their version (hash of the name/version pairs). */
export interface TypeView {
  readonly resources: ReadonlyMap<string, ServedVersion>;
  readonly version: string;
  /** For protocols that diff per resource: the snapshot type the view selects from, not copied. */
  readonly source?: TypeSnapshot | undefined;
  /** With `source`: whether accepted resources the snapshot dropped are kept (make-before-break). */
  readonly retaining?: boolean;
}

const EMPTY_VIEW: TypeView = { resources: new Map(), version: digestVersion(0n) };

/**
 * The resources a subscription selects from a snapshot type, plus `retained`: resources Envoy
 * accepted earlier that the snapshot no longer has, kept (with their old version) until removing
 * them is safe. A wildcard view without retention is the snapshot's own map and version (no copy).
 */
export function computeView(
  snapshot: TypeSnapshot | undefined,
  subscription: Subscription,
  retained: ReadonlyMap<string, ServedVersion> | undefined,
  namespaced = false,
): TypeView {
  if (snapshot === undefined) return EMPTY_VIEW;
  const extra: ServedVersion[] = [];
  // Retained resources are what Envoy accepted: when that is this very snapshot map (an unchanged
  // type), none can be missing from it, and the scan is skipped.
  if (retained !== undefined && retained !== snapshot.resources) {
    for (const held of retained.values()) {
      if (!snapshot.resources.has(held.name) && subscribes(subscription, held.name, namespaced)) extra.push(held);
    }
  }
  if (subscription.wildcard && extra.length === 0) return snapshot;
  const selected: ServedVersion[] = [...extra];
  if (subscription.wildcard) {
    for (const resource of snapshot.resources.values()) selected.push(resource);
  } else if (namespaced) {
    for (const resource of snapshot.resources.values()) if (subscribes(subscription, resource.name, true)) selected.push(resource);
  } else {
    for (const name of subscription.names) {
      const resource = snapshot.resources.get(name);
      if (resource !== undefined) selected.push(resource);
    }
  }
  const fromSnapshot = selected.length - extra.length;
  // Everything the snapshot has (an Envoy subscribing to every EDS name, or to the VHDS namespace
  // holding every host): the snapshot's own map, when nothing is retained besides.
  if (extra.length === 0 && fromSnapshot === snapshot.resources.size) return snapshot;
  // Name order, like the snapshot: replicas with equal state send byte-identical responses.
  selected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const resources = new Map(selected.map((r) => [r.name, r] as const));
  // The version is the snapshot's digest where the view holds all of it (one hash per retained
  // resource, not one per resource), so equal content has the snapshot's version either way.
  const digest =
    fromSnapshot === snapshot.resources.size
      ? extra.reduce((d, r) => addPair(d, r.name, r.version), snapshot.digest)
      : digestOf([...resources.values()].map((r) => [r.name, r.version] as const));
  return { resources, version: digestVersion(digest) };
}

/**
 * Memoises computeView per type on the identity of its inputs (snapshots, subscriptions and
 * retained maps are immutable), so an ACK that changes nothing costs no recomputation.
 */
export function createViewMemo(
  namespaced = false,
): (snapshot: TypeSnapshot | undefined, subscription: Subscription, retained: ReadonlyMap<string, ServedVersion> | undefined) => TypeView {
  let last: { snapshot: TypeSnapshot | undefined; subscription: Subscription; retained: unknown; view: TypeView } | undefined;
  return (snapshot, subscription, retained) => {
    if (last !== undefined && last.snapshot === snapshot && last.subscription === subscription && last.retained === retained) return last.view;
    const view = computeView(snapshot, subscription, retained, namespaced);
    last = { snapshot, subscription, retained, view };
    return view;
  };
}
