import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import { compareStrings, type ObjectCache, type ObjectKey, type WatchedKind } from "./object-cache.js";
import { isRelevantSecret } from "./secret-filter.js";

/** An ObjectCache held in memory and fed by the informers. */
export interface MemoryObjectCache extends ObjectCache {
  /**
   * Adds or replaces an object; kind defaults to obj.kind (list items from the API server often lack it).
   * Returns whether the cache changed: a replay of the same resourceVersion and generation does not.
   */
  insert(obj: KubernetesObject, kind?: WatchedKind): boolean;
  /** Removes an object; returns whether it was there. */
  remove(key: ObjectKey): boolean;
  /** How many objects are held, of one kind or of all. */
  size(kind?: WatchedKind): number;
}

// A Record, so that a kind added to WatchedKind cannot be forgotten here.
const WATCHED_KIND_FLAGS: Readonly<Record<WatchedKind, true>> = {
  Ingress: true,
  IngressClass: true,
  Service: true,
  EndpointSlice: true,
  Secret: true,
  Namespace: true,
  HTTPProxy: true,
  TLSCertificateDelegation: true,
  ConfigMap: true,
  GatewayClass: true,
  Gateway: true,
  ListenerSet: true,
  HTTPRoute: true,
  GRPCRoute: true,
  TLSRoute: true,
  TCPRoute: true,
  UDPRoute: true,
  ReferenceGrant: true,
  BackendTLSPolicy: true,
};
const WATCHED_KINDS: ReadonlySet<string> = new Set(Object.keys(WATCHED_KIND_FLAGS));

/** Whether a string names a kind the cache holds. */
export function isWatchedKind(kind: string | undefined): kind is WatchedKind {
  return kind !== undefined && WATCHED_KINDS.has(kind);
}

/** One kind's objects by namespace and name, with sorted views built on demand and dropped on change. */
interface KindIndex {
  readonly byNamespace: Map<string, Map<string, KubernetesObject>>;
  sortedAll: readonly KubernetesObject[] | undefined;
  readonly sortedByNamespace: Map<string, readonly KubernetesObject[]>;
  count: number;
}

/** Creates an empty in-memory object cache. */
export function createObjectCache(): MemoryObjectCache {
  const kinds = new Map<WatchedKind, KindIndex>();

  function index(kind: WatchedKind): KindIndex {
    let idx = kinds.get(kind);
    if (idx === undefined) {
      idx = { byNamespace: new Map(), sortedAll: undefined, sortedByNamespace: new Map(), count: 0 };
      kinds.set(kind, idx);
    }
    return idx;
  }

  function invalidate(idx: KindIndex, namespace: string): void {
    idx.sortedAll = undefined;
    idx.sortedByNamespace.delete(namespace);
  }

  function removeFrom(kind: WatchedKind, namespace: string, name: string): boolean {
    const idx = kinds.get(kind);
    const names = idx?.byNamespace.get(namespace);
    if (idx === undefined || names === undefined || !names.delete(name)) return false;
    if (names.size === 0) idx.byNamespace.delete(namespace);
    idx.count--;
    invalidate(idx, namespace);
    return true;
  }

  return {
    get<T extends KubernetesObject = KubernetesObject>(kind: WatchedKind, namespace: string, name: string): T | undefined {
      return kinds.get(kind)?.byNamespace.get(namespace)?.get(name) as T | undefined;
    },

    list<T extends KubernetesObject = KubernetesObject>(kind: WatchedKind, namespace?: string): readonly T[] {
      const idx = kinds.get(kind);
      if (idx === undefined) return [];
      if (namespace !== undefined) {
        let sorted = idx.sortedByNamespace.get(namespace);
        if (sorted === undefined) {
          sorted = sortByName(idx.byNamespace.get(namespace));
          idx.sortedByNamespace.set(namespace, sorted);
        }
        return sorted as readonly T[];
      }
      if (idx.sortedAll === undefined) {
        const namespaces = [...idx.byNamespace.keys()].sort(compareStrings);
        idx.sortedAll = namespaces.flatMap((ns) => sortByName(idx.byNamespace.get(ns)));
      }
      return idx.sortedAll as readonly T[];
    },

    insert(obj: KubernetesObject, kind?: WatchedKind): boolean {
      const k = kind ?? obj.kind;
      const name = obj.metadata?.name;
      if (!isWatchedKind(k) || name === undefined || name === "") return false;
      const namespace = obj.metadata?.namespace ?? "";
      // A Secret that stops being interesting (its ca.crt removed, say) must leave the cache, so that
      // whoever used it is told; one that never was interesting is simply not stored.
      if (k === "Secret" && !isRelevantSecret(obj as V1Secret)) return removeFrom(k, namespace, name);
      const idx = index(k);
      let names = idx.byNamespace.get(namespace);
      const previous = names?.get(name);
      if (previous !== undefined && sameVersion(previous, obj)) return false;
      if (names === undefined) {
        names = new Map();
        idx.byNamespace.set(namespace, names);
      }
      names.set(name, slim(obj));
      if (previous === undefined) idx.count++;
      invalidate(idx, namespace);
      return true;
    },

    remove(key: ObjectKey): boolean {
      return removeFrom(key.kind, key.namespace, key.name);
    },

    size(kind?: WatchedKind): number {
      if (kind !== undefined) return kinds.get(kind)?.count ?? 0;
      let total = 0;
      for (const idx of kinds.values()) total += idx.count;
      return total;
    },
  };
}

function sortByName(names: ReadonlyMap<string, KubernetesObject> | undefined): readonly KubernetesObject[] {
  if (names === undefined) return [];
  return [...names.keys()].sort(compareStrings).map((n) => names.get(n) as KubernetesObject);
}

/**
 * Informers replay unchanged objects on every resync; skipping them keeps resyncs from re-running
 * reconciles. Objects without a resourceVersion (test fixtures) always count as changed.
 */
function sameVersion(a: KubernetesObject, b: KubernetesObject): boolean {
  const rv = a.metadata?.resourceVersion;
  return rv !== undefined && rv === b.metadata?.resourceVersion && a.metadata?.generation === b.metadata?.generation;
}

/** managedFields are often the largest part of an object and nothing here reads them. */
function slim(obj: KubernetesObject): KubernetesObject {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
