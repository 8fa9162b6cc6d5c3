/**
 * Gateway API streams (TLSRoute, TCPRoute, UDPRoute) in Envoy: a TLS stream is a filter chain
 * chosen by SNI (`server_names`) whose tcp_proxy forwards the TLS bytes untouched (Passthrough) or
 * the decrypted bytes (Terminate, with the listener's certificate); a TCP stream is the listener's
 * only filter chain; a UDP listener is a listener of its own with Envoy's UDP proxy
 * (envoy.filters.udp_listener.udp_proxy), whose cluster splits sessions among weighted backends
 * by locality weight. Filter chains are named after the route rule
 * (`tlsroute/<ns>/<name>/rule/<i>`), stat prefixes after the Envoy listener.
 */
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { AddressSchema, SocketAddress_Protocol, type Address } from "../gen/envoy/config/core/v3/address_pb.js";
import { FilterChainSchema, ListenerFilterSchema, type FilterChain } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { ListenerSchema, type Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { TcpProxySchema } from "../gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js";
import { UdpProxyConfigSchema } from "../gen/envoy/extensions/filters/udp/udp_proxy/v3/udp_proxy_pb.js";
import { RouteSchema as UdpRouteSchema } from "../gen/envoy/extensions/filters/udp/udp_proxy/v3/route_pb.js";
import type { GatewayEnvoyListener, GatewayStream } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import { translateAccessLog } from "./access-log.js";
import type { ResolvedOptions } from "./options.js";
import { typed } from "./proto.js";
import { downstreamTlsSocket } from "./tls.js";
import { normaliseWeights } from "./weights.js";

/** Envoy's name of the UDP proxy listener filter. */
export const UDP_PROXY_FILTER = "envoy.filters.udp_listener.udp_proxy";

type ClusterSpecifier = MessageInitShape<typeof TcpProxySchema>["clusterSpecifier"];

function clusterSpecifier(stream: GatewayStream): ClusterSpecifier | undefined {
  // TCP proxy weights must be at least 1: a zero-weight backend is left out entirely.
  const clusters = normaliseWeights(stream.clusters).filter((c) => c.weight > 0);
  const [only] = clusters;
  if (only === undefined) return undefined;
  if (clusters.length === 1) return { case: "cluster", value: only.cluster };
  return { case: "weightedClusters", value: { clusters: clusters.map((c) => ({ name: c.cluster, weight: c.weight })) } };
}

/**
 * The filter chain of a TLS or TCP stream. A stream without a backend gets a chain without
 * filters: Envoy accepts the connection and closes it at once, which is what the spec asks of a
 * route whose backends are all invalid (a reset, not a refused connection).
 */
export function gatewayStreamChain(listener: GatewayEnvoyListener, stream: GatewayStream, options: ResolvedOptions): FilterChain {
  const specifier = clusterSpecifier(stream);
  const match = stream.serverNames.length > 0 ? { filterChainMatch: { serverNames: [...stream.serverNames] } } : {};
  if (specifier === undefined) return create(FilterChainSchema, { name: `${stream.name}/${stream.listener}`, ...match, filters: [] });
  const tcpProxy = typed(TcpProxySchema, { statPrefix: listener.name, clusterSpecifier: specifier, accessLog: translateAccessLog(options) });
  return create(FilterChainSchema, {
    name: `${stream.name}/${stream.listener}`,
    ...match,
    filters: [{ name: EnvoyExtension.tcpProxy, configType: { case: "typedConfig", value: tcpProxy } }],
    // No ALPN when terminating: the bytes inside are not necessarily HTTP.
    ...(stream.tls === undefined ? {} : { transportSocket: downstreamTlsSocket(stream.tls, [], options) }),
  });
}

function udpAddress(address: string, port: number): Address {
  return create(AddressSchema, { address: { case: "socketAddress", value: { address, protocol: SocketAddress_Protocol.UDP, portSpecifier: { case: "portValue", value: port } } } });
}

/**
 * The UDP listener of a Gateway port: the UDP proxy sending each client's session to the first
 * stream's cluster. Envoy's UDP proxy routes to one cluster and uses its load balancer per session,
 * so a rule with several weighted backends comes as one cluster with a locality per backend (see
 * weightedUdpCluster in controllers/gateway); of several clusters, the one with the largest
 * weight is used. No listener when nothing resolved.
 */
export function translateGatewayUdpListener(listener: GatewayEnvoyListener, options: ResolvedOptions): Listener[] {
  const stream = listener.streams?.[0];
  const best = stream === undefined ? undefined : [...stream.clusters].filter((c) => c.weight > 0).sort((a, b) => b.weight - a.weight)[0];
  if (best === undefined) return [];
  const route = typed(UdpRouteSchema, { cluster: best.cluster });
  const udpProxy = typed(UdpProxyConfigSchema, {
    statPrefix: listener.name,
    routeSpecifier: { case: "matcher", value: { onNoMatch: { onMatch: { case: "action", value: { name: "route", typedConfig: route } } } } },
    accessLog: translateAccessLog(options),
  });
  return [
    create(ListenerSchema, {
      name: listener.name,
      address: udpAddress(options.httpAddress, listener.port),
      udpListenerConfig: {},
      listenerFilters: [create(ListenerFilterSchema, { name: UDP_PROXY_FILTER, configType: { case: "typedConfig", value: udpProxy } })],
    }),
  ];
}
