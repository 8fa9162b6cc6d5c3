import type { Cluster, Model, Route, TcpProxyHost, TlsSecret, VirtualHost } from "../model/model.js";
import type { Condition, Fragment, RelatedConditions } from "./fragment.js";
import { ANY_NAME, compareKeys, compareStrings, formatKey, type ObjectKey } from "../source/object-cache.js";
import { errorCondition, finishConditions, quote, sameConditions, uniqueConditions } from "./conditions.js";
import { mergeTcpProxy, mergeVirtualHost, type Contribution, type Merged } from "./merge-virtual-host.js";
import { settleHostOwnership, type HostParty } from "./host-ownership.js";
import { routeMatchKey } from "./route-order.js";
import { createHeldResources } from "./held-resources.js";
import { createSortedView, type ChangeSet, type SortedView } from "./sorted-view.js";
import { sortInPlace } from "../model/sort.js";

/** What the merged model's lists gained, lost and changed, by name (fqdn for hosts), between two calls. */
export interface ModelChanges {
  readonly virtualHosts: ChangeSet;
  readonly tcpProxies: ChangeSet;
  readonly clusters: ChangeSet;
  readonly secrets: ChangeSet;
  /** The model's virtual host of this fqdn now (until the next put or delete), without listing the model. */
  readonly virtualHostOf?: (fqdn: string) => VirtualHost | undefined;
  /** The model's cluster of this name now (until the next put or delete). */
  readonly clusterOf?: (name: string) => Cluster | undefined;
}

/** The shared snapshot store: one fragment per source object, merged into one model on demand. */
export interface ModelStore {
  /** Replaces the fragment of a source object. */
  put(key: ObjectKey, fragment: Fragment): void;
  /** Forgets a source object; returns whether it had a fragment. */
  delete(key: ObjectKey): boolean;
  /** The merged model. The same object is returned until a put or delete changes something in it. */
  model(): Model;
  /**
   * The names of the model's virtual hosts, TCP proxies, clusters and secrets that were added,
   * replaced by another object, or removed since the last call, so that a translator can redo only
   * those. Settles the model first.
   */
  takeModelChanges(): ModelChanges;
  /** A source's conditions: its reconcile's plus what merging told it; undefined for an unknown source. */
  conditions(key: ObjectKey): readonly Condition[] | undefined;
  /** The sources whose last reconcile read an object (by its key or by its namespace's "*" key), sorted. */
  dependents(objectKey: ObjectKey): readonly ObjectKey[];
  /** The sources held, sorted. */
  sources(): readonly ObjectKey[];
  /**
   * Conditions that served sources determined for an object that is not a source itself (an
   * HTTPProxy included by roots), merged; undefined when no served source visited it (an orphan).
   */
  relatedConditions(key: ObjectKey): readonly Condition[] | undefined;
  /**
   * The keys, sources and related objects alike, whose conditions may have changed since the last
   * call (a put, a delete, or a merge that re-ran for their hosts), sorted. Settles the model first.
   */
  takeChanged(): readonly ObjectKey[];
}

/** The sub-condition type of a host conflict, as upstream's HTTPProxy status names it. */
const VIRTUAL_HOST_ERROR = "VirtualHostError";

/** A stored fragment with the indexes merging needs. */
interface Entry {
  readonly key: ObjectKey;
  readonly fragment: Fragment;
  readonly vhosts: ReadonlyMap<string, VirtualHost>;
  readonly tcpProxies: ReadonlyMap<string, TcpProxyHost>;
  readonly dependencyKeys: readonly string[];
  /** The exclusive claim, lower-cased. */
  readonly exclusive: string | undefined;
  readonly related: ReadonlyMap<string, RelatedConditions>;
}

/** Per fqdn (or name), which sources contribute, what merging made of it, and whether that is stale. */
interface Layer<T> {
  readonly contributors: Map<string, Set<string>>;
  readonly merged: Map<string, Merged<T>>;
  readonly dirty: Set<string>;
  /** The merged values that are served, sorted by fqdn. */
  readonly view: SortedView<T>;
}

/**
 * Creates an empty store. Work is incremental: a put marks the fqdns, clusters and secrets the old and
 * new fragments touch, and model() re-merges and re-decides only those, splicing them into sorted
 * lists kept from one model to the next. The result depends only on the set of (key, fragment)
 * pairs, never on the order of calls.
 */
export function createModelStore(): ModelStore {
  const entries = new Map<string, Entry>();
  const vhosts = layer<VirtualHost>();
  const tcp = layer<TcpProxyHost>();
  const clusters = createHeldResources<Cluster>();
  const secrets = createHeldResources<TlsSecret>();
  // How many served hosts and clusters refer to each secret: only referenced secrets are served.
  const secretRefs = new Map<string, number>();
  const dependencyIndex = new Map<string, Set<string>>();
  // Exclusive host claims (lower-cased fqdn → claimants) and who visited which related object.
  const claims = new Map<string, Set<string>>();
  const relatedIndex = new Map<string, Set<string>>();
  const changed = new Map<string, ObjectKey>();
  // routeMatchKey remembers each match's key.
  const matchKey = (route: Route): string => routeMatchKey(route.match);
  let cached: Model | undefined;
  // The last model handed out: returned again when a change left every list as it was.
  let previous: Model | undefined;
  let previousRevisions = "";

  /** A source that lost its exclusive claim to another: it contributes nothing at all. */
  function rejected(entry: Entry): boolean {
    return entry.exclusive !== undefined && (claims.get(entry.exclusive)?.size ?? 0) > 1;
  }

  function markChanged(entry: Entry): void {
    changed.set(formatKey(entry.key), entry.key);
    for (const r of entry.related.values()) changed.set(formatKey(r.key), r.key);
  }

  /**
   * A claim on `fqdn` came or went: every claimant's hosts are merged again, its clusters and secrets
   * decided again (it may have been refused or restored), and its status may change.
   */
  function claimChanged(fqdn: string): void {
    vhosts.dirty.add(fqdn);
    tcp.dirty.add(fqdn);
    for (const src of claims.get(fqdn) ?? []) {
      const entry = entries.get(src);
      if (entry === undefined) continue;
      for (const h of entry.vhosts.keys()) vhosts.dirty.add(h);
      for (const h of entry.tcpProxies.keys()) tcp.dirty.add(h);
      for (const c of entry.fragment.clusters) clusters.touch(c.name);
      for (const x of entry.fragment.secrets) secrets.touch(x.name);
      markChanged(entry);
    }
  }

  /** Counts the secrets a served host or cluster refers to, up (it came) or down (it went). */
  function refer(names: readonly string[], delta: 1 | -1): void {
    for (const name of names) {
      const n = (secretRefs.get(name) ?? 0) + delta;
      if (n === 0) secretRefs.delete(name);
      else secretRefs.set(name, n);
      secrets.touch(name);
    }
  }

  function add(entry: Entry): void {
    const src = formatKey(entry.key);
    entries.set(src, entry);
    for (const fqdn of entry.vhosts.keys()) contribute(vhosts, fqdn, src);
    for (const fqdn of entry.tcpProxies.keys()) contribute(tcp, fqdn, src);
    for (const c of entry.fragment.clusters) clusters.hold(c.name, src, c);
    for (const s of entry.fragment.secrets) secrets.hold(s.name, src, s);
    for (const d of entry.dependencyKeys) setIn(dependencyIndex, d).add(src);
    for (const r of entry.related.keys()) setIn(relatedIndex, r).add(src);
    if (entry.exclusive !== undefined) {
      setIn(claims, entry.exclusive).add(src);
      claimChanged(entry.exclusive);
    }
    markChanged(entry);
    cached = undefined;
  }

  function remove(src: string): Entry | undefined {
    const entry = entries.get(src);
    if (entry === undefined) return undefined;
    markChanged(entry);
    entries.delete(src);
    for (const fqdn of entry.vhosts.keys()) withdraw(vhosts, fqdn, src);
    for (const fqdn of entry.tcpProxies.keys()) withdraw(tcp, fqdn, src);
    for (const c of entry.fragment.clusters) clusters.release(c.name, src);
    for (const s of entry.fragment.secrets) secrets.release(s.name, src);
    for (const d of entry.dependencyKeys) deleteFrom(dependencyIndex, d, src);
    for (const r of entry.related.keys()) deleteFrom(relatedIndex, r, src);
    if (entry.exclusive !== undefined) {
      deleteFrom(claims, entry.exclusive, src);
      claimChanged(entry.exclusive);
    }
    cached = undefined;
    return entry;
  }

  function flush(): Model {
    if (cached !== undefined) return cached;
    refresh(vhosts, (fqdn, srcs) => mergeOwned(fqdn, srcs, (e) => e.vhosts.get(fqdn), (c) => mergeVirtualHost(fqdn, c, matchKey, ownerOf(fqdn))), (v) => tlsSecrets(v.tls));
    refresh(tcp, (fqdn, srcs) => mergeOwned(fqdn, srcs, (e) => e.tcpProxies.get(fqdn), (c) => mergeTcpProxy(fqdn, c)), (t) => tlsSecrets(t.tls));
    // A source that lost its exclusive host claim serves nothing, its clusters included.
    clusters.settle(served, undefined, (old, now) => {
      if (old?.upstreamValidation !== undefined) refer([old.upstreamValidation.caSecret], -1);
      if (now?.upstreamValidation !== undefined) refer([now.upstreamValidation.caSecret], 1);
      // The client certificate Envoy presents to the backend (tls.envoy-client-certificate).
      if (old?.clientCertificate !== undefined) refer([old.clientCertificate], -1);
      if (now?.clientCertificate !== undefined) refer([now.clientCertificate], 1);
    });
    // A TLS Secret whose host lost its TLS claim, or has no routes left, is not pushed to Envoy: it
    // would be a key in memory with no purpose.
    secrets.settle(served, (name) => secretRefs.has(name));
    // The lists are read from the views' frozen copies when first asked for: a translator that
    // follows takeModelChanges() never lists 100,000 hosts for one changed host.
    const revisions = [vhosts.view.revision(), tcp.view.revision(), clusters.view.revision(), secrets.view.revision()].join(",");
    if (previous === undefined || revisions !== previousRevisions) {
      previous = lazyModel({ virtualHosts: vhosts.view.lazyValues(), tcpProxies: tcp.view.lazyValues(), clusters: clusters.view.lazyValues(), secrets: secrets.view.lazyValues() });
      previousRevisions = revisions;
    }
    cached = previous;
    return cached;
  }

  /** The one source holding an exclusive claim on a host, by source key. */
  function ownerOf(fqdn: string): string | undefined {
    const claimants = claims.get(fqdn.toLowerCase());
    return claimants?.size === 1 ? [...claimants][0] : undefined;
  }

  function served(src: string): boolean {
    const entry = entries.get(src);
    return entry !== undefined && !rejected(entry);
  }

  /**
   * Re-merges the dirty hosts of a layer. Only the sources whose conflicts on a host changed are
   * reported as changed (a put or delete reports its own source anyway): one Ingress joining a host
   * of thousands must not make the status of every other one be looked at again.
   */
  function refresh<T>(l: Layer<T>, merge: (id: string, srcs: ReadonlySet<string>) => Merged<T>, secretsOf: (value: T) => string[]): void {
    for (const id of l.dirty) {
      const before = l.merged.get(id)?.conflicts;
      const srcs = l.contributors.get(id);
      const after = srcs === undefined ? undefined : merge(id, srcs);
      if (after === undefined) l.merged.delete(id);
      else l.merged.set(id, after);
      markConflictChanges(before, after?.conflicts);
      const old = l.view.get(id);
      if (old !== after?.value) {
        if (old !== undefined) refer(secretsOf(old), -1);
        if (after?.value !== undefined) refer(secretsOf(after.value), 1);
        l.view.set(id, after?.value);
      }
    }
    l.dirty.clear();
  }

  function markConflictChanges(before: Merged<unknown>["conflicts"] | undefined, after: Merged<unknown>["conflicts"] | undefined): void {
    const mark = (src: string): void => {
      const entry = entries.get(src);
      if (entry !== undefined) changed.set(src, entry.key);
    };
    for (const [src, list] of after ?? []) if (!sameConditions(list, before?.get(src))) mark(src);
    for (const [src, list] of before ?? []) if (after?.has(src) !== true && list.length > 0) mark(src);
  }

  /**
   * Merges one host of a layer from the sources its owners admit (see host-ownership.ts), in their
   * order; the refused sources and the owners get the ownership conditions next to merging's own.
   */
  function mergeOwned<T>(fqdn: string, srcs: ReadonlySet<string>, pick: (e: Entry) => T | undefined, merge: (c: Contribution<T>[]) => Merged<T>): Merged<T> {
    const ownership = settleHostOwnership(fqdn, partiesOf(fqdn, srcs));
    const contributions: Contribution<T>[] = [];
    for (const sourceKey of ownership.admitted) {
      const entry = entries.get(sourceKey);
      const value = entry === undefined ? undefined : pick(entry);
      if (value !== undefined) contributions.push({ sourceKey, value });
    }
    const merged = merge(contributions);
    if (ownership.conditions.size === 0) return merged;
    const conflicts = new Map<string, readonly Condition[]>(ownership.conditions);
    for (const [src, list] of merged.conflicts) conflicts.set(src, [...(conflicts.get(src) ?? []), ...list]);
    return { value: merged.value, conflicts };
  }

  /** A host's contributors and exclusive claimants; a refused claimant still owns the host. */
  function partiesOf(fqdn: string, srcs: ReadonlySet<string>): HostParty[] {
    const keys = new Set(srcs);
    for (const src of claims.get(fqdn.toLowerCase()) ?? []) keys.add(src);
    const parties: HostParty[] = [];
    for (const sourceKey of keys) {
      const entry = entries.get(sourceKey);
      if (entry !== undefined) parties.push({ sourceKey, key: entry.key, served: !rejected(entry) });
    }
    return parties;
  }

  function duplicateClaim(entry: Entry, fqdn: string): Condition[] {
    const claimants = [...(claims.get(fqdn) ?? [])]
      .flatMap((src) => entries.get(src)?.key ?? [])
      .sort(compareKeys)
      .map((k) => `${k.namespace}/${k.name}`);
    // Upstream's wording (DuplicateVhost). Nothing else is reported: the claim is settled before anything else is looked at.
    const message = `fqdn ${quote(fqdn)} is used in multiple HTTPProxies: ${claimants.join(", ")}`;
    return finishConditions([{ ...errorCondition("DuplicateVhost", message), category: VIRTUAL_HOST_ERROR }], entry.key.kind);
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

    takeModelChanges() {
      flush();
      return {
        virtualHosts: vhosts.view.takeChanges(),
        tcpProxies: tcp.view.takeChanges(),
        clusters: clusters.view.takeChanges(),
        secrets: secrets.view.takeChanges(),
        virtualHostOf: (fqdn) => vhosts.view.get(fqdn),
        clusterOf: (name) => clusters.view.get(name),
      };
    },

    conditions(key) {
      const src = formatKey(key);
      const entry = entries.get(src);
      if (entry === undefined) return undefined;
      flush();
      if (entry.exclusive !== undefined && rejected(entry)) return duplicateClaim(entry, entry.exclusive);
      const extra: Condition[] = [];
      // The claimed host too: an owner with no routes of its own there is still told of refused intruders.
      const hosts = entry.exclusive === undefined ? entry.vhosts.keys() : new Set([...entry.vhosts.keys(), entry.exclusive]);
      for (const fqdn of hosts) extra.push(...(vhosts.merged.get(fqdn)?.conflicts.get(src) ?? []));
      for (const fqdn of entry.tcpProxies.keys()) extra.push(...(tcp.merged.get(fqdn)?.conflicts.get(src) ?? []));
      if (extra.length === 0) return entry.fragment.conditions;
      return finishConditions([...entry.fragment.conditions, ...extra], entry.key.kind);
    },

    relatedConditions(key) {
      const k = formatKey(key);
      const srcs = relatedIndex.get(k);
      if (srcs === undefined) return undefined;
      const found: Condition[] = [];
      let visited = false;
      for (const src of sortInPlace([...srcs], compareStrings)) {
        const entry = entries.get(src);
        const related = entry === undefined || rejected(entry) ? undefined : entry.related.get(k);
        if (related === undefined) continue;
        visited = true;
        found.push(...related.conditions);
      }
      return visited ? finishConditions(uniqueConditions(found), key.kind) : undefined;
    },

    takeChanged() {
      flush();
      const out = [...changed.values()].sort(compareKeys);
      changed.clear();
      return out;
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


// The store keeps an entry per source, and most sources have no TCP proxies and no related objects.
const EMPTY_MAP: ReadonlyMap<string, never> = new Map<string, never>();

/** The items by key (a later item replaces an earlier one of the same key); one shared empty map for none. */
function mapBy<T>(items: readonly T[], key: (item: T) => string): ReadonlyMap<string, T> {
  return items.length === 0 ? EMPTY_MAP : new Map(items.map((item) => [key(item), item]));
}

function indexEntry(key: ObjectKey, fragment: Fragment): Entry {
  return {
    key,
    fragment,
    vhosts: mapBy(fragment.virtualHosts, (v) => v.fqdn),
    tcpProxies: mapBy(fragment.tcpProxies, (t) => t.fqdn),
    dependencyKeys: [...new Set(fragment.dependencies.map(formatKey))],
    exclusive: fragment.exclusiveFqdn?.toLowerCase(),
    related: mapBy(fragment.related ?? [], (r) => formatKey(r.key)),
  };
}

function layer<T>(): Layer<T> {
  return { contributors: new Map(), merged: new Map(), dirty: new Set(), view: createSortedView<T>() };
}

function contribute<T>(l: Layer<T>, id: string, src: string): void {
  setIn(l.contributors, id).add(src);
  l.dirty.add(id);
}

function withdraw<T>(l: Layer<T>, id: string, src: string): void {
  deleteFrom(l.contributors, id, src);
  l.dirty.add(id);
}

/** The secrets a host's TLS settings refer to. */
function tlsSecrets(tls: VirtualHost["tls"]): string[] {
  if (tls === undefined) return [];
  const names = [tls.secret, ...(tls.additionalSecrets ?? []), ...(tls.clientValidation?.caSecret !== undefined ? [tls.clientValidation.caSecret] : [])];
  // The operator's fallback certificate, served on the fallback chain for this host.
  return tls.fallbackCertificate !== undefined ? [...names, tls.fallbackCertificate] : names;
}

function setIn(m: Map<string, Set<string>>, id: string): Set<string> {
  let v = m.get(id);
  if (v === undefined) {
    v = new Set();
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

/** A model whose lists are read when first asked for (each list is of one moment, so the model is immutable). */
function lazyModel(lists: { readonly [K in keyof Required<Omit<Model, "gatewayListeners" | "globalAuthorization">>]: () => Model[K] }): Model {
  const model = {} as Record<string, unknown>;
  for (const [key, list] of Object.entries(lists)) Object.defineProperty(model, key, { enumerable: true, get: list });
  return model as unknown as Model;
}
