// The Envoy bootstrap that `contour bootstrap` writes: node identity, admin, the xDS cluster, ADS, limits.
import type { JsonObject } from "@bufbuild/protobuf";
import type { AdminListener, BootstrapOptions } from "./options.js";
import { buildLayeredRuntime, buildOverloadManager } from "./runtime.js";
import { buildAdminCluster, buildStatsListener } from "./stats-listener.js";
import { XDS_CLUSTER_NAME, buildXdsCluster } from "./xds-cluster.js";

/**
 * The bootstrap as proto3 JSON with the proto field names (snake_case), ready for `envoy -c` and for
 * `fromJson(BootstrapSchema, json, { registry })`. Pure: the same options give the same object.
 */
export function buildBootstrap(options: BootstrapOptions): JsonObject {
  const viaAds = { ads: {}, resource_api_version: "V3" };
  return {
    node: { id: options.nodeId, cluster: options.nodeCluster },
    admin: buildAdmin(options.admin),
    // The envoy-admin cluster always, as upstream: contour's stats/health and read-only admin listeners
    // (served over LDS) route to it. A static stats listener only when asked for (--stats-port).
    static_resources:
      options.statsListener === undefined
        ? { clusters: [buildXdsCluster(options), buildAdminCluster(options)] }
        : { clusters: [buildXdsCluster(options), buildAdminCluster(options)], listeners: [buildStatsListener(options.statsListener)] },
    dynamic_resources: {
      ads_config: {
        api_type: options.xdsMode === "delta" ? "DELTA_GRPC" : "GRPC",
        transport_api_version: "V3",
        grpc_services: [{ envoy_grpc: { cluster_name: XDS_CLUSTER_NAME } }],
        // The node is large and never changes on a stream; contour remembers it from the first request.
        set_node_on_first_message_only: true,
      },
      lds_config: viaAds,
      cds_config: viaAds,
    },
    // No periodic stats flush: the bootstrap has no stats sinks, and the flush walks every counter and
    // gauge, which with 10,000 clusters kept Envoy's main thread (the one applying xDS) busy for about
    // 0.3 s every 5 s (`node dist/bench/vhds-envoy.js`: 5.2 % of a core at rest, 0.2 % without).
    // Scrapes of /stats and /stats/prometheus still flush first, so what they show is current.
    stats_flush_on_admin: true,
    // A cluster's traffic stats (upstream_rq_*, upstream_cx_*, ...) come with its first request instead
    // of with the cluster: creating them was half of the time Envoy took to apply 12,000 clusters
    // (10.5 → 4.5 s, `node dist/bench/envoy-cold.js`), and clusters no request reaches keep no memory
    // for them. Names and values of the stats of clusters in use are unchanged. --eager-cluster-stats
    // creates them all up front, as upstream's bootstrap does.
    ...(options.eagerClusterStats === true ? {} : { deferred_stat_options: { enable_deferred_creation_stats: true } }),
    layered_runtime: buildLayeredRuntime({ rtds: true }),
    overload_manager: buildOverloadManager(options.maxDownstreamConnections, options.maxHeapBytes),
  };
}

/** `buildBootstrap` serialised as Envoy reads it: indented JSON with a trailing newline. */
export function renderBootstrap(options: BootstrapOptions): string {
  return `${JSON.stringify(buildBootstrap(options), null, 2)}\n`;
}

function buildAdmin(admin: AdminListener): JsonObject {
  const address: JsonObject =
    admin.kind === "tcp"
      ? { socket_address: { address: admin.address, port_value: admin.port } }
      : { pipe: { path: admin.path } };
  // Readiness probes and `contour` itself must reach admin even when downstream connections are at their limit.
  return { address, ignore_global_conn_limit: true };
}
