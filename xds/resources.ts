import type { Message } from "@bufbuild/protobuf";
import type { Cluster } from "./gen/envoy/config/cluster/v3/cluster_pb.js";
import type { ClusterLoadAssignment } from "./gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { Listener } from "./gen/envoy/config/listener/v3/listener_pb.js";
import type { RouteConfiguration } from "./gen/envoy/config/route/v3/route_pb.js";
import type { VirtualHost } from "./gen/envoy/config/route/v3/route_components_pb.js";
import type { Secret } from "./gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import type { Runtime } from "./gen/envoy/service/runtime/v3/rtds_pb.js";

/** The xDS type URLs this control plane serves, in the order adds must reach Envoy. */
export const TypeUrl = {
  runtime: "type.googleapis.com/envoy.service.runtime.v3.Runtime",
  secret: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
  cluster: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  endpoint: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
  listener: "type.googleapis.com/envoy.config.listener.v3.Listener",
  route: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  virtualHost: "type.googleapis.com/envoy.config.route.v3.VirtualHost",
} as const;

/** One of the served xDS type URLs. */
export type TypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/**
 * A complete set of Envoy resources: what translation produces and a snapshot holds.
 * Every list is sorted by name and names are unique within a list.
 */
export interface EnvoyResources {
  readonly listeners: readonly Listener[];
  readonly routes: readonly RouteConfiguration[];
  readonly clusters: readonly Cluster[];
  readonly endpoints: readonly ClusterLoadAssignment[];
  readonly secrets: readonly Secret[];
  /**
   * VHDS: the plain-HTTP virtual hosts as resources of their own (`ingress_http/<fqdn>`), served to
   * delta streams only (Envoy supports VHDS over delta xDS alone).
   */
  readonly virtualHosts?: readonly VirtualHost[];
  /** RTDS: the runtime layers (one, `dynamic`, when contour serves runtime values; see xds/translate/runtime-layer.ts). */
  readonly runtimes?: readonly Runtime[];
  /**
   * The route configurations delta streams get instead of `routes`, by the same names: the
   * plain-HTTP one names its virtual hosts through VHDS instead of holding them, so one tenant's
   * change sends one virtual host and one rejected host leaves the others' updates alone.
   */
  readonly deltaRoutes?: readonly RouteConfiguration[];
  /**
   * What changed since `changes.from`, a set this one was derived from: a snapshot built from the
   * snapshot of `from` applies only these instead of looking at every resource.
   */
  readonly changes?: ResourceChanges | undefined;
}

/** The lists of a resource set, by field name. */
export type ResourceListName = "listeners" | "routes" | "clusters" | "endpoints" | "secrets" | "virtualHosts" | "deltaRoutes" | "runtimes";

/** The resources of one list put (added or replaced) and the names removed. */
export interface ResourceListChanges {
  readonly upserted: readonly Message[];
  readonly removed: readonly string[];
}

/** How a resource set differs from the one it was derived from; a list not named is unchanged. */
export interface ResourceChanges {
  readonly from: EnvoyResources;
  readonly lists: Readonly<Partial<Record<ResourceListName, ResourceListChanges>>>;
}
