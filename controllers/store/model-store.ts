import type { Cluster, Model, Route, TcpProxyHost, TlsSecret, VirtualHost } from "../model/model.js";
import type { Condition, Fragment } from "./fragment.js";
import { ANY_NAME, compareKeys, compareStrings, formatKey, type ObjectKey } from "../source/object-cache.js";
import { finishConditions } from "./conditions.js";
import { mergeTcpProxy, mergeVirtualHost, type Contribution, type Merged } from "./merge-virtual-host.js";
import { routeMatchKey } from "./route-order.js";

/** The shared snapshot store: one fragment per source object, merged into one model on demand. */
export interface ModelStore {
  /** Replaces the fragment of a source object. */
  put(key: ObjectKey, fragment: Fragment): void;
  /** Forgets a source object; returns whether it had a fragment. */
  delete(key: ObjectKey): boolean;
  /** The merged model. The same object is returned until a put or delete changes something. */
  model(): Model;
  /** A source's conditions: its reconcile's plus what merging told it; undefined for an unknown source. */
  conditions(key: ObjectKey): readonly Condition[] | undefined;
  /** The sources whose last reconcile read an object (by its key or by its namespace's "*" key), sorted. */
  dependents(objectKey: ObjectKey): readonly ObjectKey[];
  /** The sources held, sorted. */
  sources(): readonly ObjectKey[];
}

/** A stored fragment with the indexes merging needs. */
interface Entry {
  readonly key: ObjectKey;
  readonly fragment: Fragment;
  readonly vhosts: ReadonlyMap<string, VirtualHost>;
  readonly tcpProxies: ReadonlyMap<string, TcpProxyHost>;
  readonly dependencyKeys: readonly string[];
}

/** Per fqdn (or name), which sources contribute, what merging made of it, and whether that is stale. */
interface Layer<T> {
  readonly contributors: Map<string, Set<string>>;
  readonly merged: Map<string, Merged<T>>;
  readonly dirty: Set<string>;
}

/**
 * Creates an empty store. Work is incremental: a put marks the fqdns, clusters and secrets the old and
 * new fragments touch, and model() re-merges only those before assembling the sorted lists.
 * The result depends only on the set of (key, fragment) pairs, never on the order of calls.
 */
export function createModelStore(): ModelStore {
  const entries = new Map<string, Entry>();
  const vhosts = layer<VirtualHost>();
  const tcp = layer<TcpProxyHost>();
  const clusters = new Map<string, Map<string, Cluster>>();
  const secrets = new Map<string, Map<string, TlsSecret>>();
  const dependencyIndex = new Map<string, Set<string>>();
  // Match keys are canonical JSON; routes are immutable, so each is computed once per route object.
  const matchKeys = new WeakMap<Route, string>();
  const matchKey = (route: Route): string => {
    let k = matchKeys.get(route);
    if (k === undefined) {
      k = routeMatchKey(route.match);
      matchKeys.set(route, k);
    }
    return k;
  };
  let cached: Model | undefined;

  function add(entry: Entry): void {
    const src = formatKey(entry.key);
    entries.set(src, entry);
    for (const fqdn of entry.vhosts.keys()) contribute(vhosts, fqdn, src);
    for (const fqdn of entry.tcpProxies.keys()) contribute(tcp, fqdn, src);
    for (const c of entry.fragment.clusters) mapIn(clusters, c.name).set(src, c);
    for (const s of entry.fragment.secrets) mapIn(secrets, s.name).set(src, s);
    for (const d of entry.dependencyKeys) setIn(dependencyIndex, d).add(src);
    cached = undefined;
  }

  function remove(src: string): Entry | undefined {
    const entry = entries.get(src);
    if (entry === undefined) return undefined;
    entries.delete(src);
    for (const fqdn of entry.vhosts.keys()) withdraw(vhosts, fqdn, src);
    for (const fqdn of entry.tcpProxies.keys()) withdraw(tcp, fqdn, src);
    for (const c of entry.fragment.clusters) deleteFrom(clusters, c.name, src);
    for (const s of entry.fragment.secrets) deleteFrom(secrets, s.name, src);
    for (const d of entry.dependencyKeys) deleteFrom(dependencyIndex, d, src);
    cached = undefined;
    return entry;
  }

  function flush(): Model {
    if (cached !== undefined) return cached;
    refresh(vhosts, (fqdn, srcs) => mergeVirtualHost(fqdn, contributionsOf(srcs, (e) => e.vhosts.get(fqdn)), matchKey));
    refresh(tcp, (fqdn, srcs) => mergeTcpProxy(fqdn, contributionsOf(srcs, (e) => e.tcpProxies.get(fqdn))));
    const virtualHosts = mergedValues(vhosts);
    const tcpProxies = mergedValues(tcp);
    const clusterList = firstBySource(clusters);
    const referenced = referencedSecrets(virtualHosts, tcpProxies, clusterList);
    const secretList = firstBySource(secrets).filter((s) => referenced.has(s.name));
    cached = { virtualHosts, tcpProxies, clusters: clusterList, secrets: secretList };
    return cached;
  }

  function contributionsOf<T>(srcs: ReadonlySet<string>, pick: (e: Entry) => T | undefined): Contribution<T>[] {
    const out: Contribution<T>[] = [];
    for (const sourceKey of [...srcs].sort(compareStrings)) {
      const entry = entries.get(sourceKey);
      const value = entry === undefined ? undefined : pick(entry);
      if (value !== undefined) out.push({ sourceKey, value });
    }
    return out;
  }

  return {
    put(key, fragment) {
      const src = formatKey(key);
      remove(src);
      add(indexEntry({ kind: key.kind, namespace: key.namespace, name: key.name }, fragment));
    },

    delete(key) {
      return remove(formatKey(key)) !== undefined;
    },

    model: flush,

    conditions(key) {
      const src = formatKey(key);
      const entry = entries.get(src);
      if (entry === undefined) return undefined;
      flush();
      const extra: Condition[] = [];
      for (const fqdn of entry.vhosts.keys()) extra.push(...(vhosts.merged.get(fqdn)?.conflicts.get(src) ?? []));
      for (const fqdn of entry.tcpProxies.keys()) extra.push(...(tcp.merged.get(fqdn)?.conflicts.get(src) ?? []));
      if (extra.length === 0) return entry.fragment.conditions;
      return finishConditions([...entry.fragment.conditions, ...extra], entry.key.kind);
    },

    dependents(objectKey) {
      const exact = dependencyIndex.get(formatKey(objectKey)) ?? new Set<string>();
      const wildcard = dependencyIndex.get(formatKey({ ...objectKey, name: ANY_NAME })) ?? new Set<string>();
      const keys: ObjectKey[] = [];
      for (const src of new Set([...exact, ...wildcard])) {
        const entry = entries.get(src);
        if (entry !== undefined) keys.push(entry.key);
      }
      return keys.sort(compareKeys);
    },

    sources() {
      return [...entries.values()].map((e) => e.key).sort(compareKeys);
    },
  };
}

function indexEntry(key: ObjectKey, fragment: Fragment): Entry {
  return {
    key,
    fragment,
    vhosts: new Map(fragment.virtualHosts.map((v) => [v.fqdn, v])),
    tcpProxies: new Map(fragment.tcpProxies.map((t) => [t.fqdn, t])),
    dependencyKeys: [...new Set(fragment.dependencies.map(formatKey))],
  };
}

function layer<T>(): Layer<T> {
  return { contributors: new Map(), merged: new Map(), dirty: new Set() };
}

function contribute<T>(l: Layer<T>, id: string, src: string): void {
  setIn(l.contributors, id).add(src);
  l.dirty.add(id);
}

function withdraw<T>(l: Layer<T>, id: string, src: string): void {
  deleteFrom(l.contributors, id, src);
  l.dirty.add(id);
}

function refresh<T>(l: Layer<T>, merge: (id: string, srcs: ReadonlySet<string>) => Merged<T>): void {
  for (const id of l.dirty) {
    const srcs = l.contributors.get(id);
    if (srcs === undefined) l.merged.delete(id);
    else l.merged.set(id, merge(id, srcs));
  }
  l.dirty.clear();
}

function mergedValues<T>(l: Layer<T>): T[] {
  const out: T[] = [];
  for (const id of [...l.merged.keys()].sort(compareStrings)) {
    const value = l.merged.get(id)?.value;
    if (value !== undefined) out.push(value);
  }
  return out;
}

/**
 * Clusters and secrets are named after their content, so every source holding a name holds the same
 * value; the first source's copy is taken all the same, to stay deterministic should that ever break.
 */
function firstBySource<T>(byName: ReadonlyMap<string, ReadonlyMap<string, T>>): T[] {
  const out: T[] = [];
  for (const name of [...byName.keys()].sort(compareStrings)) {
    const holders = byName.get(name);
    if (holders === undefined || holders.size === 0) continue;
    let first: string | undefined;
    for (const src of holders.keys()) if (first === undefined || src < first) first = src;
    const value = first === undefined ? undefined : holders.get(first);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/**
 * Secrets actually used by what is served: a TLS Secret whose host lost its TLS claim, or has no
 * routes left, must not be pushed to Envoy (it would be a key in memory with no purpose).
 */
function referencedSecrets(vhosts: readonly VirtualHost[], tcpProxies: readonly TcpProxyHost[], clusters: readonly Cluster[]): Set<string> {
  const names = new Set<string>();
  const addTls = (tls: VirtualHost["tls"]): void => {
    if (tls === undefined) return;
    names.add(tls.secret);
    if (tls.clientValidation?.caSecret !== undefined) names.add(tls.clientValidation.caSecret);
  };
  for (const v of vhosts) addTls(v.tls);
  for (const t of tcpProxies) addTls(t.tls);
  for (const c of clusters) if (c.upstreamValidation !== undefined) names.add(c.upstreamValidation.caSecret);
  return names;
}

function setIn(m: Map<string, Set<string>>, id: string): Set<string> {
  let v = m.get(id);
  if (v === undefined) {
    v = new Set();
    m.set(id, v);
  }
  return v;
}

function mapIn<T>(m: Map<string, Map<string, T>>, id: string): Map<string, T> {
  let v = m.get(id);
  if (v === undefined) {
    v = new Map();
    m.set(id, v);
  }
  return v;
}

function deleteFrom(m: Map<string, { delete(k: string): boolean; readonly size: number }>, id: string, src: string): void {
  const v = m.get(id);
  if (v === undefined) return;
  v.delete(src);
  if (v.size === 0) m.delete(id);
}
