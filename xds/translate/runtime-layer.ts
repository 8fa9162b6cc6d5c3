// The RTDS runtime layer `dynamic` that contour serves: the listener settings Envoy takes only as
// runtime values (upstream Contour's internal/xdscache/v3/runtime.go).
import { create, type JsonObject } from "@bufbuild/protobuf";
import { RuntimeSchema, type Runtime } from "../gen/envoy/service/runtime/v3/rtds_pb.js";
import type { EnvoyResources, ResourceListChanges } from "../resources.js";

/** Name of the RTDS layer in the bootstrap and of the one Runtime resource (upstream's `dynamic`). */
export const DYNAMIC_RUNTIME_LAYER = "dynamic";

/** The config file's listener settings that become runtime values; unset means not served. */
export interface RuntimeSettings {
  /** `listener.max-requests-per-io-cycle`: `http.max_requests_per_io_cycle`. */
  readonly maxRequestsPerIoCycle?: number;
  /** `listener.max-connections-per-listener`: `envoy.resource_limits.listener.<name>.connection_limit` for every listener. */
  readonly maxConnectionsPerListener?: number;
}

/**
 * The runtime keys for these settings and listener names, sorted. Only settings that are set (and
 * above 0, as upstream) give keys; the static listeners of the bootstrap are not counted, as upstream.
 */
export function runtimeValues(settings: RuntimeSettings, listenerNames: readonly string[]): [string, number][] {
  const values: [string, number][] = [];
  if (settings.maxRequestsPerIoCycle !== undefined && settings.maxRequestsPerIoCycle > 0) values.push(["http.max_requests_per_io_cycle", settings.maxRequestsPerIoCycle]);
  if (settings.maxConnectionsPerListener !== undefined && settings.maxConnectionsPerListener > 0) {
    for (const name of listenerNames) values.push([`envoy.resource_limits.listener.${name}.connection_limit`, settings.maxConnectionsPerListener]);
  }
  return values.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The `dynamic` layer. Always one resource, empty when nothing is set: the bootstrap names the
 * layer, and Envoy waits for every RTDS layer at start-up.
 */
export function translateRuntimeLayer(settings: RuntimeSettings, listenerNames: readonly string[]): Runtime {
  return create(RuntimeSchema, { name: DYNAMIC_RUNTIME_LAYER, layer: Object.fromEntries(runtimeValues(settings, listenerNames)) });
}

/** The keys and values of a runtime layer (tests and logs). */
export function runtimeLayerJson(runtime: Runtime): JsonObject {
  return runtime.layer ?? {};
}

/** The last set given to withRuntimeLayer and the set it returned (which was published). */
export interface PublishedRuntime {
  readonly from: EnvoyResources;
  readonly published: EnvoyResources;
}

/**
 * `resources` with its runtime layer, recomputed from its listeners. When `resources` was derived
 * from the set given last time, it is re-based on the set published then (so the snapshot is still
 * updated incrementally), and the layer is listed as a change only if its values differ.
 */
export function withRuntimeLayer(resources: EnvoyResources, settings: RuntimeSettings, last?: PublishedRuntime): EnvoyResources {
  const next = translateRuntimeLayer(settings, resources.listeners.map((l) => l.name));
  const previous = last?.published.runtimes?.[0];
  const unchanged = previous !== undefined && sameLayer(previous, next);
  const runtime = unchanged ? previous : next;
  const changes = resources.changes;
  if (changes === undefined) return { ...resources, runtimes: [runtime] };
  const from = last !== undefined && changes.from === last.from ? last.published : changes.from;
  const lists = unchanged ? changes.lists : { ...changes.lists, runtimes: { upserted: [runtime], removed: [] } satisfies ResourceListChanges };
  return { ...resources, runtimes: [runtime], changes: { from, lists } };
}

function sameLayer(a: Runtime, b: Runtime): boolean {
  const x = a.layer ?? {};
  const y = b.layer ?? {};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}
