// The in-memory heart of `contour serve`: watched objects in, Envoy resources out. It owns the object
// cache and the model store, remembers what changed, and rebuilds only what depends on it. No I/O:
// serve.ts feeds it informer events and publishes what build() returns.
import type { KubernetesObject, V1EndpointSlice, V1Ingress } from "@kubernetes/client-node";
import { reconcileIngress } from "../../controllers/ingress/index.js";
import { createTlsSecretValidator } from "../../controllers/secrets/index.js";
import { createObjectCache, type MemoryObjectCache } from "../../controllers/source/memory-object-cache.js";
import { formatKey, type ObjectKey, type WatchedKind } from "../../controllers/source/object-cache.js";
import type { Condition } from "../../controllers/store/fragment.js";
import { createModelStore, type ModelStore } from "../../controllers/store/index.js";
import type { Model } from "../../controllers/model/model.js";
import type { EnvoyResources } from "../../xds/resources.js";
import { edsNamesOf, translateEndpoints, translateModel, type TranslateOptions } from "../../xds/translate/index.js";

/** Options of createPipeline: what reconcilers and translation need from the configuration. */
export interface PipelineOptions {
  readonly ingressClassName?: string | undefined;
  readonly translate: TranslateOptions;
}

/** What one build did, for logs, metrics and status. */
export interface BuildResult {
  readonly resources: EnvoyResources;
  /** Source objects reconciled in this build, with their conditions (undefined: the object is gone). */
  readonly reconciled: readonly { readonly key: ObjectKey; readonly conditions: readonly Condition[] | undefined }[];
  /** Whether only endpoints changed (routes, clusters and listeners were reused as they were). */
  readonly endpointsOnly: boolean;
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
  /** Read access to the cache (e.g. for the Envoy Service's status). */
  readonly cache: MemoryObjectCache;
  /** The current model, for debugging. */
  model(): Model;
}

/** Creates an empty pipeline. */
export function createPipeline(options: PipelineOptions): Pipeline {
  const cache = createObjectCache();
  const store: ModelStore = createModelStore();
  const validateTlsSecret = createTlsSecretValidator();
  const dirtySources = new Map<string, ObjectKey>();
  let endpointsDirty = false;
  let everBuilt = false;
  let lastModel: Model | undefined;
  let lastResources: EnvoyResources | undefined;

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
    const changed = event === "delete" ? cache.remove(key) : cache.insert(obj, kind);
    if (!changed) return false;
    switch (kind) {
      case "Ingress":
        dirtySources.set(formatKey(key), key);
        break;
      case "IngressClass":
        // Rare, and it decides which Ingresses are ours at all.
        markAllIngresses();
        break;
      case "EndpointSlice":
        // Endpoints go straight to EDS: no route depends on them.
        endpointsDirty = true;
        break;
      default:
        markDependents(key);
        break;
    }
    return true;
  }

  function build(): BuildResult {
    const changed = [...dirtySources.values()];
    dirtySources.clear();
    for (const key of changed) {
      const ingress = cache.get<V1Ingress>(key.kind, key.namespace, key.name);
      if (ingress === undefined) store.delete(key);
      else store.put(key, reconcileIngress(cache, ingress, { ingressClassName: options.ingressClassName, validateTlsSecret }));
    }
    // Conditions are read after every put: merging decides some of them, and merging once is enough.
    const model = store.model();
    const reconciled = changed.map((key) => ({ key, conditions: store.conditions(key) }));
    const slices = cache.list<V1EndpointSlice>("EndpointSlice");
    let resources: EnvoyResources;
    let endpointsOnly = false;
    if (lastResources !== undefined && model === lastModel) {
      endpointsOnly = true;
      resources = endpointsDirty ? { ...lastResources, endpoints: translateEndpoints(edsNamesOf(model), slices) } : lastResources;
    } else {
      resources = translateModel(model, slices, options.translate);
    }
    endpointsDirty = false;
    everBuilt = true;
    lastModel = model;
    lastResources = resources;
    return { resources, reconciled, endpointsOnly };
  }

  return {
    apply,
    pending: () => !everBuilt || dirtySources.size > 0 || endpointsDirty,
    build,
    servedIngresses: () => store.sources().filter((k) => k.kind === "Ingress" && (store.conditions(k)?.length ?? 0) > 0),
    conditions: (key) => store.conditions(key),
    cache,
    model: () => store.model(),
  };
}

function keyOf(kind: WatchedKind, obj: KubernetesObject): ObjectKey {
  return { kind, namespace: obj.metadata?.namespace ?? "", name: obj.metadata?.name ?? "" };
}
