/**
 * Translation that follows the model's changes: the translator's outputs are kept as persistent
 * maps by name, and a change of plain-HTTP hosts, clusters, a Service's endpoints or Gateway
 * listeners (one Envoy listener per Gateway port, told by name) updates only their entries,
 * reporting what it upserted and removed for the snapshot to apply. Whatever the fast path does not
 * cover (TLS hosts, secrets, TCP proxies, names equal but for case) is translated in full, and the state is taken again from that translation. Either way the
 * resources are exactly a full translation's (translator.test.ts compares them on random changes).
 */
import type { V1EndpointSlice } from "@kubernetes/client-node";
import type { Message } from "@bufbuild/protobuf";
import type { Cluster as EnvoyCluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import type { RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import type { VirtualHost as EnvoyVirtualHost } from "../gen/envoy/config/route/v3/route_components_pb.js";
import type { Secret } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import type { Cluster, ExtensionClusterMember, GatewayEnvoyListener, Model, VirtualHost } from "../../controllers/model/model.js";
import type { ChangeSet } from "../../controllers/store/sorted-view.js";
import type { ModelChanges } from "../../controllers/store/model-store.js";
import { nameMap, type NameMap } from "../cache/name-map.js";
import { HTTP_ROUTE_CONFIG_NAME, parseEdsName, vhdsVirtualHostName } from "../names.js";
import type { EnvoyResources, ResourceListChanges, ResourceListName } from "../resources.js";
import type { TranslationFailure } from "./encode-check.js";
import type { GatewayTranslation } from "./gateway-listeners.js";
import { joinedMembersOf, translateExtensionLoadAssignment, translateLoadAssignment, type EndpointsMemo } from "./endpoints.js";
import { httpRouteConfiguration } from "./routes.js";

/** Where a translation finds a Service's EndpointSlices. */
export interface EndpointSource {
  /** The slices of one Service (the same array while they are unchanged). */
  slicesOf(namespace: string, service: string): readonly V1EndpointSlice[];
  /** Every slice, for a full translation. */
  all(): readonly V1EndpointSlice[];
}

/** What changed since the last translation, for Translator.translateChanges. */
export interface ChangedInput {
  readonly model: Model;
  /** The model `changes` are relative to; changes apply only when it is the one translated last. */
  readonly base: Model | undefined;
  readonly changes: ModelChanges;
  readonly endpoints: EndpointSource;
  /** `<namespace>/<service>` of every Service whose EndpointSlices changed. */
  readonly dirtyServices: Iterable<string>;
  /**
   * Names of the model's Gateway listeners added, replaced or removed since `base` (a name may be
   * gone: gatewayListenerOf says). Unset: none changed, unless the list itself is another one (then
   * the translation is a full one).
   */
  readonly gatewayListeners?: ChangeSet;
  /** The model's Gateway listener of this name now, without listing them. */
  readonly gatewayListenerOf?: (name: string) => GatewayEnvoyListener | undefined;
}

/** A piece as the translator memoises it: the built message, or why it could not be encoded. */
export type CheckedPiece<T> = { readonly value: T; readonly failure?: undefined } | { readonly value?: undefined; readonly failure: TranslationFailure };

/** The memoised pieces a fast translation needs from the translator. */
export interface IncrementalPieces {
  httpHost(vhost: VirtualHost): CheckedPiece<EnvoyVirtualHost>;
  vhdsHost(vhost: VirtualHost): EnvoyVirtualHost;
  cluster(cluster: Cluster): CheckedPiece<EnvoyCluster>;
  /** A Gateway port's Envoy listener and route configurations, standing or falling together. */
  gatewayListener(listener: GatewayEnvoyListener): CheckedPiece<GatewayTranslation>;
}

/** The outputs of the last translation, by name, and the indexes that let a change find its entries. */
export interface IncrementalState {
  readonly model: Model;
  readonly resources: EnvoyResources;
  readonly lists: ResourceLists;
  /** The hosts of the state-of-the-world ingress_http, by rank key ("0<fqdn>", "1*": "*" last). */
  readonly sotwHosts: NameMap<EnvoyVirtualHost>;
  /** Failures by piece and name of plain hosts and clusters (the fast path redoes these) and the rest. */
  readonly failures: Map<string, TranslationFailure>;
  readonly otherFailures: readonly TranslationFailure[];
  readonly badSecrets: ReadonlySet<string>;
  /** How many model hosts have each lower-cased fqdn: two mean a case clash, left to a full translation. */
  readonly lowerCounts: Map<string, number>;
  /** The fqdns of the model's hosts with TLS (the fast path changes none of them). */
  readonly tlsHosts: ReadonlySet<string>;
  /** The EDS name of every served cluster, how many served clusters need each, and the EDS names per Service. */
  readonly servedEds: Map<string, string>;
  readonly edsRefs: Map<string, number>;
  readonly edsOfService: Map<string, Set<string>>;
  /**
   * The members of every served ExtensionService cluster by EDS name: their Services' slices feed it,
   * never the name read as a Service's. Such clusters change rarely: a change to one is left to a
   * full translation, so these stay as seeded.
   */
  readonly extensionMembers: ReadonlyMap<string, readonly ExtensionClusterMember[]>;
  /** The Envoy listener and route configuration names each served Gateway listener produced, by its name. */
  readonly gatewayOutputs: Map<string, { readonly listeners: readonly string[]; readonly routes: readonly string[] }>;
}

/** The resource lists of a translation as persistent maps by name. */
export interface ResourceLists {
  readonly listeners: NameMap<Listener>;
  readonly routes: NameMap<RouteConfiguration>;
  readonly clusters: NameMap<EnvoyCluster>;
  readonly endpoints: NameMap<ClusterLoadAssignment>;
  readonly secrets: NameMap<Secret>;
  readonly virtualHosts: NameMap<EnvoyVirtualHost>;
  readonly deltaRoutes: NameMap<RouteConfiguration> | undefined;
}

const byName = <T extends { readonly name: string }>(list: readonly T[]): NameMap<T> => nameMap(list.map((m) => [m.name, m] as const));

/** The rank key of a host in ingress_http: every name in order, "*" after them. */
function rankKey(fqdn: string): string {
  return fqdn === "*" ? `1${fqdn}` : `0${fqdn}`;
}

function failureKey(piece: TranslationFailure["piece"], name: string): string {
  return `${piece}\0${name}`;
}

/** The failure key of a Gateway listener (its piece is a filter chain, kept apart from TLS hosts' chains). */
function gatewayFailureKey(name: string): string {
  return `gateway\0${name}`;
}

/** The element of a list sorted by `key` (code-unit order) with this key, by binary search. */
function findSorted<T>(list: readonly T[], id: string, key: (item: T) => string): T | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = key(list[mid] as T);
    if (k === id) return list[mid];
    if (k < id) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

/** The model's host of a changed fqdn: looked up in the store when it can, so the host list is never read. */
function hostOf(input: ChangedInput, fqdn: string): VirtualHost | undefined {
  const lookup = input.changes.virtualHostOf;
  return lookup !== undefined ? lookup(fqdn) : findSorted(input.model.virtualHosts, fqdn, (v) => v.fqdn);
}

const changedIds = (c: ChangeSet): string[] => [...c.added, ...c.changed, ...c.removed];
const empty = (c: ChangeSet): boolean => c.added.length + c.changed.length + c.removed.length === 0;

function serviceKey(edsName: string): string | undefined {
  const target = parseEdsName(edsName);
  return target === undefined ? undefined : `${target.namespace}/${target.service}`;
}

/**
 * The state after a full translation of `model` into `resources` (with `failures`): the maps are
 * taken from the lists, and the plain-host and cluster failures told apart by asking the memo again.
 */
export function seedState(
  model: Model,
  resources: EnvoyResources,
  failures: readonly TranslationFailure[],
  badSecrets: ReadonlySet<string>,
  pieces: IncrementalPieces,
): IncrementalState {
  const sotw = resources.routes.find((r) => r.name === HTTP_ROUTE_CONFIG_NAME);
  const byKey = new Map<string, TranslationFailure>();
  const known = new Set<TranslationFailure>();
  const lowerCounts = new Map<string, number>();
  const tlsHosts = new Set<string>();
  for (const vhost of model.virtualHosts) {
    const lower = vhost.fqdn.toLowerCase();
    lowerCounts.set(lower, (lowerCounts.get(lower) ?? 0) + 1);
    if (vhost.tls !== undefined) tlsHosts.add(vhost.fqdn);
    if (vhost.tls !== undefined || vhost.routes.length === 0) continue;
    const failure = pieces.httpHost(vhost).failure;
    if (failure !== undefined) {
      byKey.set(failureKey("virtualHost", vhost.fqdn), failure);
      known.add(failure);
    }
  }
  const servedEds = new Map<string, string>();
  const edsRefs = new Map<string, number>();
  const edsOfService = new Map<string, Set<string>>();
  const extensionMembers = new Map<string, readonly ExtensionClusterMember[]>();
  for (const c of model.clusters) {
    if (c.upstreamValidation !== undefined && badSecrets.has(c.upstreamValidation.caSecret)) continue;
    const failure = pieces.cluster(c).failure;
    if (failure !== undefined) {
      byKey.set(failureKey("cluster", c.name), failure);
      known.add(failure);
      continue;
    }
    // An ExternalName cluster resolves its name itself: it refers to no ClusterLoadAssignment.
    if (c.externalName !== undefined) continue;
    servedEds.set(c.name, c.endpoints);
    const joined = joinedMembersOf(c);
    if (joined === undefined) referEds(edsRefs, edsOfService, c.endpoints, 1);
    else {
      extensionMembers.set(c.endpoints, joined);
      edsRefs.set(c.endpoints, (edsRefs.get(c.endpoints) ?? 0) + 1);
      for (const m of joined) {
        const service = `${m.service.namespace}/${m.service.name}`;
        let names = edsOfService.get(service);
        if (names === undefined) edsOfService.set(service, (names = new Set()));
        names.add(c.endpoints);
      }
    }
  }
  const gatewayOutputs = new Map<string, { listeners: string[]; routes: string[] }>();
  for (const gl of model.gatewayListeners ?? []) {
    const built = pieces.gatewayListener(gl);
    if (built.failure !== undefined) {
      byKey.set(gatewayFailureKey(gl.name), built.failure);
      known.add(built.failure);
    } else gatewayOutputs.set(gl.name, { listeners: built.value.listeners.map((l) => l.name), routes: built.value.routes.map((r) => r.name) });
  }
  return {
    model,
    resources,
    lists: {
      listeners: byName(resources.listeners),
      routes: byName(resources.routes),
      clusters: byName(resources.clusters),
      endpoints: nameMap(resources.endpoints.map((e) => [e.clusterName, e] as const)),
      secrets: byName(resources.secrets),
      virtualHosts: byName(resources.virtualHosts ?? []),
      deltaRoutes: resources.deltaRoutes === undefined ? undefined : byName(resources.deltaRoutes),
    },
    sotwHosts: nameMap((sotw?.virtualHosts ?? []).map((v) => [rankKey(v.name), v] as const)),
    failures: byKey,
    otherFailures: failures.filter((f) => !known.has(f)),
    badSecrets,
    lowerCounts,
    tlsHosts,
    servedEds,
    edsRefs,
    edsOfService,
    extensionMembers,
    gatewayOutputs,
  };
}

function referEds(edsRefs: Map<string, number>, edsOfService: Map<string, Set<string>>, name: string, delta: 1 | -1): void {
  const n = (edsRefs.get(name) ?? 0) + delta;
  const service = serviceKey(name) ?? "";
  if (n > 0) {
    edsRefs.set(name, n);
    let names = edsOfService.get(service);
    if (names === undefined) edsOfService.set(service, (names = new Set()));
    names.add(name);
  } else {
    edsRefs.delete(name);
    const names = edsOfService.get(service);
    names?.delete(name);
    if (names?.size === 0) edsOfService.delete(service);
  }
}

/**
 * Whether the changes are the kind the fast path handles: from the model translated last, no
 * secret or TCP proxy changed, Gateway listeners changed only as named, and every changed host is
 * plain (no TLS, before or after) with a name no other host has in another case.
 */
export function canApply(state: IncrementalState | undefined, input: ChangedInput): state is IncrementalState {
  if (state === undefined || input.base !== state.model) return false;
  const { model, changes } = input;
  if (model.gatewayListeners !== state.model.gatewayListeners && input.gatewayListeners === undefined) return false;
  // The plain-HTTP listener's authorization (rare): a full translation.
  if (model.globalAuthorization !== state.model.globalAuthorization) return false;
  if (!empty(changes.secrets) || !empty(changes.tcpProxies)) return false;
  // An ExtensionService's cluster (before or after), or one sharing its EDS name: a full translation.
  for (const name of changedIds(changes.clusters)) {
    const served = state.servedEds.get(name);
    if (served !== undefined && state.extensionMembers.has(served)) return false;
    const c = changes.clusterOf !== undefined ? changes.clusterOf(name) : findSorted(model.clusters, name, (x) => x.name);
    if (c !== undefined && (joinedMembersOf(c) !== undefined || state.extensionMembers.has(c.endpoints))) return false;
  }
  const lowerDelta = new Map<string, number>();
  for (const fqdn of changes.virtualHosts.added) lowerDelta.set(fqdn.toLowerCase(), (lowerDelta.get(fqdn.toLowerCase()) ?? 0) + 1);
  for (const fqdn of changes.virtualHosts.removed) lowerDelta.set(fqdn.toLowerCase(), (lowerDelta.get(fqdn.toLowerCase()) ?? 0) - 1);
  for (const fqdn of changedIds(changes.virtualHosts)) {
    const lower = fqdn.toLowerCase();
    const before = state.lowerCounts.get(lower) ?? 0;
    if (before > 1 || before + (lowerDelta.get(lower) ?? 0) > 1) return false;
    if (state.tlsHosts.has(fqdn) || hostOf(input, fqdn)?.tls !== undefined) return false;
  }
  return true;
}

/** Applies the changes (canApply said yes): the next state, whose resources carry their changes. */
export function applyChanges(state: IncrementalState, input: ChangedInput, pieces: IncrementalPieces, endpointsMemo: EndpointsMemo): IncrementalState {
  const { model, changes } = input;
  const failures = new Map(state.failures);
  const lowerCounts = state.lowerCounts;
  const vhdsSet: [string, EnvoyVirtualHost][] = [];
  const vhdsRemoved: string[] = [];
  const sotwSet: [string, EnvoyVirtualHost][] = [];
  const sotwRemoved: string[] = [];
  for (const fqdn of changes.virtualHosts.added) lowerCounts.set(fqdn.toLowerCase(), (lowerCounts.get(fqdn.toLowerCase()) ?? 0) + 1);
  for (const fqdn of changes.virtualHosts.removed) {
    const lower = fqdn.toLowerCase();
    const n = (lowerCounts.get(lower) ?? 0) - 1;
    if (n > 0) lowerCounts.set(lower, n);
    else lowerCounts.delete(lower);
  }
  for (const fqdn of changedIds(changes.virtualHosts)) {
    const key = failureKey("virtualHost", fqdn);
    failures.delete(key);
    const vhost = hostOf(input, fqdn);
    const built = vhost === undefined || vhost.routes.length === 0 ? undefined : pieces.httpHost(vhost);
    if (built?.failure !== undefined) failures.set(key, built.failure);
    if (vhost !== undefined && built?.value !== undefined) {
      sotwSet.push([rankKey(fqdn), built.value]);
      vhdsSet.push([vhdsVirtualHostName(fqdn), pieces.vhdsHost(vhost)]);
    } else {
      sotwRemoved.push(rankKey(fqdn));
      vhdsRemoved.push(vhdsVirtualHostName(fqdn));
    }
  }

  const { servedEds, edsRefs, edsOfService } = state;
  const clusterSet: [string, EnvoyCluster][] = [];
  const clusterRemoved: string[] = [];
  const edsTouched = new Set<string>();
  for (const name of changedIds(changes.clusters)) {
    const key = failureKey("cluster", name);
    failures.delete(key);
    const oldEds = servedEds.get(name);
    if (oldEds !== undefined) {
      servedEds.delete(name);
      referEds(edsRefs, edsOfService, oldEds, -1);
      edsTouched.add(oldEds);
    }
    const c = input.changes.clusterOf !== undefined ? input.changes.clusterOf(name) : findSorted(model.clusters, name, (x) => x.name);
    const excluded = c === undefined || (c.upstreamValidation !== undefined && state.badSecrets.has(c.upstreamValidation.caSecret));
    const built = excluded ? undefined : pieces.cluster(c);
    if (built?.failure !== undefined) failures.set(key, built.failure);
    if (c !== undefined && built?.value !== undefined) {
      clusterSet.push([name, built.value]);
      if (c.externalName === undefined) {
        servedEds.set(name, c.endpoints);
        referEds(edsRefs, edsOfService, c.endpoints, 1);
        edsTouched.add(c.endpoints);
      }
    } else clusterRemoved.push(name);
  }
  for (const service of input.dirtyServices) for (const name of edsOfService.get(service) ?? []) edsTouched.add(name);
  const slicesOf = (namespace: string, service: string): readonly V1EndpointSlice[] => input.endpoints.slicesOf(namespace, service);
  const endpointSet: [string, ClusterLoadAssignment][] = [];
  const endpointRemoved: string[] = [];
  for (const name of edsTouched) {
    const members = state.extensionMembers.get(name);
    if (members !== undefined) endpointSet.push([name, translateExtensionLoadAssignment(name, members, slicesOf, endpointsMemo)]);
    else if (edsRefs.has(name)) endpointSet.push([name, translateLoadAssignment(name, slicesOf, endpointsMemo)]);
    else {
      endpointsMemo.delete(name);
      if (state.lists.endpoints.has(name)) endpointRemoved.push(name);
    }
  }

  const listenerSet: [string, Listener][] = [];
  const listenerRemoved: string[] = [];
  const routeSet: [string, RouteConfiguration][] = [];
  const routeRemoved: string[] = [];
  for (const name of input.gatewayListeners === undefined ? [] : changedIds(input.gatewayListeners)) {
    const key = gatewayFailureKey(name);
    failures.delete(key);
    const before = state.gatewayOutputs.get(name);
    if (before !== undefined) {
      listenerRemoved.push(...before.listeners);
      routeRemoved.push(...before.routes);
      state.gatewayOutputs.delete(name);
    }
    const gl = input.gatewayListenerOf !== undefined ? input.gatewayListenerOf(name) : (model.gatewayListeners ?? []).find((l) => l.name === name);
    if (gl === undefined) continue;
    const built = pieces.gatewayListener(gl);
    if (built.failure !== undefined) {
      failures.set(key, built.failure);
      continue;
    }
    for (const l of built.value.listeners) listenerSet.push([l.name, l]);
    for (const r of built.value.routes) routeSet.push([r.name, r]);
    state.gatewayOutputs.set(name, { listeners: built.value.listeners.map((l) => l.name), routes: built.value.routes.map((r) => r.name) });
  }
  const routesMoved = routeSet.length + routeRemoved.length > 0;

  const lists: ResourceLists = {
    ...state.lists,
    listeners: listenerSet.length + listenerRemoved.length === 0 ? state.lists.listeners : state.lists.listeners.update(listenerSet, listenerRemoved),
    routes: routesMoved ? state.lists.routes.update(routeSet, routeRemoved) : state.lists.routes,
    deltaRoutes: !routesMoved || state.lists.deltaRoutes === undefined ? state.lists.deltaRoutes : state.lists.deltaRoutes.update(routeSet, routeRemoved),
    virtualHosts: vhdsSet.length + vhdsRemoved.length === 0 ? state.lists.virtualHosts : state.lists.virtualHosts.update(vhdsSet, vhdsRemoved),
    clusters: clusterSet.length + clusterRemoved.length === 0 ? state.lists.clusters : state.lists.clusters.update(clusterSet, clusterRemoved),
    endpoints: endpointSet.length + endpointRemoved.length === 0 ? state.lists.endpoints : state.lists.endpoints.update(endpointSet, endpointRemoved),
  };
  const sotwHosts = sotwSet.length + sotwRemoved.length === 0 ? state.sotwHosts : state.sotwHosts.update(sotwSet, sotwRemoved);
  const listChanges: Partial<Record<ResourceListName, ResourceListChanges>> = {};
  const record = (list: ResourceListName, set: readonly (readonly [string, Message])[], removed: string[]): void => {
    if (set.length + removed.length > 0) listChanges[list] = { upserted: set.map(([, m]) => m), removed: removed.filter((n) => !set.some(([s]) => s === n)) };
  };
  record("listeners", listenerSet, listenerRemoved);
  record("routes", routeSet, routeRemoved);
  if (lists.deltaRoutes !== undefined) record("deltaRoutes", routeSet, routeRemoved);
  record("virtualHosts", vhdsSet, vhdsRemoved);
  record("clusters", clusterSet, clusterRemoved);
  record("endpoints", endpointSet, endpointRemoved);
  const unchanged = Object.keys(listChanges).length === 0 && sotwHosts === state.sotwHosts;
  const resources = unchanged ? state.resources : lazyResources(lists, sotwHosts, { from: state.resources, lists: listChanges });
  return { ...state, model, resources, lists, sotwHosts, failures };
}

/** Every failure of the state: what a full translation would report. */
export function failuresOf(state: IncrementalState): TranslationFailure[] {
  return [...state.otherFailures, ...state.failures.values()];
}

/**
 * Resource lists read from the maps when first asked for: a publish that applies the changes
 * never materialises the lists (nor the state-of-the-world ingress_http holding every host).
 */
function lazyResources(lists: ResourceLists, sotwHosts: NameMap<EnvoyVirtualHost>, changes: EnvoyResources["changes"]): EnvoyResources {
  const once = <T>(build: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= build());
  };
  const routes = once(() => [...lists.routes.values()].map((r) => (r.name === HTTP_ROUTE_CONFIG_NAME ? httpRouteConfiguration([...sotwHosts.values()]) : r)));
  const getters: Record<string, () => unknown> = {
    listeners: once(() => [...lists.listeners.values()]),
    routes,
    clusters: once(() => [...lists.clusters.values()]),
    endpoints: once(() => [...lists.endpoints.values()]),
    secrets: once(() => [...lists.secrets.values()]),
    virtualHosts: once(() => [...lists.virtualHosts.values()]),
  };
  const deltaRoutes = lists.deltaRoutes;
  if (deltaRoutes !== undefined) getters.deltaRoutes = once(() => [...deltaRoutes.values()]);
  const out = {} as Record<string, unknown>;
  for (const [key, get] of Object.entries(getters)) Object.defineProperty(out, key, { enumerable: true, get });
  Object.defineProperty(out, "changes", { enumerable: false, value: changes });
  return out as unknown as EnvoyResources;
}
