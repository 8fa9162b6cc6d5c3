// The Gateway stage kept up to date change by change: HTTPRoute results are kept with the objects
// each reconcile read, so a change re-reconciles only the routes that read the changed object (or a
// Gateway whose result changed), and a change to HTTPRoutes alone patches the previous state: the
// routes' entries, the attached-route counts, the reference-counted clusters and secrets, and the
// virtual hosts of the listener chains those routes were and are on. Everything else (GatewayClasses,
// Gateways, BackendTLSPolicies, GRPC and stream routes) is few objects and is reconciled again on any
// other change, followed by a full assembly from the kept route results. The result always equals
// computeGatewayState's (gateway-incremental.test.ts checks it on random change sequences).
import type { HTTPRoute } from "../../crds/types/gateway-api/index.js";
import type { HTTPRouteResult } from "../../controllers/gateway/index.js";
import { canonicalJson } from "../../controllers/model/names.js";
import type { Cluster, GatewayEnvoyListener, GatewayListenerChain, Route, TlsSecret, VirtualHost } from "../../controllers/model/model.js";
import type { ObjectCache } from "../../controllers/source/object-cache.js";
import type { ChangeSet } from "../../controllers/store/sorted-view.js";
import { assembleGatewayState, EMPTY_GATEWAY_STATE, reconcileGatewayTop, reconcileOtherRoutes, reconcileStageHTTPRoute, stageObjects, type GatewayStageOptions, type GatewayState, type GatewayTop } from "./gateway-stage.js";

/** A changed object, as the stage is told of it. */
export interface StageKey {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** What an update changed in the stage's model parts, by name (a name in `changed` may be gone: look it up). */
export interface GatewayStageChanges {
  readonly listeners: ChangeSet;
  readonly clusters: ChangeSet;
  readonly secrets: ChangeSet;
}

/** The Gateway stage with memory of its last state. */
export interface GatewayStage {
  /** Notes a changed object of a kind the stage reads (an HTTPRoute, a Service, a Gateway, ...). */
  changed(key: StageKey): void;
  /** Whether a change waits for update(). */
  pending(): boolean;
  /** Brings the state up to date with the cache; returns it and what changed since the last update. */
  update(cache: ObjectCache): { readonly state: GatewayState; readonly changes: GatewayStageChanges };
  /** The stage's cluster of this name now, without listing them. */
  clusterOf(name: string): Cluster | undefined;
  /** The stage's Envoy listener of this name now. */
  listenerOf(name: string): GatewayEnvoyListener | undefined;
}

type RouteEntry = GatewayState["routes"][number];

const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const routeKey = (namespace: string, name: string): string => `${namespace}/${name}`;
/** The cache's list order: namespace, then name. */
const compareEntries = (a: { namespace: string; name: string }, b: { namespace: string; name: string }): number => text(a.namespace, b.namespace) || text(a.name, b.name);

/** Index in a sorted list of the first element not before `probe`. */
function lowerBound<T>(list: readonly T[], compare: (item: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A sorted list of named items with counted holders: the first holder's item stands for the name. */
class CountedNames<T extends { readonly name: string }> {
  readonly sorted: T[] = [];
  private readonly counts = new Map<string, { item: T; n: number }>();
  readonly touched = new Set<string>();
  add(item: T): void {
    const c = this.counts.get(item.name);
    if (c !== undefined) {
      c.n++;
      return;
    }
    this.counts.set(item.name, { item, n: 1 });
    this.sorted.splice(lowerBound(this.sorted, (x) => text(x.name, item.name)), 0, item);
    this.touched.add(item.name);
  }
  remove(name: string): void {
    const c = this.counts.get(name);
    if (c === undefined) return;
    if (--c.n > 0) return;
    this.counts.delete(name);
    this.sorted.splice(lowerBound(this.sorted, (x) => text(x.name, name)), 1);
    this.touched.add(name);
  }
  get(name: string): T | undefined {
    return this.counts.get(name)?.item;
  }
}

/** One HTTP or HTTPS chain: its virtual hosts by fqdn and each one's routes per contributing route. */
interface ChainIndex {
  readonly listener: string;
  readonly chain: number;
  readonly defaultFqdn: string;
  /** fqdn → route key → routes; kept in route order when a host is rebuilt. */
  readonly contributions: Map<string, Map<string, { readonly order: readonly [number, string, string]; readonly routes: readonly Route[] }>>;
  /** The chain's hosts, sorted by fqdn. */
  hosts: VirtualHost[];
}

const DEPENDENCY_WILDCARD = "*";

/** Creates an empty stage. */
export function createGatewayStage(options: GatewayStageOptions): GatewayStage {
  const pending = new Map<string, StageKey>();
  let first = true;
  let state: GatewayState = EMPTY_GATEWAY_STATE;
  let top: GatewayTop | undefined;
  let gatewayJson = new Map<string, string>();
  let policiesJson = "";
  let other: Pick<GatewayState, "grpcRoutes" | "streamRoutes"> = { grpcRoutes: [], streamRoutes: [] };
  // HTTPRoute results sorted as the cache lists them, and by key; the routes that read each object.
  let routes: RouteEntry[] = [];
  const byKey = new Map<string, RouteEntry>();
  const readers = new Map<string, Set<string>>();
  // The fast path's indexes, taken from the last full assembly (undefined: the fast path is off).
  let fast: { clusters: CountedNames<Cluster>; secrets: CountedNames<TlsSecret>; chains: Map<string, ChainIndex>; listenerByName: Map<string, number> } | undefined;
  let clusterIndex = new Map<string, Cluster>();
  let listenerIndex = new Map<string, GatewayEnvoyListener>();

  const depKey = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

  function indexReaders(key: string, result: HTTPRouteResult | undefined, delta: 1 | -1): void {
    for (const d of result?.dependencies ?? []) {
      const k = depKey(d.kind, d.namespace, d.name);
      let set = readers.get(k);
      if (delta > 0) {
        if (set === undefined) readers.set(k, (set = new Set()));
        set.add(key);
      } else {
        set?.delete(key);
        if (set?.size === 0) readers.delete(k);
      }
    }
  }

  function readersOf(key: StageKey, into: Set<string>): void {
    for (const k of [depKey(key.kind, key.namespace, key.name), depKey(key.kind, key.namespace, DEPENDENCY_WILDCARD), depKey(key.kind, DEPENDENCY_WILDCARD, DEPENDENCY_WILDCARD)]) {
      for (const r of readers.get(k) ?? []) into.add(r);
    }
  }

  function reset(): void {
    routes = [];
    byKey.clear();
    readers.clear();
    top = undefined;
    gatewayJson = new Map();
    policiesJson = "";
    other = { grpcRoutes: [], streamRoutes: [] };
    fast = undefined;
  }

  function update(cache: ObjectCache): { state: GatewayState; changes: GatewayStageChanges } {
    const objects = stageObjects(cache, options);
    const keys = [...pending.values()];
    pending.clear();
    const previous = state;
    const routeOnly = !first && top !== undefined && keys.every((k) => k.kind === "HTTPRoute");
    first = false;
    const dirty = new Set<string>();
    let all = false;
    if (!routeOnly) {
      const next = reconcileGatewayTop(objects, options);
      if (next === undefined) {
        reset();
        state = EMPTY_GATEWAY_STATE;
        return finish(previous, undefined);
      }
      // Routes read Gateways through their results: a Gateway whose result changed counts as a changed object.
      const json = new Map(next.gateways.map((g) => [routeKey(g.result.source.namespace, g.result.source.name), canonicalJson(g.result)] as const));
      for (const [k, j] of json) if (gatewayJson.get(k) !== j) keys.push(gatewayKey(k));
      for (const k of gatewayJson.keys()) if (!json.has(k)) keys.push(gatewayKey(k));
      // The BackendTLSPolicy lookup is read by every route's backends: a change to it redoes them all.
      const pj = canonicalJson(next.policies);
      all = top === undefined || pj !== policiesJson;
      gatewayJson = json;
      policiesJson = pj;
      top = next;
      other = reconcileOtherRoutes(next, options);
    }
    const current = top as GatewayTop;
    for (const k of keys) {
      if (k.kind === "HTTPRoute") dirty.add(routeKey(k.namespace, k.name));
      else readersOf(k, dirty);
    }
    if (all) {
      for (const r of current.objects.list<HTTPRoute>("HTTPRoute")) dirty.add(routeKey(r.metadata?.namespace ?? "", r.metadata?.name ?? ""));
      for (const k of byKey.keys()) dirty.add(k);
    }
    const replaced: { before: RouteEntry | undefined; after: RouteEntry | undefined }[] = [];
    for (const k of [...dirty].sort()) {
      const slash = k.indexOf("/");
      const namespace = k.slice(0, slash);
      const name = k.slice(slash + 1);
      const route = current.objects.get<HTTPRoute>("HTTPRoute", namespace, name);
      const before = byKey.get(k);
      const after = route === undefined ? undefined : { route, result: reconcileStageHTTPRoute(current, route, options) };
      if (before === undefined && after === undefined) continue;
      indexReaders(k, before?.result, -1);
      indexReaders(k, after?.result, 1);
      const at = lowerBound(routes, (e) => compareEntries(e.result.source, { namespace, name }));
      if (before !== undefined && after !== undefined) routes[at] = after;
      else if (after !== undefined) routes.splice(at, 0, after);
      else routes.splice(at, 1);
      if (after === undefined) byKey.delete(k);
      else byKey.set(k, after);
      replaced.push({ before, after });
    }
    if (routeOnly && fast !== undefined) {
      state = patch(previous, routes.slice(), replaced, fast);
      return finish(previous, fast);
    }
    state = assembleGatewayState(current, routes.slice(), other, options);
    fast = fastIndexes(state, current);
    return finish(previous, undefined);
  }

  /** The changes since `previous`: from the fast path's records, or by comparing the two states by name and identity. */
  function finish(previous: GatewayState, patched: typeof fast): { state: GatewayState; changes: GatewayStageChanges } {
    if (patched !== undefined) {
      const clusters = [...patched.clusters.touched];
      const secrets = [...patched.secrets.touched];
      patched.clusters.touched.clear();
      patched.secrets.touched.clear();
      const listeners: string[] = [];
      for (const [i, l] of state.listeners.entries()) if (previous.listeners[i] !== l) listeners.push(l.name);
      for (const l of listeners) listenerIndex.set(l, state.listeners[patched.listenerByName.get(l) ?? -1] as GatewayEnvoyListener);
      for (const c of clusters) {
        const found = patched.clusters.get(c);
        if (found === undefined) clusterIndex.delete(c);
        else clusterIndex.set(c, found);
      }
      return { state, changes: { listeners: changed(listeners), clusters: changed(clusters), secrets: changed(secrets) } };
    }
    if (fast !== undefined) {
      fast.clusters.touched.clear();
      fast.secrets.touched.clear();
    }
    clusterIndex = new Map(state.clusters.map((c) => [c.name, c] as const));
    listenerIndex = new Map(state.listeners.map((l) => [l.name, l] as const));
    return { state, changes: { listeners: diffByName(previous.listeners, state.listeners), clusters: diffByName(previous.clusters, state.clusters), secrets: diffByName(previous.secrets, state.secrets) } };
  }

  return {
    changed(key) {
      pending.set(depKey(key.kind, key.namespace, key.name), key);
    },
    pending: () => first || pending.size > 0,
    update,
    clusterOf: (name) => clusterIndex.get(name),
    listenerOf: (name) => listenerIndex.get(name),
  };
}

function gatewayKey(k: string): StageKey {
  const slash = k.indexOf("/");
  return { kind: "Gateway", namespace: k.slice(0, slash), name: k.slice(slash + 1) };
}

function changed(names: readonly string[]): ChangeSet {
  return { added: [], changed: names, removed: [] };
}

/** Names whose item was added, replaced by another object, or removed between two lists. */
function diffByName<T extends { readonly name: string }>(before: readonly T[], after: readonly T[]): ChangeSet {
  const was = new Map(before.map((x) => [x.name, x] as const));
  const names: string[] = [];
  for (const x of after) {
    if (was.get(x.name) !== x) names.push(x.name);
    was.delete(x.name);
  }
  names.push(...was.keys());
  return changed(names);
}

/** The order of a route's contribution within a host: HTTPRoutes before GRPCRoutes, then namespace and name. */
function contributionOrder(result: HTTPRouteResult): readonly [number, string, string] {
  return [result.source.kind === "GRPCRoute" ? 1 : 0, result.source.namespace, result.source.name];
}

function compareOrder(a: readonly [number, string, string], b: readonly [number, string, string]): number {
  return a[0] - b[0] || text(a[1], b[1]) || text(a[2], b[2]);
}

/**
 * The fast path's indexes of a fully assembled state, or undefined where it does not apply: with a
 * BackendTLSPolicy (its ancestors follow every route) or a Gateway presenting a backend client
 * certificate (its routes' clusters are variants), a change is assembled in full.
 */
function fastIndexes(state: GatewayState, top: GatewayTop): { clusters: CountedNames<Cluster>; secrets: CountedNames<TlsSecret>; chains: Map<string, ChainIndex>; listenerByName: Map<string, number> } | undefined {
  if (top.policies.length > 0 || state.gateways.some((g) => g.result.backendClientCertificate !== undefined)) return undefined;
  const httpResults = [...state.routes.map((r) => r.result), ...state.grpcRoutes.map((r) => r.result)];
  const clusters = new CountedNames<Cluster>();
  for (const r of httpResults) for (const c of r.clusters) clusters.add(c);
  for (const r of state.streamRoutes) for (const c of r.result.clusters) clusters.add(c);
  const secrets = new CountedNames<TlsSecret>();
  for (const g of state.gateways) for (const s of g.result.secrets) secrets.add(s);
  for (const r of httpResults) for (const s of r.secrets) secrets.add(s);
  // Both must list what the full assembly listed (a name held twice with two contents would differ).
  if (canonicalJson(clusters.sorted) !== canonicalJson(state.clusters) || canonicalJson(secrets.sorted) !== canonicalJson(state.secrets)) return undefined;
  clusters.touched.clear();
  secrets.touched.clear();
  const chains = new Map<string, ChainIndex>();
  const listenerByName = new Map<string, number>();
  state.listeners.forEach((l, i) => {
    listenerByName.set(l.name, i);
    l.chains.forEach((c, j) => {
      const defaultFqdn = c.hostname ?? "*";
      chains.set(c.key, { listener: l.name, chain: j, defaultFqdn, contributions: new Map(), hosts: [...c.virtualHosts] });
    });
  });
  for (const r of httpResults) addContributions(chains, r, undefined);
  return { clusters, secrets, chains, listenerByName };
}

/** Adds (or with `touched`, also records the hosts of) a route's virtual hosts on the indexed chains. */
function addContributions(chains: Map<string, ChainIndex>, result: HTTPRouteResult, touched: Map<string, Set<string>> | undefined): void {
  const order = contributionOrder(result);
  const key = `${order[0]}/${order[1]}/${order[2]}`;
  for (const v of result.virtualHosts) {
    const chain = chains.get(v.listener);
    if (chain === undefined) continue;
    let byRoute = chain.contributions.get(v.virtualHost.fqdn);
    if (byRoute === undefined) chain.contributions.set(v.virtualHost.fqdn, (byRoute = new Map()));
    byRoute.set(key, { order, routes: v.virtualHost.routes });
    touch(touched, v.listener, v.virtualHost.fqdn);
  }
}

function removeContributions(chains: Map<string, ChainIndex>, result: HTTPRouteResult, touched: Map<string, Set<string>>): void {
  const order = contributionOrder(result);
  const key = `${order[0]}/${order[1]}/${order[2]}`;
  for (const v of result.virtualHosts) {
    const chain = chains.get(v.listener);
    const byRoute = chain?.contributions.get(v.virtualHost.fqdn);
    if (chain === undefined || byRoute === undefined) continue;
    byRoute.delete(key);
    if (byRoute.size === 0) chain.contributions.delete(v.virtualHost.fqdn);
    touch(touched, v.listener, v.virtualHost.fqdn);
  }
}

function touch(touched: Map<string, Set<string>> | undefined, listener: string, fqdn: string): void {
  if (touched === undefined) return;
  let set = touched.get(listener);
  if (set === undefined) touched.set(listener, (set = new Set()));
  set.add(fqdn);
}

/** The previous state with some HTTPRoutes' results replaced (nothing but HTTPRoutes changed). */
function patch(previous: GatewayState, routes: RouteEntry[], replaced: readonly { before: RouteEntry | undefined; after: RouteEntry | undefined }[], fast: NonNullable<ReturnType<typeof fastIndexes>>): GatewayState {
  const attachedRoutes = new Map(previous.attachedRoutes);
  const count = (k: string, d: number): void => {
    const n = (attachedRoutes.get(k) ?? 0) + d;
    if (n > 0) attachedRoutes.set(k, n);
    else attachedRoutes.delete(k);
  };
  const touched = new Map<string, Set<string>>();
  for (const { before, after } of replaced) {
    // New holders first: a cluster both results name keeps its entry (and its object).
    if (after !== undefined) {
      for (const k of after.result.attachedListeners) count(k, 1);
      for (const c of after.result.clusters) fast.clusters.add(c);
      for (const s of after.result.secrets) fast.secrets.add(s);
    }
    if (before !== undefined) {
      for (const k of before.result.attachedListeners) count(k, -1);
      for (const c of before.result.clusters) fast.clusters.remove(c.name);
      for (const s of before.result.secrets) fast.secrets.remove(s.name);
      removeContributions(fast.chains, before.result, touched);
    }
    if (after !== undefined) addContributions(fast.chains, after.result, touched);
  }
  const listeners = [...previous.listeners];
  const newChains = new Map<number, GatewayListenerChain[]>();
  for (const [key, fqdns] of touched) {
    const chain = fast.chains.get(key);
    if (chain === undefined) continue;
    for (const fqdn of fqdns) rebuildHost(chain, fqdn);
    const at = fast.listenerByName.get(chain.listener) ?? -1;
    const l = listeners[at];
    if (l === undefined) continue;
    let chainsOf = newChains.get(at);
    if (chainsOf === undefined) newChains.set(at, (chainsOf = [...l.chains]));
    const old = chainsOf[chain.chain] as GatewayListenerChain;
    chainsOf[chain.chain] = { ...old, virtualHosts: chain.hosts.slice() };
  }
  for (const [at, chains] of newChains) listeners[at] = { ...(listeners[at] as GatewayEnvoyListener), chains };
  return {
    ...previous,
    routes,
    attachedRoutes,
    listeners: newChains.size === 0 ? previous.listeners : listeners,
    clusters: fast.clusters.touched.size === 0 ? previous.clusters : fast.clusters.sorted.slice(),
    secrets: fast.secrets.touched.size === 0 ? previous.secrets : fast.secrets.sorted.slice(),
  };
}

/** Rebuilds one host of a chain from its contributions, in route order (the default host stays, even empty). */
function rebuildHost(chain: ChainIndex, fqdn: string): void {
  const byRoute = chain.contributions.get(fqdn);
  const at = lowerBound(chain.hosts, (v) => text(v.fqdn, fqdn));
  const present = chain.hosts[at]?.fqdn === fqdn;
  if ((byRoute === undefined || byRoute.size === 0) && fqdn !== chain.defaultFqdn) {
    if (present) chain.hosts.splice(at, 1);
    return;
  }
  const parts = [...(byRoute?.values() ?? [])].sort((a, b) => compareOrder(a.order, b.order));
  const host: VirtualHost = { fqdn, routes: parts.length === 1 ? (parts[0]?.routes as readonly Route[]) : parts.flatMap((p) => p.routes) };
  if (present) chain.hosts[at] = host;
  else chain.hosts.splice(at, 0, host);
}
