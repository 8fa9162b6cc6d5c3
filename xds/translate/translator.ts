/**
 * A translator that remembers what it built: translating the next model reuses the Envoy message of
 * every model object (cluster, secret, host) and every endpoint set that did not change, so a change
 * to one of 10,000 Ingresses builds a handful of messages instead of 10,000, and the snapshot cache,
 * which reuses the encoding of a message it has seen, encodes and hashes only those. The output is
 * exactly translateModel's: the memo changes the cost, never the result.
 */
import type { V1EndpointSlice } from "@kubernetes/client-node";
import type { DescMessage, Message } from "@bufbuild/protobuf";
import { ClusterSchema, type Cluster as EnvoyCluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { FilterChainSchema, type FilterChain } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { ListenerSchema, type Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../gen/envoy/config/route/v3/route_pb.js";
import { translateGatewayHost, translateGatewayListener, type GatewayTranslation } from "./gateway-listeners.js";
import { VirtualHostSchema, type VirtualHost as EnvoyVirtualHost } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { SecretSchema, type Secret } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import type { Cluster, GatewayEnvoyListener, Model, TcpProxyHost, TlsSecret, VirtualHost, VirtualHostTls } from "../../controllers/model/model.js";
import { sortRoutes } from "../../controllers/store/route-order.js";
import type { EnvoyResources } from "../resources.js";
import { translateCluster, translateClusters } from "./clusters.js";
import { dnsNameClustersOf, translateDnsNameCluster } from "./jwt-authn.js";
import { edsNamesOf, extensionMembersOf, translateEndpoints, type EndpointsMemo } from "./endpoints.js";
import { isSecureHost, type SecureVirtualHost } from "./hosts.js";
import { secureHostChain, translateHttpListener, translateHttpsListener } from "./listeners.js";
import { resolveOptions, type ResolvedOptions, type TranslateOptions } from "./options.js";
import { resolveExtensionCalls, type ClusterLookup } from "./extension-calls.js";
import { compareStrings } from "./proto.js";
import { translateRouteConfigs, translateVhds, translateVirtualHost, vhdsVirtualHost } from "./routes.js";
import { translateSecret, translateSecrets } from "./secrets.js";
import { translateTcpProxyChain } from "./tcp-proxy.js";
import { encodeError, encodeErrorRemembering, uniqueSources, type TranslationFailure } from "./encode-check.js";
import { failRebuildIfAsked, plantFaults, type TestFaults } from "./test-faults.js";
import { applyChanges, canApply, failuresOf, seedState, type ChangedInput, type IncrementalPieces, type IncrementalState } from "./incremental.js";

/** A translation and the pieces it had to leave out because they cannot be encoded. */
export interface CheckedTranslation {
  /** Every resource, less the failed pieces: always encodable. */
  readonly resources: EnvoyResources;
  /** The pieces left out, each naming its sources where the model says; empty for a sound model. */
  readonly failures: readonly TranslationFailure[];
}

/** Options of createTranslator besides the translation settings. */
export interface TranslatorOptions {
  /** Test only: faults to plant below validation (see test-faults.ts). */
  readonly testFaults?: TestFaults | undefined;
}

/** Translation with memory of the previous run. */
export interface Translator {
  /** Everything: the same result as translateModel(model, endpoints, options) when every piece encodes. */
  translate(model: Model, endpoints: readonly V1EndpointSlice[]): EnvoyResources;
  /**
   * Everything, with each virtual host, filter chain, cluster and secret checked to encode as it is
   * built: one that does not is left out (with what needs it: a TLS host's chain goes with its
   * routes) and reported, so one object's bad value never fails the resources others share.
   */
  translateChecked(model: Model, endpoints: readonly V1EndpointSlice[]): CheckedTranslation;
  /**
   * translateChecked for a model of which the caller says what changed since the model it passed
   * last (and which Services' EndpointSlices changed): plain-HTTP hosts, clusters and endpoints are
   * updated one by one and the resources say what changed (`changes`) for the snapshot; anything
   * else is translated in full. The result is always translateChecked's.
   */
  translateChanges(input: ChangedInput): CheckedTranslation;
  /** Only the ClusterLoadAssignments, for a change that touched nothing but EndpointSlices. */
  translateEndpoints(model: Model, endpoints: readonly V1EndpointSlice[]): ClusterLoadAssignment[];
}

// Model objects are immutable and the store hands out the same object while it is unchanged, so
// identity is a sound key; WeakMaps let replaced objects and their messages be collected.
function memoize<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = fn(key);
      memo.set(key, value);
    }
    return value;
  };
}

/** A translated piece, or why it could not be encoded. */
type Checked<T> = { readonly value: T; readonly failure?: undefined } | { readonly value?: undefined; readonly failure: TranslationFailure };

/**
 * Builds a piece and checks that it encodes; typed configs (Any) are encoded while building, so both
 * can fail. A piece served as it is (a cluster, a secret) keeps its encoding for the snapshot
 * (`remember`); `served` is the message the snapshot serves for it, checked in its place, when the
 * two differ only by a name (a plain-HTTP host and its VHDS resource).
 */
function attempt<T extends Message>(
  schema: DescMessage,
  build: () => T,
  failure: (message: string) => TranslationFailure,
  remember: { readonly served?: (value: T) => Message } | undefined = undefined,
): Checked<T> {
  let value: T;
  try {
    value = build();
  } catch (err) {
    return { failure: failure(err instanceof Error ? err.message : String(err)) };
  }
  const error = remember === undefined ? encodeError(schema, value as never) : encodeErrorRemembering(schema, (remember.served?.(value) ?? value) as never);
  return error === undefined ? { value } : { failure: failure(error) };
}

/** The routes of a host that fail to encode alone name the sources to blame; else every route's source is. */
function hostFailure(vhost: VirtualHost, listener: "http" | "https", error: string): TranslationFailure {
  const routes = sortRoutes(vhost.routes);
  // Each route alone (as its own host) is built and encoded again: only a failure tells which.
  const failing = routes.filter((route) => {
    try {
      return encodeError(VirtualHostSchema, translateVirtualHost({ ...vhost, routes: [route] }, listener)) !== undefined;
    } catch {
      return true;
    }
  });
  const blamed = failing.length > 0 ? failing : routes;
  return { piece: "virtualHost", name: vhost.fqdn, sources: uniqueSources(blamed.map((r) => r.source)), message: error };
}

/**
 * Creates a translator for fixed options. The HCM's calls to ExtensionServices (rate limit service,
 * trace collector) depend on the model's extension clusters: when what they resolve to changes, every
 * memo is dropped, since each listener and filter chain carries them.
 */
export function createTranslator(options: TranslateOptions = {}, extra: TranslatorOptions = {}): Translator {
  const base = resolveOptions(options);
  let callsKey: string | undefined;
  let current: Translator | undefined;
  const forModel = (clusters: ClusterLookup): Translator => {
    const resolved = resolveExtensionCalls(base, clusters);
    const key = JSON.stringify([resolved.rateLimitService?.call ?? null, resolved.tracing?.call ?? null]);
    if (current === undefined || key !== callsKey) {
      callsKey = key;
      current = createFixedTranslator(resolved, extra);
    }
    return current;
  };
  return {
    translate: (model, slices) => forModel(model.clusters).translate(model, slices),
    translateChecked: (model, slices) => forModel(model.clusters).translateChecked(model, slices),
    // The store's lookup when it has one: a change never lists every cluster to find two.
    translateChanges: (input) => forModel(input.changes.clusterOf ?? input.model.clusters).translateChanges(input),
    translateEndpoints: (model, slices) => forModel(model.clusters).translateEndpoints(model, slices),
  };
}

function createFixedTranslator(resolved: ResolvedOptions, extra: TranslatorOptions): Translator {
  const faults = extra.testFaults;
  // A plain-HTTP host is checked through its VHDS resource (the same message but for the name), which
  // is what the snapshot encodes; the state-of-the-world ingress_http is encoded lazily, as a whole.
  const vhdsOfHttp = new WeakMap<EnvoyVirtualHost, EnvoyVirtualHost>();
  const servedAsVhds = {
    served: (http: EnvoyVirtualHost): EnvoyVirtualHost => {
      const vhds = vhdsVirtualHost(http);
      vhdsOfHttp.set(http, vhds);
      return vhds;
    },
  };
  const checkedHost = (vhost: VirtualHost, listener: "http" | "https"): Checked<EnvoyVirtualHost> =>
    attempt(
      VirtualHostSchema,
      () => plantFaults(translateVirtualHost(vhost, listener, resolved), faults),
      (error) => hostFailure(vhost, listener, error),
      listener === "http" ? servedAsVhds : undefined,
    );
  const cluster = memoize<Cluster, Checked<EnvoyCluster>>((c) =>
    attempt(ClusterSchema, () => translateCluster(c, resolved), (message) => ({ piece: "cluster", name: c.name, sources: [], message }), {}),
  );
  const secret = memoize<TlsSecret, Checked<Secret>>((s) =>
    attempt(SecretSchema, () => translateSecret(s), (message) => ({ piece: "secret", name: s.name, sources: [], message }), {}),
  );
  const httpHost = memoize<VirtualHost, Checked<EnvoyVirtualHost>>((vhost) => checkedHost(vhost, "http"));
  const httpsHost = memoize<VirtualHost, Checked<EnvoyVirtualHost>>((vhost) => checkedHost(vhost, "https"));
  // Only hosts whose plain-HTTP translation encoded reach this.
  const vhdsHost = memoize<VirtualHost, EnvoyVirtualHost>((vhost) => {
    const http = httpHost(vhost).value as EnvoyVirtualHost;
    return vhdsOfHttp.get(http) ?? vhdsVirtualHost(http);
  });
  const chain = memoize<SecureVirtualHost, Checked<FilterChain>>((vhost) =>
    attempt(
      FilterChainSchema,
      () => secureHostChain(vhost, resolved),
      (message) => ({ piece: "filterChain", name: vhost.fqdn, sources: uniqueSources(vhost.routes.map((r) => r.source)), message }),
    ),
  );
  // A TCP proxy without a destination has no chain at all (undefined), which is not a failure.
  const tcpChain = memoize<TcpProxyHost, Checked<FilterChain | undefined>>((host) => {
    const failure = (message: string): TranslationFailure => ({ piece: "filterChain", name: host.fqdn, sources: [host.source], message });
    let built: FilterChain | undefined;
    try {
      built = translateTcpProxyChain(host, resolved);
    } catch (err) {
      return { failure: failure(err instanceof Error ? err.message : String(err)) };
    }
    if (built === undefined) return { value: undefined };
    const error = encodeError(FilterChainSchema, built);
    return error === undefined ? { value: built } : { failure: failure(error) };
  });
  // A Gateway listener's hosts by model host, protocol and name, each checked to encode once: a
  // change to one route of a listener with 10,000 hosts translates and encodes one host.
  const gatewayHosts = new WeakMap<VirtualHost, Map<string, { readonly host: EnvoyVirtualHost; readonly error: string | undefined }>>();
  const gatewayHost = (vhost: VirtualHost, protocol: "http" | "https", name: string): { readonly host: EnvoyVirtualHost; readonly error: string | undefined } => {
    let byName = gatewayHosts.get(vhost);
    if (byName === undefined) gatewayHosts.set(vhost, (byName = new Map()));
    const key = `${protocol}\n${name}`;
    let found = byName.get(key);
    if (found === undefined) {
      const host = translateGatewayHost(vhost, protocol, name, resolved);
      byName.set(key, (found = { host, error: encodeError(VirtualHostSchema, host) }));
    }
    return found;
  };
  // A Gateway port's listener stands or falls as a whole: its chains share one socket.
  const gatewayListener = memoize<GatewayEnvoyListener, Checked<GatewayTranslation>>((gl) => {
    const failure = (message: string): TranslationFailure => ({ piece: "filterChain", name: gl.name, sources: [gl.source], message });
    let built: GatewayTranslation;
    let hostError: string | undefined;
    try {
      built = translateGatewayListener(gl, resolved, (vhost, protocol, name) => {
        const h = gatewayHost(vhost, protocol, name);
        hostError ??= h.error;
        return h.host;
      });
    } catch (err) {
      return { failure: failure(err instanceof Error ? err.message : String(err)) };
    }
    if (hostError !== undefined) return { failure: failure(hostError) };
    for (const l of built.listeners) {
      const error = encodeError(ListenerSchema, l);
      if (error !== undefined) return { failure: failure(error) };
    }
    // The hosts were checked one by one (above); what is left of each route configuration is its own fields.
    for (const r of built.routes) {
      const error = encodeError(RouteConfigurationSchema, { ...r, virtualHosts: [] });
      if (error !== undefined) return { failure: failure(error) };
    }
    return { value: built };
  });
  const endpointsMemo: EndpointsMemo = new Map();
  // The plain-HTTP listener changes only with the global authorization (rare): kept while it is the same object.
  let httpListener = { auth: undefined as Model["globalAuthorization"], listener: translateHttpListener(resolved) };
  const httpListenerFor = (auth: Model["globalAuthorization"]): Listener => {
    if (auth !== httpListener.auth) httpListener = { auth, listener: translateHttpListener(resolved, auth) };
    return httpListener.listener;
  };

  function endpoints(model: Model, slices: readonly V1EndpointSlice[]): ClusterLoadAssignment[] {
    const names = edsNamesOf(model);
    // Forget assignments no cluster refers to any more.
    const live = new Set(names);
    for (const name of endpointsMemo.keys()) if (!live.has(name)) endpointsMemo.delete(name);
    return translateEndpoints(names, slices, endpointsMemo, extensionMembersOf(model));
  }

  function translateChecked(model: Model, slices: readonly V1EndpointSlice[]): CheckedTranslation {
    const { resources, failures } = translateFull(model, slices);
    return { resources, failures };
  }

  const pieces: IncrementalPieces = { httpHost: (v) => httpHost(v), vhdsHost, cluster, gatewayListener };
  let state: IncrementalState | undefined;
  function translateChanges(input: ChangedInput): CheckedTranslation {
    if (faults === undefined && canApply(state, input)) {
      state = applyChanges(state, input, pieces, endpointsMemo);
      return { resources: state.resources, failures: failuresOf(state) };
    }
    const full = translateFull(input.model, input.endpoints.all());
    state = seedState(input.model, full.resources, full.failures, full.badSecret, pieces);
    return { resources: full.resources, failures: full.failures };
  }

  function translateFull(model: Model, slices: readonly V1EndpointSlice[]): CheckedTranslation & { readonly badSecret: ReadonlySet<string> } {
    if (faults !== undefined) failRebuildIfAsked(model.virtualHosts.map((v) => v.fqdn), faults);
    const failures: TranslationFailure[] = [];
    const ok = <T>(checked: Checked<T>): checked is { readonly value: T } => {
      if (checked.failure === undefined) return true;
      failures.push(checked.failure);
      return false;
    };
    // A secure host whose HTTPS routes or chain fail loses both (a chain naming absent routes would
    // leave the listener warming); its plain-HTTP host stands or falls by itself.
    // Secrets first: what names a secret that was left out must go too, or SDS would wait for it.
    const secrets: TlsSecret[] = [];
    const badSecret = new Set<string>();
    for (const s of model.secrets) {
      if (ok(secret(s))) secrets.push(s);
      else badSecret.add(s.name);
    }
    const tlsBroken = (tls: VirtualHostTls | undefined): boolean =>
      tls !== undefined &&
      (badSecret.has(tls.secret) || (tls.additionalSecrets ?? []).some((s) => badSecret.has(s)) || (tls.clientValidation?.caSecret !== undefined && badSecret.has(tls.clientValidation.caSecret)));
    const broken = new Set<string>();
    for (const vhost of model.virtualHosts) {
      if (!isSecureHost(vhost) || vhost.routes.length === 0) continue;
      if (tlsBroken(vhost.tls)) {
        broken.add(vhost.fqdn);
        continue;
      }
      const routes = httpsHost(vhost);
      if (!ok(routes) || !ok(chain(vhost))) broken.add(vhost.fqdn);
    }
    const badHttp = new Set<VirtualHost>();
    for (const vhost of model.virtualHosts) if (vhost.routes.length > 0 && !ok(httpHost(vhost))) badHttp.add(vhost);
    const badTcp = new Set<TcpProxyHost>();
    for (const host of model.tcpProxies) if (tlsBroken(host.tls) || !ok(tcpChain(host))) badTcp.add(host);
    const clusters = model.clusters.filter(
      (c) => (c.upstreamValidation === undefined || !badSecret.has(c.upstreamValidation.caSecret)) && (c.clientCertificate === undefined || !badSecret.has(c.clientCertificate)) && ok(cluster(c)),
    );
    const served: Model =
      failures.length === 0
        ? model
        : {
            virtualHosts: model.virtualHosts.flatMap((v): VirtualHost[] => {
              if (badHttp.has(v)) return [];
              if (!broken.has(v.fqdn) || v.tls === undefined) return [v];
              const { tls: _dropped, ...plain } = v;
              return [plain];
            }),
            tcpProxies: model.tcpProxies.filter((h) => !badTcp.has(h)),
            clusters,
            secrets,
            ...(model.gatewayListeners === undefined ? {} : { gatewayListeners: model.gatewayListeners }),
            ...(model.globalAuthorization === undefined ? {} : { globalAuthorization: model.globalAuthorization }),
          };
    const value = <T>(checked: Checked<T>): T => checked.value as T;
    const https = translateHttpsListener(served, resolved, (vhost) => value(chain(vhost)), (host) => value(tcpChain(host)));
    const listeners: Listener[] = https === undefined ? [httpListenerFor(model.globalAuthorization)] : [httpListenerFor(model.globalAuthorization), https];
    const routes = translateRouteConfigs(served, (vhost, listener) => value(listener === "http" ? httpHost(vhost) : httpsHost(vhost)));
    for (const gl of served.gatewayListeners ?? []) {
      const built = gatewayListener(gl);
      if (!ok(built)) continue;
      listeners.push(...built.value.listeners);
      routes.push(...built.value.routes);
    }
    routes.sort((a, b) => compareStrings(a.name, b.name));
    const resources: EnvoyResources = {
      listeners: listeners.sort((a, b) => compareStrings(a.name, b.name)),
      routes,
      clusters: [...translateClusters(served.clusters, (c) => value(cluster(c))), ...dnsNameClustersOf(served).map((c) => translateDnsNameCluster(c, resolved))].sort((a, b) => compareStrings(a.name, b.name)),
      endpoints: endpoints(served, slices),
      secrets: translateSecrets(served.secrets, (s) => value(secret(s))),
      ...translateVhds(served, routes, vhdsHost),
    };
    return { resources, failures, badSecret };
  }

  return {
    translate: (model, slices) => translateChecked(model, slices).resources,
    translateChecked,
    translateChanges,
    translateEndpoints: endpoints,
  };
}
