// Envoy-wide limits for contour-managed Envoys: the layered runtime and the overload manager.
import type { JsonObject } from "@bufbuild/protobuf";

/**
 * RE2 program size above which Envoy rejects a regex. Envoy's default (100) turns modest user
 * regexes into NACKs; translation must refuse a regex above this instead of pushing it.
 */
export const RE2_MAX_PROGRAM_SIZE_ERROR = 1000;

/** RE2 program size above which Envoy logs a warning and counts `re2.exceeded_warn_level`, well before the error level. */
export const RE2_MAX_PROGRAM_SIZE_WARN = 500;

/**
 * Downstream connections Envoy accepts in total. Without a limit Envoy warns at start-up and a
 * connection flood can exhaust file descriptors; 50000 is what upstream Contour sets.
 */
export const MAX_DOWNSTREAM_CONNECTIONS = 50_000;

/** Type URL of the overload manager's downstream-connections monitor config (must be in the registry for `fromJson`). */
export const DOWNSTREAM_CONNECTIONS_CONFIG_TYPE =
  "type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig";

/** Name of the RTDS layer (and of the Runtime resource contour serves), as upstream. */
export const RTDS_LAYER_NAME = "dynamic";

/**
 * The `layered_runtime` section of the bootstrap: our static values, then (with `rtds`) the RTDS
 * layer contour serves over ADS (listener limits from the config file), then admin. Without `rtds`
 * for Envoys that have no xDS server (validation runs).
 */
export function buildLayeredRuntime(options: { readonly rtds?: boolean } = {}): JsonObject {
  const rtds = { name: RTDS_LAYER_NAME, rtds_layer: { name: RTDS_LAYER_NAME, rtds_config: { ads: {}, resource_api_version: "V3" } } };
  return {
    layers: [
      {
        name: "static",
        static_layer: {
          "re2.max_program_size.error_level": RE2_MAX_PROGRAM_SIZE_ERROR,
          "re2.max_program_size.warn_level": RE2_MAX_PROGRAM_SIZE_WARN,
        },
      },
      ...(options.rtds === true ? [rtds] : []),
      // Last so that operators can override any value above through the admin /runtime_modify endpoint.
      { name: "admin", admin_layer: {} },
    ],
  };
}

/**
 * The `overload_manager` section: caps downstream connections. Envoy 1.40 deprecates the runtime key
 * `overload.global_downstream_max_connections` in favour of this resource monitor.
 */
export function buildOverloadManager(maxConnections: number = MAX_DOWNSTREAM_CONNECTIONS, maxHeapBytes?: number): JsonObject {
  const monitors: JsonObject[] = [];
  if (maxConnections > 0) {
    monitors.push({
      name: "envoy.resource_monitors.global_downstream_max_connections",
      typed_config: { "@type": DOWNSTREAM_CONNECTIONS_CONFIG_TYPE, max_active_downstream_connections: maxConnections },
    });
  }
  if (maxHeapBytes === undefined) return { resource_monitors: monitors };
  const heapMonitor = "envoy.resource_monitors.fixed_heap";
  monitors.push({ name: heapMonitor, typed_config: { "@type": FIXED_HEAP_CONFIG_TYPE, max_heap_size_bytes: maxHeapBytes } });
  // Upstream's thresholds: release free memory first, refuse new requests only when nearly full.
  const action = (name: string, value: number) => ({ name, triggers: [{ name: heapMonitor, threshold: { value } }] });
  return {
    refresh_interval: "0.250s",
    resource_monitors: monitors,
    actions: [action("envoy.overload_actions.shrink_heap", 0.95), action("envoy.overload_actions.stop_accepting_requests", 0.98)],
  };
}

/** Type URL of the overload manager's fixed-heap monitor config. */
export const FIXED_HEAP_CONFIG_TYPE = "type.googleapis.com/envoy.extensions.resource_monitors.fixed_heap.v3.FixedHeapConfig";
