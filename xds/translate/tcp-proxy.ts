/**
 * Filter chains of TCP proxies on the TLS listener: matched by SNI, then either forwarded as an
 * opaque TLS stream (passthrough) or decrypted here and forwarded as plain TCP (termination).
 */
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { FilterChain } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { FilterChainSchema } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { TcpProxySchema } from "../gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js";
import type { TcpProxyHost } from "../../controllers/model/model.js";
import { EnvoyExtension, HTTPS_LISTENER_NAME } from "../names.js";
import { translateAccessLog } from "./access-log.js";
import type { ResolvedOptions } from "./options.js";
import { typed } from "./proto.js";
import { downstreamTlsSocket } from "./tls.js";
import { normaliseWeights } from "./weights.js";

type ClusterSpecifier = MessageInitShape<typeof TcpProxySchema>["clusterSpecifier"];

function clusterSpecifier(host: TcpProxyHost): ClusterSpecifier | undefined {
  // TCP proxy weights must be at least 1: a zero-weight destination is left out entirely.
  const clusters = normaliseWeights(host.clusters).filter((c) => c.weight > 0);
  const [only] = clusters;
  if (only === undefined) return undefined;
  if (clusters.length === 1) return { case: "cluster", value: only.cluster };
  return {
    case: "weightedClusters",
    value: { clusters: clusters.map((c) => ({ name: c.cluster, weight: c.weight })) },
  };
}

/**
 * The filter chain of one TCP proxy host, or undefined when it has no destination (a TCP proxy
 * without a cluster is rejected by Envoy, and there is nothing useful to do with the connection).
 */
export function translateTcpProxyChain(host: TcpProxyHost, options: ResolvedOptions): FilterChain | undefined {
  const specifier = clusterSpecifier(host);
  if (specifier === undefined) return undefined;
  const tcpProxy = typed(TcpProxySchema, {
    statPrefix: HTTPS_LISTENER_NAME,
    clusterSpecifier: specifier,
    accessLog: translateAccessLog(options),
  });
  return create(FilterChainSchema, {
    filterChainMatch: { serverNames: [host.fqdn] },
    filters: [{ name: EnvoyExtension.tcpProxy, configType: { case: "typedConfig", value: tcpProxy } }],
    // No ALPN when terminating: the bytes inside are not necessarily HTTP.
    ...(host.tls === undefined ? {} : { transportSocket: downstreamTlsSocket(host.tls, [], options) }),
  });
}
