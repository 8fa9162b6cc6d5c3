// The names one resource needs another type to provide: what the consistency check verifies.
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { anyIs, anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import { type Cluster, Cluster_DiscoveryType } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { TransportSocket } from "../gen/envoy/config/core/v3/base_pb.js";
import type { FilterChain } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import type { Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { HttpConnectionManagerSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { SdsSecretConfig } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import {
  type CommonTlsContext,
  DownstreamTlsContextSchema,
  UpstreamTlsContextSchema,
} from "../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { TypeName } from "./resource-types.js";

/** One name a resource needs from another type, and where in the resource the need comes from. */
export interface Reference {
  /** The type that must provide the name. */
  readonly type: Extract<TypeName, "endpoint" | "route" | "secret">;
  readonly name: string;
  /** Where the reference sits, e.g. `filter chain 0 HttpConnectionManager`; used in problems. */
  readonly at: string;
}

/** A decode failure met while following references (a typed_config whose bytes do not parse). */
export interface ReferenceProblem {
  readonly at: string;
  readonly message: string;
}

/** What a resource references, plus anything that could not be inspected. */
export interface References {
  readonly references: Reference[];
  readonly problems: ReferenceProblem[];
}

/**
 * What a cluster needs: its ClusterLoadAssignment when it is an EDS cluster (service_name, else
 * the cluster name, as Envoy subscribes), and SDS secrets of its upstream TLS contexts.
 */
export function clusterReferences(cluster: Cluster): References {
  const out: References = { references: [], problems: [] };
  if (cluster.clusterDiscoveryType.case === "type" && cluster.clusterDiscoveryType.value === Cluster_DiscoveryType.EDS) {
    const serviceName = cluster.edsClusterConfig?.serviceName ?? "";
    out.references.push({ type: "endpoint", name: serviceName !== "" ? serviceName : cluster.name, at: "eds_cluster_config" });
  }
  addTransportSocket(out, cluster.transportSocket, "transport_socket");
  cluster.transportSocketMatches.forEach((match, i) => addTransportSocket(out, match.transportSocket, `transport_socket_matches[${i}]`));
  return out;
}

/**
 * What a listener needs: the RouteConfiguration of every HttpConnectionManager that uses RDS, and
 * SDS secrets of downstream TLS contexts, in every filter chain including the default one.
 */
export function listenerReferences(listener: Listener): References {
  const out: References = { references: [], problems: [] };
  listener.filterChains.forEach((chain, i) => addFilterChain(out, chain, `filter_chains[${i}]${chainLabel(chain)}`));
  if (listener.defaultFilterChain !== undefined) addFilterChain(out, listener.defaultFilterChain, "default_filter_chain");
  return out;
}

function chainLabel(chain: FilterChain): string {
  return chain.name !== "" ? ` (${chain.name})` : "";
}

function addFilterChain(out: References, chain: FilterChain, at: string): void {
  chain.filters.forEach((filter, i) => {
    if (filter.configType.case !== "typedConfig") return;
    const any = filter.configType.value;
    if (!anyIs(any, HttpConnectionManagerSchema)) return;
    const where = `${at} filters[${i}] HttpConnectionManager`;
    const hcm = unpack(out, any, HttpConnectionManagerSchema, where);
    if (hcm?.routeSpecifier.case === "rds") out.references.push({ type: "route", name: hcm.routeSpecifier.value.routeConfigName, at: where });
  });
  addTransportSocket(out, chain.transportSocket, `${at} transport_socket`);
}

function addTransportSocket(out: References, socket: TransportSocket | undefined, at: string): void {
  if (socket?.configType.case !== "typedConfig") return;
  const any = socket.configType.value;
  if (anyIs(any, DownstreamTlsContextSchema)) {
    const tls = unpack(out, any, DownstreamTlsContextSchema, at);
    if (tls === undefined) return;
    addCommonTlsContext(out, tls.commonTlsContext, at);
    if (tls.sessionTicketKeysType.case === "sessionTicketKeysSdsSecretConfig") addSecret(out, tls.sessionTicketKeysType.value, `${at} session_ticket_keys`);
  } else if (anyIs(any, UpstreamTlsContextSchema)) {
    const tls = unpack(out, any, UpstreamTlsContextSchema, at);
    if (tls !== undefined) addCommonTlsContext(out, tls.commonTlsContext, at);
  }
}

function addCommonTlsContext(out: References, common: CommonTlsContext | undefined, at: string): void {
  if (common === undefined) return;
  for (const sds of common.tlsCertificateSdsSecretConfigs) addSecret(out, sds, `${at} tls_certificate`);
  const validation = common.validationContextType;
  if (validation.case === "validationContextSdsSecretConfig") addSecret(out, validation.value, `${at} validation_context`);
  if (validation.case === "combinedValidationContext") addSecret(out, validation.value.validationContextSdsSecretConfig, `${at} validation_context`);
}

function addSecret(out: References, sds: SdsSecretConfig | undefined, at: string): void {
  // Without sds_config the name refers to a static secret in Envoy's bootstrap, not to one we serve.
  if (sds === undefined || sds.sdsConfig === undefined) return;
  const source = sds.sdsConfig.configSourceSpecifier.case;
  if (source === "path" || source === "pathConfigSource") return;
  out.references.push({ type: "secret", name: sds.name, at });
}

function unpack<Desc extends DescMessage>(out: References, any: Any, schema: Desc, at: string): MessageShape<Desc> | undefined {
  try {
    return anyUnpack(any, schema);
  } catch (err) {
    out.problems.push({ at, message: `cannot decode ${schema.typeName}: ${err instanceof Error ? err.message : String(err)}` });
    return undefined;
  }
}
