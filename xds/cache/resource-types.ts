// What the cache and server need to know about each served resource type, in one table.
import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import { ClusterSchema } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../gen/envoy/config/route/v3/route_pb.js";
import { VirtualHostSchema } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { SecretSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { RuntimeSchema } from "../gen/envoy/service/runtime/v3/rtds_pb.js";
import { HTTP_ROUTE_CONFIG_NAME } from "../names.js";
import { TypeUrl, type EnvoyResources } from "../resources.js";

/** The short name of a served type: metric label and log field. */
export type TypeName = "secret" | "cluster" | "endpoint" | "listener" | "route" | "virtualHost" | "runtime";

/** Static facts about one served resource type. */
export interface ResourceType {
  readonly typeUrl: TypeUrl;
  readonly name: TypeName;
  readonly schema: DescMessage;
  /**
   * Whether an empty subscription means "everything" (the legacy wildcard): listeners, clusters
   * and VHDS virtual hosts; Envoy learns every other name from them.
   */
  readonly wildcard: boolean;
  /**
   * Whether a subscribed name is a namespace: VHDS subscribes to a route configuration's name and
   * means every resource named `<that name>/<host>`.
   */
  readonly namespaced: boolean;
  /**
   * For a namespaced type: the namespaces a first delta answer with nothing in it reports as
   * removed (the route configurations naming their hosts through VHDS). Envoy hands a delta
   * response to a watch only when it adds or removes something the watch covers, and a VHDS watch
   * that hears nothing keeps its route configuration (and the listener using it) waiting for the
   * initial fetch timeout. A removal of a name Envoy does not hold is the protocol's "does not exist".
   */
  readonly absentNamespaces?: readonly string[];
  /**
   * Whether listeners and routes point at this type (secrets, clusters, endpoints). For make
   * before break, upstream changes are sent and ACKed before listeners and routes are sent, and
   * upstream removals wait until Envoy has accepted the listeners and routes that stopped using them.
   */
  readonly upstream: boolean;
  /** The resources of this type in a complete set. */
  readonly list: (resources: EnvoyResources) => readonly Message[];
  /** The resource's name as Envoy subscribes to it. */
  readonly nameOf: (resource: Message) => string;
}

const named = (resource: Message): string => (resource as unknown as { name: string }).name;

/**
 * The RTDS layer a set without runtimes serves: empty, named as the bootstrap's layer (`dynamic`),
 * because Envoy waits at start-up for every RTDS layer its bootstrap names.
 */
const EMPTY_RUNTIME_LAYERS: readonly Message[] = [create(RuntimeSchema, { name: "dynamic", layer: {} })];

/**
 * Every served type in the order a change must reach Envoy: what is referenced before what refers
 * to it (secrets and clusters before the listeners and routes that use them).
 */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  // RTDS first: a listener's connection limit is in place before the listener. Envoy subscribes to
  // the layer by name (`dynamic`); it references nothing and nothing references it.
  { typeUrl: TypeUrl.runtime, name: "runtime", schema: RuntimeSchema, wildcard: false, namespaced: false, upstream: true, list: (r) => r.runtimes ?? EMPTY_RUNTIME_LAYERS, nameOf: named },
  { typeUrl: TypeUrl.secret, name: "secret", schema: SecretSchema, wildcard: false, namespaced: false, upstream: true, list: (r) => r.secrets, nameOf: named },
  { typeUrl: TypeUrl.cluster, name: "cluster", schema: ClusterSchema, wildcard: true, namespaced: false, upstream: true, list: (r) => r.clusters, nameOf: named },
  {
    typeUrl: TypeUrl.endpoint,
    name: "endpoint",
    schema: ClusterLoadAssignmentSchema,
    wildcard: false,
    namespaced: false,
    upstream: true,
    list: (r) => r.endpoints,
    nameOf: (resource) => (resource as unknown as { clusterName: string }).clusterName,
  },
  { typeUrl: TypeUrl.listener, name: "listener", schema: ListenerSchema, wildcard: true, namespaced: false, upstream: false, list: (r) => r.listeners, nameOf: named },
  { typeUrl: TypeUrl.route, name: "route", schema: RouteConfigurationSchema, wildcard: false, namespaced: false, upstream: false, list: (r) => r.routes, nameOf: named },
  // After the route configurations that name them through VHDS.
  {
    typeUrl: TypeUrl.virtualHost,
    name: "virtualHost",
    schema: VirtualHostSchema,
    // Envoy's VHDS subscription over ADS names nothing (it filters by namespace itself): wildcard.
    wildcard: true,
    namespaced: true,
    absentNamespaces: [HTTP_ROUTE_CONFIG_NAME],
    upstream: false,
    list: (r) => r.virtualHosts ?? [],
    nameOf: named,
  },
];

const byUrl = new Map<string, ResourceType>(RESOURCE_TYPES.map((t) => [t.typeUrl, t]));

/** The served type with this URL, or undefined for a type this server does not serve. */
export function lookupResourceType(typeUrl: string): ResourceType | undefined {
  return byUrl.get(typeUrl);
}

/** The short name of a type URL: the served name, else the last segment of the URL. */
export function typeNameOf(typeUrl: string): string {
  return byUrl.get(typeUrl)?.name ?? typeUrl.slice(typeUrl.lastIndexOf(".") + 1);
}
