// One client-node informer (ListWatch) per watched kind, and per namespace when the watch is restricted.
// client-node's informer stops for good on an error; this set restarts it with backoff, which also covers
// API-server restarts and network breaks. "Synced" means every informer finished its first list.
import { ListWatch, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import type { WatchedKind } from "../../controllers/source/object-cache.js";
import type { Logger } from "../log.js";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import { systemClock, type Clock, type TimerHandle } from "./clock.js";
import { FilteredWatch } from "./filtered-watch.js";
import { KubeError } from "./kube-error.js";
import { kubeRequest } from "./kube-request.js";
import { KIND_RESOURCES, WATCHED_KINDS, collectionPath, type KindResource } from "./kinds.js";
import { counter, gauge } from "./metrics.js";
import { TLS_SECRET_TYPE, transformFor, type ObjectTransform } from "./object-transforms.js";

/** What happened to an object. */
export type InformerEvent = "add" | "update" | "delete";

/** Options of createInformerSet. */
export interface InformerSetOptions {
  kubeConfig: KubeConfig;
  /** Kinds to watch; default all of WATCHED_KINDS. */
  kinds?: readonly WatchedKind[];
  /** Watch only these namespaces (namespaced kinds, and these Namespace objects); empty or undefined: all. */
  namespaces?: readonly string[];
  /** The Envoy Service is watched even when its namespace is not among `namespaces` (for Ingress status). */
  envoyService?: { namespace: string; name: string };
  log: Logger;
  /** Called for every change, in order per informer; must not throw (it is caught and logged). */
  onEvent: (kind: WatchedKind, event: InformerEvent, obj: KubernetesObject) => void;
  /** Where contour_informer_restarts_total and contour_objects go; unexported when undefined. */
  registry?: Registry;
  /** Delay before restarting a failed informer; default 1 s doubling to 30 s, ±10 % jitter. */
  restartBackoff?: BackoffOptions;
  /** How often to look again for a missing CRD; default 30 s. */
  crdRecheckMs?: number;
  /** Server-side timeout of each watch request, in seconds; default random in [300, 600) like client-go. */
  watchTimeoutSeconds?: () => number;
  /** Items per list page; default 500. */
  listPageSize?: number;
  clock?: Clock;
}

/** The running informers. */
export interface InformerSet {
  /** Starts every informer (list, then watch). */
  start(): void;
  /** Resolves once every informer has delivered its first list (a missing CRD counts as an empty list). Rejects if stopped first. */
  synced(): Promise<void>;
  isSynced(): boolean;
  /**
   * Kinds the API server refuses to list (403: RBAC), each with the namespace refused (undefined: all).
   * They count as synced and empty, and are looked at again every `crdRecheckMs`.
   */
  forbidden(): { kind: WatchedKind; namespace: string | undefined }[];
  /** Stops every informer and pending restart. */
  stop(): Promise<void>;
}

interface Unit {
  readonly kind: WatchedKind;
  readonly resource: KindResource;
  /** For logs: the watched namespace, or undefined for all. */
  readonly namespace: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly informer: ListWatch<KubernetesObject>;
  synced: boolean;
  failures: number;
  errors: number;
  missingCrd: boolean;
  forbidden: boolean;
  timer: TimerHandle | undefined;
}

interface RawList {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubernetesObject[];
}

/** Creates the informers; nothing talks to the API server before start(). */
export function createInformerSet(options: InformerSetOptions): InformerSet {
  const { kubeConfig, log, onEvent } = options;
  const clock = options.clock ?? systemClock;
  const backoff = options.restartBackoff ?? { baseMs: 1_000, maxMs: 30_000, jitter: 0.2 };
  const crdRecheckMs = options.crdRecheckMs ?? 30_000;
  const watchTimeoutSeconds = options.watchTimeoutSeconds ?? (() => 300 + Math.floor(Math.random() * 300));
  const pageSize = options.listPageSize ?? 500;
  const restarts = counter(options.registry, "contour_informer_restarts_total", "Informer restarts after a failed list or watch.", ["kind"]);
  const objects = gauge(options.registry, "contour_objects", "Objects held by the informers.", ["kind"]);
  const forbiddenGauge = gauge(options.registry, "contour_informer_forbidden", "1 while the API server refuses (RBAC) to let contour list the kind, which is then treated as having no objects.", ["kind"]);

  let stopped = false;
  // Whether "cannot reach the API server" was said since the last list that worked.
  let unreachableLogged = false;
  let resolveSynced: () => void = () => undefined;
  let rejectSynced: (err: Error) => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  syncedPromise.catch(() => undefined); // awaiting it is optional; a stop before sync is not an unhandled error

  const units = planUnits(options).map(({ kind, namespace, fieldSelector }) => makeUnit(kind, namespace, fieldSelector));
  // One series per informer: 0 until its first list is done (or its CRD is known to be missing), then 1.
  const syncedGauge = gauge(options.registry, "contour_informer_synced", "1 once an informer has listed its objects (an absent optional CRD counts as synced and empty), else 0.", ["kind", "namespace"]);
  for (const unit of units) syncedGauge.set({ kind: unit.kind, namespace: unit.namespace ?? "" }, 0);
  for (const kind of new Set(units.map((u) => u.kind))) {
    restarts.inc({ kind }, 0);
    objects.set({ kind }, 0);
    forbiddenGauge.set({ kind }, 0);
  }

  function makeUnit(kind: WatchedKind, namespace: string | undefined, fieldSelector: string | undefined): Unit {
    const resource = KIND_RESOURCES[kind];
    const apiVersion = resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
    const transform = transformFor(kind, apiVersion);
    // Cluster-scoped Namespace objects are narrowed by name, not by a namespace path.
    const path = collectionPath(resource, resource.namespaced ? namespace : undefined);
    // The closures below run only after start(), by which time `informer` and `unit` exist.
    const watch: FilteredWatch = new FilteredWatch(kubeConfig, {
      transform,
      isCached: (obj): boolean => informer.get(obj.metadata?.name ?? "", obj.metadata?.namespace) !== undefined,
      timeoutSeconds: watchTimeoutSeconds,
      stopped: () => stopped,
    });
    const listFn = async () => {
      const list = await listAll(path, fieldSelector, transform);
      // The informer hands the items to its callbacks in the continuation of this promise; a macrotask
      // later they have all been delivered.
      setImmediate(() => onListed(unit, list.items.length));
      return list;
    };
    const informer: ListWatch<KubernetesObject> = new ListWatch<KubernetesObject>(path, watch, listFn, false, undefined, fieldSelector);
    const unit: Unit = { kind, resource, namespace, fieldSelector, informer, synced: false, failures: 0, errors: 0, missingCrd: false, forbidden: false, timer: undefined };
    unit.informer.on("add", (obj) => deliver(unit, "add", obj));
    unit.informer.on("update", (obj) => deliver(unit, "update", obj));
    unit.informer.on("delete", (obj) => deliver(unit, "delete", obj));
    unit.informer.on("error", (err: unknown) => onError(unit, err));
    return unit;
  }

  async function listAll(path: string, fieldSelector: string | undefined, transform: ObjectTransform): Promise<{ metadata: { resourceVersion: string }; items: KubernetesObject[] }> {
    const items: KubernetesObject[] = [];
    let resourceVersion = "";
    let continueToken: string | undefined;
    do {
      const page = await kubeRequest<RawList>(kubeConfig, { path, query: { limit: pageSize, continue: continueToken, fieldSelector }, timeoutMs: 60_000 });
      for (const item of page.items ?? []) {
        const kept = transform(item);
        if (kept !== undefined) items.push(kept);
      }
      resourceVersion = page.metadata?.resourceVersion ?? "";
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken !== undefined && !stopped);
    return { metadata: { resourceVersion }, items };
  }

  function deliver(unit: Unit, event: InformerEvent, obj: KubernetesObject): void {
    if (event === "add") objects.inc({ kind: unit.kind });
    else if (event === "delete") objects.dec({ kind: unit.kind });
    try {
      onEvent(unit.kind, event, obj);
    } catch (err) {
      log.error({ err, kind: unit.kind, namespace: obj.metadata?.namespace, name: obj.metadata?.name, event }, "informer event handler threw");
    }
  }

  function onListed(unit: Unit, count: number): void {
    unit.failures = 0;
    if (unit.missingCrd) log.info({ kind: unit.kind }, "CRD is installed now; watching its objects");
    unit.missingCrd = false;
    if (unit.forbidden) {
      log.info({ kind: unit.kind, namespace: unit.namespace }, "listing is allowed now; watching its objects");
      unit.forbidden = false;
      updateForbiddenGauge(unit.kind);
    }
    log.debug({ kind: unit.kind, namespace: unit.namespace, objects: count }, "informer listed");
    unreachableLogged = false;
    markSynced(unit);
  }

  function markSynced(unit: Unit): void {
    if (unit.synced) return;
    unit.synced = true;
    syncedGauge.set({ kind: unit.kind, namespace: unit.namespace ?? "" }, 1);
    if (units.every((u) => u.synced)) {
      log.info({ informers: units.length }, "all informers synced");
      resolveSynced();
    }
  }

  function onError(unit: Unit, err: unknown): void {
    if (stopped) return;
    unit.errors++;
    const e = KubeError.from(err);
    const fields = { kind: unit.kind, namespace: unit.namespace, fieldSelector: unit.fieldSelector };
    if (unit.resource.optional && e.statusCode === 404) {
      if (!unit.missingCrd) {
        log.warn({ ...fields, recheckInMs: crdRecheckMs }, `the ${unit.kind} CRD is not installed; skipping the kind until it is`);
      }
      unit.missingCrd = true;
      markSynced(unit); // nothing of a kind that does not exist: an empty list, not a reason to never serve
      schedule(unit, crdRecheckMs);
      return;
    }
    if (e.statusCode === 403) {
      // RBAC without this kind (upstream's ClusterRole has no ingressclasses rule): reported once and treated
      // as no objects of the kind, never a reason to serve nothing; a later grant is picked up on the recheck.
      if (!unit.forbidden) {
        log.warn(
          { ...fields, statusCode: 403, recheckInMs: crdRecheckMs, err: e },
          `not allowed to list ${unit.resource.plural}${unit.resource.group === "" ? "" : `.${unit.resource.group}`}: treating ${unit.kind} as having no objects${unit.kind === "IngressClass" ? " (Ingress classes are then matched by name, as upstream Contour does)" : ""}`,
        );
        unit.forbidden = true;
        updateForbiddenGauge(unit.kind);
      }
      markSynced(unit);
      schedule(unit, crdRecheckMs);
      return;
    }
    unit.failures++;
    restarts.inc({ kind: unit.kind });
    const delay = backoffDelay(unit.failures, backoff);
    if (e.statusCode === undefined) {
      // No answer at all: one line for the whole set (every informer fails alike), none of them a stack trace.
      if (!unreachableLogged) log.error({ server: kubeConfig.getCurrentCluster()?.server, error: e.message, retryInMs: delay }, "cannot reach the API server; retrying");
      else log.debug({ ...fields, error: e.message, failures: unit.failures, retryInMs: delay }, "API server still unreachable");
      unreachableLogged = true;
    } else {
      log.warn({ ...fields, error: e.message, statusCode: e.statusCode, failures: unit.failures, retryInMs: delay }, "informer list/watch failed; restarting");
    }
    schedule(unit, delay);
  }

  function updateForbiddenGauge(kind: WatchedKind): void {
    forbiddenGauge.set({ kind }, units.some((u) => u.kind === kind && u.forbidden) ? 1 : 0);
  }

  function schedule(unit: Unit, delayMs: number): void {
    if (stopped || unit.timer !== undefined) return;
    unit.timer = clock.setTimeout(() => {
      unit.timer = undefined;
      void run(unit);
    }, delayMs);
  }

  // start() relists when the informer has no resourceVersion (first run, or after 410 Gone) and otherwise
  // resumes the watch where it broke off.
  async function run(unit: Unit): Promise<void> {
    if (stopped) return;
    const errorsBefore = unit.errors;
    try {
      await unit.informer.start();
    } catch (err) {
      onError(unit, err);
      return;
    }
    if (unit.errors === errorsBefore) unit.failures = 0;
  }

  return {
    start() {
      for (const unit of units) void run(unit);
    },
    synced: () => syncedPromise,
    isSynced: () => units.every((u) => u.synced),
    forbidden: () => units.filter((u) => u.forbidden).map((u) => ({ kind: u.kind, namespace: u.namespace })),
    async stop() {
      stopped = true;
      for (const unit of units) if (unit.timer !== undefined) clock.clearTimeout(unit.timer);
      await Promise.all(units.map((u) => u.informer.stop()));
      if (!units.every((u) => u.synced)) rejectSynced(new Error("informers stopped before they synced"));
    },
  };
}

/**
 * Which informers to run. Secrets are split by type with a server-side field selector (which cannot OR):
 * kubernetes.io/tls, and Opaque for CA bundles; other types (service-account tokens, Helm releases, registry
 * credentials: most Secrets in a cluster) never reach us. Opaque Secrets without ca.crt/crl.pem are dropped
 * on arrival; see object-transforms.ts.
 */
export function planUnits(options: Pick<InformerSetOptions, "kinds" | "namespaces" | "envoyService">): { kind: WatchedKind; namespace: string | undefined; fieldSelector: string | undefined }[] {
  const kinds = options.kinds ?? WATCHED_KINDS;
  const namespaces = options.namespaces !== undefined && options.namespaces.length > 0 ? [...new Set(options.namespaces)].sort() : undefined;
  const plan: { kind: WatchedKind; namespace: string | undefined; fieldSelector: string | undefined }[] = [];
  for (const kind of kinds) {
    const resource = KIND_RESOURCES[kind];
    const scopes: (string | undefined)[] = namespaces !== undefined && (resource.namespaced || kind === "Namespace") ? namespaces : [undefined];
    for (const namespace of scopes) {
      const byName = kind === "Namespace" && namespace !== undefined ? `metadata.name=${namespace}` : undefined;
      if (kind === "Secret") {
        plan.push({ kind, namespace, fieldSelector: `type=${TLS_SECRET_TYPE}` });
        plan.push({ kind, namespace, fieldSelector: "type=Opaque" });
      } else {
        plan.push({ kind, namespace, fieldSelector: byName });
      }
    }
  }
  const envoy = options.envoyService;
  if (envoy !== undefined && namespaces !== undefined && !namespaces.includes(envoy.namespace) && kinds.includes("Service")) {
    plan.push({ kind: "Service", namespace: envoy.namespace, fieldSelector: `metadata.name=${envoy.name}` });
  }
  return plan;
}
