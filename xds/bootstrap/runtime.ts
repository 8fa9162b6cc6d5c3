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

/** The `layered_runtime` section of the bootstrap. */
export function buildLayeredRuntime(): JsonObject {
  return {
    layers: [
      {
        name: "static",
        static_layer: {
          "re2.max_program_size.error_level": RE2_MAX_PROGRAM_SIZE_ERROR,
          "re2.max_program_size.warn_level": RE2_MAX_PROGRAM_SIZE_WARN,
        },
      },
      // Last so that operators can override any value above through the admin /runtime_modify endpoint.
      { name: "admin", admin_layer: {} },
    ],
  };
}

/**
 * The `overload_manager` section: caps downstream connections. Envoy 1.40 deprecates the runtime key
 * `overload.global_downstream_max_connections` in favour of this resource monitor.
 */
export function buildOverloadManager(): JsonObject {
  return {
    resource_monitors: [
      {
        name: "envoy.resource_monitors.global_downstream_max_connections",
        typed_config: { "@type": DOWNSTREAM_CONNECTIONS_CONFIG_TYPE, max_active_downstream_connections: MAX_DOWNSTREAM_CONNECTIONS },
      },
    ],
  };
}
