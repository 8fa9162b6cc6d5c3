// The `envoy-admin` cluster (always in the bootstrap, as upstream's) and the optional static
// `stats-health` listener (`contour bootstrap --stats-port`, off by default): contour serves the
// stats/health listener over LDS as upstream does, so Envoy's /ready answers only once xDS has
// delivered listeners; the static one is for an Envoy that must answer probes before that.
import type { JsonObject } from "@bufbuild/protobuf";
import type { AdminListener } from "./options.js";

/** Name of the cluster that points at Envoy's own admin interface. */
export const ADMIN_CLUSTER_NAME = "envoy-admin";

/** Name of the static listener serving the admin paths below (upstream's name). */
export const STATS_LISTENER_NAME = "stats-health";

/** The admin paths the stats-health listener serves, matched exactly. */
export const STATS_LISTENER_PATHS = ["/ready", "/stats", "/stats/prometheus"] as const;

/** The cluster whose one endpoint is Envoy's admin interface (a unix socket or a TCP address). */
export function buildAdminCluster(options: { readonly admin: AdminListener; readonly namespace?: string | undefined }): JsonObject {
  const admin = options.admin;
  const address: JsonObject = admin.kind === "unix" ? { pipe: { path: admin.path } } : { socket_address: { address: admin.address, port_value: admin.port } };
  return {
    name: ADMIN_CLUSTER_NAME,
    // Upstream's stat name: <namespace>_envoy-admin_<admin port>, its deprecated --admin-port being 9001 unless set.
    alt_stat_name: `${options.namespace ?? "projectcontour"}_${ADMIN_CLUSTER_NAME}_${admin.kind === "tcp" ? admin.port : 9001}`,
    type: "STATIC",
    connect_timeout: "0.250s",
    load_assignment: { cluster_name: ADMIN_CLUSTER_NAME, endpoints: [{ lb_endpoints: [{ endpoint: { address } }] }] },
  };
}

/** The `stats-health` listener on `address:port`, routing the admin paths to the admin cluster. */
export function buildStatsListener(listen: { readonly address: string; readonly port: number }): JsonObject {
  const routes = STATS_LISTENER_PATHS.map((path) => ({
    match: { path, headers: [{ name: ":method", string_match: { exact: "GET", ignore_case: true } }] },
    route: { cluster: ADMIN_CLUSTER_NAME },
  }));
  return {
    name: STATS_LISTENER_NAME,
    address: { socket_address: { address: listen.address, port_value: listen.port } },
    // Probes must get through when downstream connections are at their global limit.
    ignore_global_conn_limit: true,
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              stat_prefix: "stats",
              normalize_path: true,
              route_config: { virtual_hosts: [{ name: "backend", domains: ["*"], routes }] },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
            },
          },
        ],
      },
    ],
  };
}
