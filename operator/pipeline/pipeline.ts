// The in-memory heart of `contour serve`: watched objects in, Envoy resources out. It owns the object
// cache and the model store, remembers what changed, and rebuilds only what depends on it. No I/O:
// serve.ts feeds it informer events and publishes what build() returns.
import type { KubernetesObject, V1EndpointSlice, V1Ingress } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { ExtensionService } from "../../crds/types/extensionservice.js";
import { reconcileIngress } from "../../controllers/ingress/index.js";
import { extensionStatusView, reconcileExtensionService, type ExtensionOptions, type ExtensionStatusView } from "../../controllers/extension/index.js";
import { globalListenerAuthorization, type GlobalAuthorization } from "../../controllers/httpproxy/authorization.js";
import { httpProxyMatchesClass, isRootProxy, proxyStatusView, reconcileHTTPProxy, type ProxyStatusView } from "../../controllers/httpproxy/index.js";
import { canonicalJson } from "../../controllers/model/names.js";
import { createTlsSecretValidator } from "../../controllers/secrets/index.js";
import { createObjectCache, type MemoryObjectCache } from "../../controllers/source/memory-object-cache.js";
import { compareKeys, formatKey, type ObjectKey, type WatchedKind } from "../../controllers/source/object-cache.js";
import type { Condition, Fragment } from "../../controllers/store/fragment.js";
import { createModelStore, type ModelStore } from "../../controllers/store/index.js";
import type { Cluster, Model } from "../../controllers/model/model.js";
import type { EnvoyResources } from "../../xds/resources.js";
import { createTranslator, type CheckedTranslation, type TestFaults, type TranslateOptions, type TranslationFailure } from "../../xds/translate/index.js";
import { createEndpointIndex } from "./endpoint-index.js";
import { attributePieces, type Piece, type SourceFragment } from "./attribution.js";
import { EMPTY_GATEWAY_STATE, GATEWAY_STAGE_INPUTS, type GatewayStageOptions, type GatewayState } from "./gateway-stage.js";
import { createGatewayStage, type GatewayStageChanges } from "./gateway-incremental.js";
import type { ModelChanges } from "../../controllers/store/model-store.js";
import type { ChangeSet } from "../../controllers/store/sorted-view.js";
import { fingerprint, heldFragment, quarantineCondition, type Hold, type QuarantineCause } from "./holds.js";

/** Options of createPipeline: what reconcilers and translation need from the configuration. */
export interface PipelineOptions {
  readonly ingressClassName?: string | undefined;
  /** Namespaces where root HTTPProxies may live (--root-namespaces); empty or unset: everywhere. */
  readonly rootNamespaces?: readonly string[];
  /** Ignore HTTPProxy routes' permitInsecure (upstream's `disablePermitInsecure`); default false. */
  readonly disablePermitInsecure?: boolean;
  /** The Secret Envoy presents to TLS backends of HTTPProxies (upstream's `tls.envoy-client-certificate`). */
  readonly clientCertificate?: { readonly namespace: string; readonly name: string } | undefined;
  /** HTTPProxy routes may reach ExternalName Services (config file enableExternalNameService). */
  readonly enableExternalNameService?: boolean;
  /** The Secret served without SNI to hosts that enable it (upstream's `tls.fallback-certificate`). */
  readonly fallbackCertificate?: { readonly namespace: string; readonly name: string } | undefined;
  readonly translate: TranslateOptions;
  /** The Gateway API stage; unset: Gateway API objects are ignored. */
  readonly gateway?: GatewayStageOptions | undefined;
  /** Settings of ExtensionService clusters (connect timeout, default circuit breakers). */
  readonly extension?: ExtensionOptions;
  /** The config file's globalExtAuth: HTTPProxies' default authorization and the plain-HTTP listener's. */
  readonly globalAuthorization?: GlobalAuthorization | undefined;
  /** Test only: faults planted below validation (CONTOUR_TEST_FAULTS in contour serve); see xds/translate/test-faults.ts. */
  readonly testFaults?: TestFaults | undefined;
}

/** A source the pipeline quarantined: its contribution is left out until it changes. */
export interface QuarantinedSource {
  readonly key: ObjectKey;
  readonly cause: QuarantineCause;
  readonly message: string;
}

/** Kinds whose status this controller writes: an update that changed only the status changes nothing it reads. */
const STATUS_KINDS: ReadonlySet<WatchedKind> = new Set<WatchedKind>(["Ingress", "HTTPProxy", "ExtensionService", "GatewayClass", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute", "BackendTLSPolicy"]);

/** How many translations a build tries before publishing what it has: each quarantines at least one source. */
const MAX_TRANSLATE_ROUNDS = 4;

/** The computed status of one HTTPProxy; undefined when it is gone or of another ingress class. */
export interface HTTPProxyStatusChange {
  readonly key: ObjectKey;
  readonly view: ProxyStatusView | undefined;
}

/** The computed status of one ExtensionService; undefined when it is gone. */
export interface ExtensionStatusChange {
  readonly key: ObjectKey;
  readonly view: ExtensionStatusView | undefined;
}

/** HTTPProxies of this controller by currentStatus. */
export type HTTPProxyCounts = Readonly<Record<ProxyStatusView["currentStatus"], number>>;

/** What one build did, for logs, metrics and status. */
export interface BuildResult {
  readonly resources: EnvoyResources;
  /**
   * Source objects reconciled in this build, and those whose conditions merging changed without a
   * reconcile of their own (an Ingress refused on a host whose owner just came), with their
   * conditions (undefined: the object is gone).
   */
  readonly reconciled: readonly { readonly key: ObjectKey; readonly conditions: readonly Condition[] | undefined }[];
  /** Whether only endpoints changed (routes, clusters and listeners were reused as they were). */
  readonly endpointsOnly: boolean;
  /** HTTPProxies whose computed status changed in this build (roots, included proxies and orphans). */
  readonly httpProxyStatuses: readonly HTTPProxyStatusChange[];
  /** ExtensionServices reconciled in this build, with their computed status. */
  readonly extensionStatuses: readonly ExtensionStatusChange[];
  /** Sources quarantined in this build because a piece of theirs could not be encoded. */
  readonly quarantined: readonly QuarantinedSource[];
  /** Quarantines lifted in this build because the source changed (it is tried again). */
  readonly released: readonly ObjectKey[];
  /** Pieces left out that no source could be blamed for (a bug in translation, never a tenant's). */
  readonly unattributed: readonly TranslationFailure[];
  /** Whether the Gateway API stage was recomputed in this build (its status and Services may have changed). */
  readonly gatewayChanged: boolean;
}

/** The pipeline from watched objects to Envoy resources. */
export interface Pipeline {
  /** Applies an informer event to the cache; returns whether anything needs a rebuild. */
  apply(kind: WatchedKind, event: "add" | "update" | "delete", obj: KubernetesObject): boolean;
  /** Whether a change is waiting for build(). */
  pending(): boolean;
  /** Reconciles what changed since the last build and returns the complete resources. */
  build(): BuildResult;
  /** The Ingresses this controller serves (of its class), sorted. */
  servedIngresses(): readonly ObjectKey[];
  /** Conditions of a source object after the last build. */
  conditions(key: ObjectKey): readonly Condition[] | undefined;
  /** The computed status of every HTTPProxy of this controller's class, sorted by key. */
  httpProxyStatuses(): readonly HTTPProxyStatusChange[];
  /** The computed status of one HTTPProxy; undefined when it has none (gone, or not of this class). */
  httpProxyStatus(key: ObjectKey): ProxyStatusView | undefined;
  /** The computed status of every ExtensionService, sorted by key. */
  extensionStatuses(): readonly ExtensionStatusChange[];
  /** How many HTTPProxies are valid, invalid and orphaned. */
  httpProxyCounts(): HTTPProxyCounts;
  /** Read access to the cache (e.g. for the Envoy Service's status). */
  readonly cache: MemoryObjectCache;
  /** What the Gateway API stage computed in the last build that ran it. */
  gatewayState(): GatewayState;
  /** The current model, for debugging. */
  model(): Model;
  /** The sources (roots) that contributed these pieces of Envoy configuration, sorted. */
  sourcesOf(pieces: readonly Piece[]): ObjectKey[];
  /**
   * Leaves these sources' contributions out from the next build on, with an error condition
   * carrying `message`, until they change. Returns the keys newly quarantined.
   */
  quarantine(keys: readonly ObjectKey[], cause: QuarantineCause, message: string): ObjectKey[];
  /** Replaces these sources' contributions by their previous ones (or nothing) until restoreWithdrawn(). */
  withdraw(keys: readonly ObjectKey[]): void;
  /** Puts every withdrawn source back; returns how many there were. */
  restoreWithdrawn(): number;
  /** The quarantined sources, sorted by key. */
  quarantined(): QuarantinedSource[];
  /** The withdrawn sources, sorted by key. */
  withdrawn(): ObjectKey[];
}

/** Creates an empty pipeline. */
export function createPipeline(options: PipelineOptions): Pipeline {
  const cache = createObjectCache();
  const store: ModelStore = createModelStore();
  const validateTlsSecret = createTlsSecretValidator();
  const translator = createTranslator(options.translate, { testFaults: options.testFaults });
  // Every source's fragment as reconciled, with the one before it (what a withdrawal puts back).
  const fragments = new Map<string, { key: ObjectKey; fragment: Fragment; previous: Fragment | undefined }>();
  const holds = new Map<string, Hold>();
  // Holds set or lifted since the last build: their fragments go to the store again, unreconciled.
  const holdsDirty = new Map<string, ObjectKey>();
  const dirtySources = new Map<string, ObjectKey>();
  let endpointsDirty = false;
  // EndpointSlices by Service, and the Services whose slices changed since the last translation.
  const endpointIndex = createEndpointIndex();
  const dirtyServices = new Set<string>();
  // The store's model when its changes were last taken: what the next changes are relative to.
  let lastStoreModel: Model | undefined;
  let everBuilt = false;
  let lastModel: Model | undefined;
  let lastResources: EnvoyResources | undefined;
  // The config's connect timeout goes into each cluster the reconcilers build (undefined: their 2 s default).
  const connectTimeout = options.translate.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.translate.connectTimeoutMs };
  const gatewayStage = options.gateway === undefined ? undefined : createGatewayStage({ ...options.gateway, ...connectTimeout });
  let gatewayState: GatewayState = EMPTY_GATEWAY_STATE;
  // What the Gateway stage changed since the model last translated, and that model.
  let gatewayChanges: GatewayStageChanges[] = [];
  let lastTranslated: Model | undefined;
  // The store's model with the Gateway stage's listeners, clusters and secrets, kept while both are unchanged.
  let combined: { store: Model; gateway: GatewayState; model: Model } | undefined;

  // The plain-HTTP listener's global authorization, recomputed each build, the same object while unchanged.
  let globalAuth: { json: string; value: NonNullable<Model["globalAuthorization"]> } | undefined;
  let withAuth: { base: Model; model: Model } | undefined;

  function fullModel(): Model {
    const base = storeAndGatewayModel();
    if (globalAuth === undefined) return base;
    if (withAuth?.base === base && withAuth.model.globalAuthorization === globalAuth.value) return withAuth.model;
    // Getters, not a spread: the store's model lists lazily, and a copy would list everything.
    const value = globalAuth.value;
    const model = Object.defineProperties({} as Model, {
      virtualHosts: { enumerable: true, get: () => base.virtualHosts },
      tcpProxies: { enumerable: true, get: () => base.tcpProxies },
      clusters: { enumerable: true, get: () => base.clusters },
      secrets: { enumerable: true, get: () => base.secrets },
      ...(base.gatewayListeners === undefined ? {} : { gatewayListeners: { enumerable: true, value: base.gatewayListeners } }),
      globalAuthorization: { enumerable: true, value },
    });
    withAuth = { base, model };
    return withAuth.model;
  }

  function updateGlobalAuthorization(): void {
    if (options.globalAuthorization === undefined) return;
    const value = globalListenerAuthorization(cache, options.globalAuthorization, options.extension);
    const json = canonicalJson(value);
    if (globalAuth?.json !== json) globalAuth = { json, value };
  }

  function storeAndGatewayModel(): Model {
    const storeModel = store.model();
    if (gatewayState === EMPTY_GATEWAY_STATE) return storeModel;
    if (combined?.store === storeModel && combined.gateway === gatewayState) return combined.model;
    // Getters, listed once when first read: a change the translator follows by name never lists them.
    const state = gatewayState;
    const once = <T>(build: () => T): (() => T) => {
      let value: T | undefined;
      return () => (value ??= build());
    };
    const model = Object.defineProperties({} as Model, {
      virtualHosts: { enumerable: true, get: () => storeModel.virtualHosts },
      tcpProxies: { enumerable: true, get: () => storeModel.tcpProxies },
      clusters: { enumerable: true, get: once(() => unionByName(storeModel.clusters, state.clusters)) },
      secrets: { enumerable: true, get: once(() => unionByName(storeModel.secrets, state.secrets)) },
      gatewayListeners: { enumerable: true, value: state.listeners },
    });
    combined = { store: storeModel, gateway: gatewayState, model };
    return model;
  }

  // The last computed status of each HTTPProxy (canonical JSON and view), and which ones to look at again.
  const proxyViews = new Map<string, { json: string; key: ObjectKey; view: ProxyStatusView }>();
  const proxyStatusDirty = new Map<string, ObjectKey>();
  const counts: Record<ProxyStatusView["currentStatus"], number> = { valid: 0, invalid: 0, orphaned: 0 };
  const ingressOptions = { ingressClassName: options.ingressClassName, validateTlsSecret, ...connectTimeout, clientCertificate: options.clientCertificate };
  const httpProxyOptions = {
    ingressClassName: options.ingressClassName,
    rootNamespaces: options.rootNamespaces ?? [],
    disablePermitInsecure: options.disablePermitInsecure ?? false,
    clientCertificate: options.clientCertificate,
    fallbackCertificate: options.fallbackCertificate,
    enableExternalNameService: options.enableExternalNameService ?? false,
    validateTlsSecret,
    ...connectTimeout,
    defaultGlobalRateLimitPolicy: options.translate.rateLimitService?.defaultGlobalRateLimitPolicy,
    globalAuthorization: options.globalAuthorization,
    extension: options.extension,
  };

  function markDependents(key: ObjectKey): void {
    for (const dependent of store.dependents(key)) dirtySources.set(formatKey(dependent), dependent);
  }

  function markAllIngresses(): void {
    for (const ingress of cache.list<V1Ingress>("Ingress")) {
      const key = keyOf("Ingress", ingress);
      dirtySources.set(formatKey(key), key);
    }
  }

  function apply(kind: WatchedKind, event: "add" | "update" | "delete", obj: KubernetesObject): boolean {
    const key = keyOf(kind, obj);
    const previous = STATUS_KINDS.has(kind) ? cache.get(kind, key.namespace, key.name) : undefined;
    const changed = event === "delete" ? cache.remove(key) : cache.insert(obj, kind);
    if (!changed) return false;
    // Our own status writes come back as updates: nothing a reconcile reads has changed.
    if (event !== "delete" && previous !== undefined && statusOnlyChange(previous, obj)) return false;
    if (options.gateway !== undefined && (GATEWAY_STAGE_INPUTS.has(kind) || (kind === "EndpointSlice" && isEnvoySlice(obj, options.gateway.envoyService)))) gatewayStage?.changed(key);
    switch (kind) {
      case "Ingress":
        dirtySources.set(formatKey(key), key);
        break;
      case "ExtensionService":
        // Reconciles itself; the HTTPProxies whose authorization names it run again.
        dirtySources.set(formatKey(key), key);
        markDependents(key);
        break;
      case "HTTPProxy":
        // A root reconciles itself; the roots that include (or would include) it run again; and its own
        // status is looked at even if no root reaches it (an orphan).
        dirtySources.set(formatKey(key), key);
        markDependents(key);
        proxyStatusDirty.set(formatKey(key), key);
        break;
      case "IngressClass":
        // Rare, and it decides which Ingresses are ours at all.
        markAllIngresses();
        break;
      case "EndpointSlice":
        // Endpoints go straight to EDS: no route depends on them, and only this Service's assignments change.
        endpointsDirty = true;
        for (const service of endpointIndex.apply(event, obj as V1EndpointSlice)) dirtyServices.add(service);
        break;
      default:
        markDependents(key);
        break;
    }
    return true;
  }

  /** Gives the store a source's fragment, or what stands in for it while the source is held. */
  function putSource(key: ObjectKey, fragment: Fragment, released: ObjectKey[]): void {
    const k = formatKey(key);
    const entry = fragments.get(k);
    if (entry === undefined || entry.fragment !== fragment) fragments.set(k, { key, fragment, previous: entry?.fragment ?? undefined });
    let hold = holds.get(k);
    // A held source that changed is tried again (a withdrawn one stays out until the bisection ends).
    if (hold?.kind === "quarantined" && entry !== undefined && entry.fragment !== fragment && fingerprint(fragment) !== hold.fingerprint) {
      holds.delete(k);
      released.push(key);
      hold = undefined;
    }
    store.put(key, hold === undefined ? fragment : heldFragment(fragment, hold, fragments.get(k)?.previous));
  }

  function deleteSource(key: ObjectKey): void {
    const k = formatKey(key);
    fragments.delete(k);
    holds.delete(k);
    store.delete(key);
  }

  function build(): BuildResult {
    const changed = [...dirtySources.values()];
    dirtySources.clear();
    const released: ObjectKey[] = [];
    for (const key of changed) {
      if (key.kind === "HTTPProxy") {
        const proxy = cache.get<HTTPProxy>("HTTPProxy", key.namespace, key.name);
        // Only roots of this controller's class are sources; others are served through the roots including them.
        if (proxy === undefined || !isRootProxy(proxy) || !httpProxyMatchesClass(proxy, options.ingressClassName)) deleteSource(key);
        else putSource(key, reconcileHTTPProxy(cache, proxy, httpProxyOptions), released);
        continue;
      }
      if (key.kind === "ExtensionService") {
        const ext = cache.get<ExtensionService>("ExtensionService", key.namespace, key.name);
        if (ext === undefined) deleteSource(key);
        else putSource(key, reconcileExtensionService(cache, ext, options.extension), released);
        continue;
      }
      const ingress = cache.get<V1Ingress>(key.kind, key.namespace, key.name);
      if (ingress === undefined) deleteSource(key);
      else putSource(key, reconcileIngress(cache, ingress, ingressOptions), released);
    }
    const reconciledKeys = new Map(changed.map((k) => [formatKey(k), k] as const));
    for (const [k, key] of holdsDirty) {
      const entry = fragments.get(k);
      if (entry !== undefined && !reconciledKeys.has(k)) putSource(key, entry.fragment, released);
      reconciledKeys.set(k, key);
    }
    holdsDirty.clear();
    const gatewayChanged = gatewayStage?.pending() ?? false;
    if (gatewayStage !== undefined && gatewayChanged) {
      const updated = gatewayStage.update(cache);
      gatewayState = updated.state;
      // Only what names something: a change the stage absorbed must not pile up until the next translation.
      const c = updated.changes;
      if ([c.listeners, c.clusters, c.secrets].some((x) => x.added.length + x.changed.length + x.removed.length > 0)) gatewayChanges.push(c);
    }
    updateGlobalAuthorization();
    let model = fullModel();
    let resources: EnvoyResources;
    let endpointsOnly = false;
    const quarantinedNow: QuarantinedSource[] = [];
    let unattributed: readonly TranslationFailure[] = [];
    // The translator is told what changed in the store's model since it was last taken, and which
    // Services' slices changed; with Gateways, also what the Gateway stage changed since the model
    // translated last. Another model (the global authorization's) is translated in full.
    const translate = (m: Model): CheckedTranslation => {
      const base = lastStoreModel;
      const changes = store.takeModelChanges();
      lastStoreModel = store.model();
      const services = [...dirtyServices];
      dirtyServices.clear();
      const previous = lastTranslated;
      lastTranslated = m;
      const staged = gatewayChanges;
      gatewayChanges = [];
      if (gatewayStage !== undefined && gatewayState !== EMPTY_GATEWAY_STATE && m === storeAndGatewayModel()) {
        const stage = gatewayStage;
        return translator.translateChanges({
          model: m,
          base: previous,
          changes: withGatewayChanges(changes, staged, stage.clusterOf),
          endpoints: endpointIndex,
          dirtyServices: services,
          gatewayListeners: mergeChangeSets(staged.map((c) => c.listeners)),
          gatewayListenerOf: stage.listenerOf,
        });
      }
      return translator.translateChanges({ model: m, base: m === lastStoreModel ? base : undefined, changes, endpoints: endpointIndex, dirtyServices: services });
    };
    if (lastResources !== undefined && model === lastModel) {
      endpointsOnly = true;
      if (!endpointsDirty) resources = lastResources;
      else if (model === store.model() || (gatewayState !== EMPTY_GATEWAY_STATE && model === storeAndGatewayModel())) resources = translate(model).resources;
      else resources = { ...lastResources, endpoints: translator.translateEndpoints(model, endpointIndex.all()) };
    } else {
      let checked = translate(model);
      // A piece that cannot be encoded was left out already; quarantining its sources makes the
      // model (and their status) say so, and translating again serves everyone else's as it is.
      for (let round = 1; checked.failures.length > 0 && round < MAX_TRANSLATE_ROUNDS; round++) {
        const fresh = quarantineFailures(checked.failures, released);
        if (fresh.length === 0) break;
        quarantinedNow.push(...fresh);
        for (const q of fresh) reconciledKeys.set(formatKey(q.key), q.key);
        model = fullModel();
        checked = translate(model);
      }
      resources = checked.resources;
      unattributed = checked.failures;
    }
    // Conditions are read after every put: merging decides some of them, and merging once is enough.
    // Sources whose conflicts merging changed (an Ingress refused on a host) are reported too.
    const changedByStore = store.takeChanged();
    for (const key of changedByStore) {
      const k = formatKey(key);
      if (key.kind !== "HTTPProxy" && !reconciledKeys.has(k)) reconciledKeys.set(k, key);
    }
    const reconciled = [...reconciledKeys.values()].map((key) => ({ key, conditions: store.conditions(key) }));
    const httpProxyStatuses = updateProxyStatuses(changedByStore);
    const extensionStatuses = reconciled
      .filter((r) => r.key.kind === "ExtensionService")
      .map((r) => r.key)
      .sort(compareKeys)
      .map((key) => ({ key, view: extensionView(key) }));
    endpointsDirty = false;
    everBuilt = true;
    lastModel = model;
    lastResources = resources;
    return { resources, reconciled, endpointsOnly, httpProxyStatuses, extensionStatuses, quarantined: quarantinedNow, released, unattributed, gatewayChanged };
  }

  /** Quarantines the sources of pieces that failed to encode; returns those newly quarantined. */
  function quarantineFailures(failures: readonly TranslationFailure[], released: ObjectKey[]): QuarantinedSource[] {
    const fresh: QuarantinedSource[] = [];
    for (const failure of failures) {
      const message = `the Envoy ${failure.piece} ${JSON.stringify(failure.name)} could not be encoded: ${failure.message}`;
      for (const key of quarantine(sourcesOf([failure]), "encode", message)) fresh.push({ key, cause: "encode", message });
    }
    for (const q of fresh) {
      const entry = fragments.get(formatKey(q.key));
      holdsDirty.delete(formatKey(q.key));
      if (entry !== undefined) putSource(q.key, entry.fragment, released);
    }
    return fresh;
  }

  function sourcesOf(pieces: readonly Piece[]): ObjectKey[] {
    const entries: SourceFragment[] = [...fragments.values()];
    return attributePieces(pieces, entries);
  }

  function quarantine(keys: readonly ObjectKey[], cause: QuarantineCause, message: string): ObjectKey[] {
    const fresh: ObjectKey[] = [];
    for (const key of keys) {
      const k = formatKey(key);
      const entry = fragments.get(k);
      if (entry === undefined || holds.get(k)?.kind === "quarantined") continue;
      holds.set(k, { kind: "quarantined", cause, condition: quarantineCondition(key, cause, message), fingerprint: fingerprint(entry.fragment) });
      holdsDirty.set(k, key);
      fresh.push(key);
    }
    return fresh;
  }

  /**
   * Recomputes the status of the HTTPProxies that may have changed: those with events, and those whose
   * conditions the store says may differ (a root reconciled, a proxy it includes, a host conflict).
   */
  function updateProxyStatuses(changedByStore: readonly ObjectKey[]): HTTPProxyStatusChange[] {
    const candidates = new Map(proxyStatusDirty);
    proxyStatusDirty.clear();
    for (const key of changedByStore) if (key.kind === "HTTPProxy") candidates.set(formatKey(key), key);
    const changes: HTTPProxyStatusChange[] = [];
    for (const key of [...candidates.values()].sort(compareKeys)) {
      const k = formatKey(key);
      const view = proxyView(key);
      const before = proxyViews.get(k);
      const json = view === undefined ? undefined : canonicalJson(view);
      if (json === before?.json) continue;
      if (before !== undefined) counts[before.view.currentStatus]--;
      if (view === undefined || json === undefined) proxyViews.delete(k);
      else {
        proxyViews.set(k, { json, key, view });
        counts[view.currentStatus]++;
      }
      changes.push({ key, view });
    }
    return changes;
  }

  function extensionView(key: ObjectKey): ExtensionStatusView | undefined {
    const ext = cache.get<ExtensionService>("ExtensionService", key.namespace, key.name);
    const conditions = store.conditions(key);
    if (ext === undefined || conditions === undefined) return undefined;
    return extensionStatusView(conditions, ext.metadata?.generation);
  }

  function proxyView(key: ObjectKey): ProxyStatusView | undefined {
    const proxy = cache.get<HTTPProxy>("HTTPProxy", key.namespace, key.name);
    if (proxy === undefined || !httpProxyMatchesClass(proxy, options.ingressClassName)) return undefined;
    const conditions = isRootProxy(proxy) ? store.conditions(key) : store.relatedConditions(key);
    return proxyStatusView(conditions, proxy.metadata?.generation);
  }

  return {
    apply,
    pending: () => !everBuilt || dirtySources.size > 0 || endpointsDirty || holdsDirty.size > 0 || (gatewayStage?.pending() ?? false),
    build,
    servedIngresses: () => store.sources().filter((k) => k.kind === "Ingress" && (store.conditions(k)?.length ?? 0) > 0),
    conditions: (key) => store.conditions(key),
    httpProxyStatuses: () => [...proxyViews.values()].map(({ key, view }) => ({ key, view })).sort((a, b) => compareKeys(a.key, b.key)),
    httpProxyStatus: (key) => proxyViews.get(formatKey(key))?.view,
    extensionStatuses: () =>
      store
        .sources()
        .filter((k) => k.kind === "ExtensionService")
        .sort(compareKeys)
        .map((key) => ({ key, view: extensionView(key) })),
    httpProxyCounts: () => ({ ...counts }),
    cache,
    model: () => fullModel(),
    gatewayState: () => gatewayState,
    sourcesOf,
    quarantine,
    withdraw(keys) {
      for (const key of keys) {
        const k = formatKey(key);
        const entry = fragments.get(k);
        if (entry === undefined || holds.has(k)) continue;
        holds.set(k, { kind: "withdrawn", fingerprint: fingerprint(entry.fragment) });
        holdsDirty.set(k, key);
      }
    },
    restoreWithdrawn() {
      let n = 0;
      for (const [k, hold] of holds) {
        if (hold.kind !== "withdrawn") continue;
        holds.delete(k);
        const entry = fragments.get(k);
        if (entry !== undefined) holdsDirty.set(k, entry.key);
        n++;
      }
      return n;
    },
    quarantined: () =>
      [...holds.entries()]
        .flatMap(([k, h]): QuarantinedSource[] => {
          const key = fragments.get(k)?.key;
          return h.kind === "quarantined" && key !== undefined ? [{ key, cause: h.cause, message: h.condition.message }] : [];
        })
        .sort((a, b) => compareKeys(a.key, b.key)),
    withdrawn: () =>
      [...holds.entries()]
        .flatMap(([k, h]) => {
          const key = fragments.get(k)?.key;
          return h.kind === "withdrawn" && key !== undefined ? [key] : [];
        })
        .sort(compareKeys),
  };
}

/**
 * Whether an update changed only the status: the spec (hence the generation) and the annotations
 * (ingress class, per-object settings) are as they were, and it is the same object (a deleted and
 * recreated one restarts at generation 1). Objects without a generation always count as changed.
 */
function statusOnlyChange(previous: KubernetesObject, next: KubernetesObject): boolean {
  const a = previous.metadata;
  const b = next.metadata;
  if (a?.generation === undefined || a.generation !== b?.generation || a.uid !== b.uid) return false;
  if (String(a.deletionTimestamp ?? "") !== String(b.deletionTimestamp ?? "")) return false;
  return canonicalJson(a.annotations ?? {}) === canonicalJson(b.annotations ?? {});
}

/** Whether an EndpointSlice is one of the Envoy Service's (whose endpoints the owned Gateway Services mirror). */
function isEnvoySlice(obj: KubernetesObject, envoy: { readonly namespace: string; readonly name: string }): boolean {
  return obj.metadata?.namespace === envoy.namespace && obj.metadata.labels?.["kubernetes.io/service-name"] === envoy.name;
}

/** Names of several change sets as one (each name once, as changed: the translator looks each up). */
function mergeChangeSets(sets: readonly ChangeSet[], except: ReadonlySet<string> = new Set()): ChangeSet {
  const names = new Set<string>();
  for (const c of sets) for (const n of [...c.added, ...c.changed, ...c.removed]) if (!except.has(n)) names.add(n);
  return { added: [], changed: [...names], removed: [] };
}

/** The store's changes with the Gateway stage's clusters and secrets, looked up in the store first (it wins a shared name). */
function withGatewayChanges(changes: ModelChanges, staged: readonly GatewayStageChanges[], gatewayCluster: (name: string) => Cluster | undefined): ModelChanges {
  if (staged.length === 0) return changes;
  const named = (c: ChangeSet): Set<string> => new Set([...c.added, ...c.changed, ...c.removed]);
  const clusters = mergeChangeSets(staged.map((c) => c.clusters), named(changes.clusters));
  const secrets = mergeChangeSets(staged.map((c) => c.secrets), named(changes.secrets));
  const storeCluster = changes.clusterOf;
  return {
    ...changes,
    clusters: { ...changes.clusters, changed: [...changes.clusters.changed, ...clusters.changed] },
    secrets: { ...changes.secrets, changed: [...changes.secrets.changed, ...secrets.changed] },
    ...(storeCluster === undefined ? {} : { clusterOf: (name: string) => storeCluster(name) ?? gatewayCluster(name) }),
  };
}

/** Two name-sorted lists as one, a name held by both taken once (names carry a hash of the content). */
function unionByName<T extends { readonly name: string }>(a: readonly T[], b: readonly T[]): readonly T[] {
  if (b.length === 0) return a;
  const m = new Map<string, T>();
  for (const x of a) m.set(x.name, x);
  for (const x of b) if (!m.has(x.name)) m.set(x.name, x);
  return [...m.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

function keyOf(kind: WatchedKind, obj: KubernetesObject): ObjectKey {
  return { kind, namespace: obj.metadata?.namespace ?? "", name: obj.metadata?.name ?? "" };
}
