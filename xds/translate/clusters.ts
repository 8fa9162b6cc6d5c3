/**
 * Upstream clusters: one per model Cluster, endpoints over EDS, with the load-balancing policy,
 * protocol, TLS, circuit breakers, health checks and connection idle timeout the Service and its
 * routes ask for.
 */
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { Cluster as EnvoyCluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { Cluster_DiscoveryType, Cluster_DnsLookupFamily, Cluster_LbPolicy, ClusterSchema } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { CircuitBreakersSchema } from "../gen/envoy/config/cluster/v3/circuit_breaker_pb.js";
import { RoutingPriority } from "../gen/envoy/config/core/v3/base_pb.js";
import { HttpProtocolOptionsSchema } from "../gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js";
import type { Cluster } from "../../controllers/model/model.js";
import { clusterStatName, EnvoyExtension } from "../names.js";
import { translateHealthChecks } from "./health-check.js";
import { resolveOptions, type ResolvedOptions } from "./options.js";
import { adsConfigSource, durationFromMs, sortedBy, typed } from "./proto.js";
import { upstreamTlsSocket } from "./tls.js";
import { backendTlsSocket } from "./backend-tls.js";

/** What the config file sets for every cluster (connect_timeout must be positive; upstream's default is 2 s). */
export type ClusterDefaults = Pick<ResolvedOptions, "connectTimeoutMs" | "clusterMaxRequestsPerConnection" | "clusterPerConnectionBufferLimitBytes" | "clusterDnsLookupFamily"> &
  Partial<Pick<ResolvedOptions, "clusterCircuitBreakers" | "upstreamTls">>;

const DEFAULTS: ClusterDefaults = resolveOptions();

/** Upstream Contour's mapping: both session affinity (Cookie) and RequestHash need a hash ring. */
const LB_POLICIES: Record<Cluster["loadBalancer"], Cluster_LbPolicy> = {
  RoundRobin: Cluster_LbPolicy.ROUND_ROBIN,
  WeightedLeastRequest: Cluster_LbPolicy.LEAST_REQUEST,
  Random: Cluster_LbPolicy.RANDOM,
  RingHash: Cluster_LbPolicy.RING_HASH,
  Cookie: Cluster_LbPolicy.RING_HASH,
  RequestHash: Cluster_LbPolicy.RING_HASH,
};

/**
 * The upstream HTTP protocol options, or none to keep Envoy's defaults (HTTP/1.1, 1 h idle
 * timeout). One HttpProtocolOptions carries both the protocol and the idle timeout: Envoy reads a
 * single entry per extension name. It must name a protocol, so an idle timeout alone says HTTP/1.1.
 */
function protocolOptions(cluster: Cluster, maxRequests: number | null): Record<string, Any> {
  const http2 = cluster.protocol === "h2" || cluster.protocol === "h2c";
  const idle = cluster.idleConnectionTimeoutMs;
  const hasIdle = idle !== undefined && Number.isFinite(idle) && idle >= 0;
  if (!http2 && !hasIdle && maxRequests === null) return {};
  const options = typed(HttpProtocolOptionsSchema, {
    upstreamProtocolOptions: {
      case: "explicitHttpConfig",
      value: { protocolConfig: http2 ? { case: "http2ProtocolOptions", value: {} } : { case: "httpProtocolOptions", value: {} } },
    },
    // 0 disables the idle timeout, as in Envoy.
    ...(hasIdle || maxRequests !== null
      ? {
          commonHttpProtocolOptions: {
            ...(hasIdle ? { idleTimeout: durationFromMs(idle) } : {}),
            ...(maxRequests === null ? {} : { maxRequestsPerConnection: maxRequests }),
          },
        }
      : {}),
  });
  return { [EnvoyExtension.httpProtocolOptions]: options };
}

function circuitBreakers(cluster: Cluster, defaults: ClusterDefaults["clusterCircuitBreakers"]): MessageInitShape<typeof CircuitBreakersSchema> | undefined {
  const own = cluster.circuitBreakers ?? {};
  const extension = cluster.extension !== undefined;
  // As upstream: field by field, a Service's own threshold (unset or 0: none) wins over the config's
  // default. An ExtensionService's policy already replaced the defaults as a whole (its reconciler).
  const pick = (field: keyof NonNullable<Cluster["circuitBreakers"]>): number | undefined => {
    const value = own[field];
    return extension || (value !== undefined && value !== 0) ? value : (defaults?.[field] ?? value);
  };
  const limits = { maxConnections: pick("maxConnections"), maxPendingRequests: pick("maxPendingRequests"), maxRequests: pick("maxRequests"), maxRetries: pick("maxRetries") };
  // Only the limits that were given: Envoy's defaults (1024, 3 retries) stay for the rest.
  // An ExtensionService's 0 means Envoy's default too (upstream's UInt32OrNil).
  const given = (v: number | undefined): v is number => v !== undefined && (!extension || v > 0);
  const set = Object.fromEntries(Object.entries(limits).filter(([, v]) => given(v)).map(([k, v]) => [k, Math.max(0, Math.floor(v!))]));
  const perHost = pick("perHostMaxConnections");
  // An ExtensionService's, as upstream's applyCircuitBreakers: remaining counts tracked.
  const track = cluster.extension === undefined ? {} : { trackRemaining: true };
  const perHostThresholds = perHost !== undefined && perHost > 0 ? [{ priority: RoutingPriority.DEFAULT, maxConnections: Math.floor(perHost), ...track }] : [];
  if (Object.keys(set).length === 0 && perHostThresholds.length === 0) return undefined;
  return {
    ...(Object.keys(set).length === 0 ? {} : { thresholds: [{ priority: RoutingPriority.DEFAULT, ...set, ...track }] }),
    ...(perHostThresholds.length === 0 ? {} : { perHostThresholds }),
  };
}

/** EDS, or for an ExternalName Service Envoy's own DNS resolution of the name, as upstream (LOGICAL_DNS for family "all"). */
function discovery(cluster: Cluster, defaults: ClusterDefaults): Pick<MessageInitShape<typeof ClusterSchema>, "clusterDiscoveryType" | "edsClusterConfig" | "loadAssignment" | "dnsLookupFamily"> {
  if (cluster.externalName === undefined) return { clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS }, edsClusterConfig: { edsConfig: adsConfigSource(), serviceName: cluster.endpoints } };
  const family = defaults.clusterDnsLookupFamily;
  const address = { address: { case: "socketAddress" as const, value: { address: cluster.externalName, portSpecifier: { case: "portValue" as const, value: cluster.service.port } } } };
  return {
    clusterDiscoveryType: { case: "type", value: family === "all" ? Cluster_DiscoveryType.LOGICAL_DNS : Cluster_DiscoveryType.STRICT_DNS },
    dnsLookupFamily: DNS_LOOKUP_FAMILY[family],
    loadAssignment: { clusterName: cluster.name, endpoints: [{ lbEndpoints: [{ hostIdentifier: { case: "endpoint", value: { address } } }] }] },
  };
}

const DNS_LOOKUP_FAMILY: Readonly<Record<ResolvedOptions["clusterDnsLookupFamily"], Cluster_DnsLookupFamily>> = {
  auto: Cluster_DnsLookupFamily.AUTO,
  v4: Cluster_DnsLookupFamily.V4_ONLY,
  v6: Cluster_DnsLookupFamily.V6_ONLY,
  all: Cluster_DnsLookupFamily.ALL,
};

/** Upstream's slow start: the ramp of the two policies Envoy ramps (the reconciler refuses it on others). */
function slowStartConfig(cluster: Cluster): Pick<MessageInitShape<typeof ClusterSchema>, "lbConfig"> {
  const ramp = cluster.slowStart;
  if (ramp === undefined) return {};
  const config = {
    slowStartWindow: durationFromMs(ramp.windowMs),
    // Upstream's runtime key, so an operator can still tune it at run time as there.
    aggression: { defaultValue: ramp.aggression, runtimeKey: "contour.slowstart.aggression" },
    minWeightPercent: { value: ramp.minWeightPercent },
  };
  if (cluster.loadBalancer === "RoundRobin") return { lbConfig: { case: "roundRobinLbConfig", value: { slowStartConfig: config } } };
  if (cluster.loadBalancer === "WeightedLeastRequest") return { lbConfig: { case: "leastRequestLbConfig", value: { slowStartConfig: config } } };
  return {};
}

/**
 * As upstream, no panic routing with health checks, so traffic never goes to endpoints the checks
 * failed (when none pass, Envoy answers 503 rather than send it to all of them). A weighted
 * UDPRoute rule's cluster picks a locality (one per backend) by its EDS weight for each session.
 */
function commonLbConfig(cluster: Cluster, healthChecked: boolean): Pick<MessageInitShape<typeof ClusterSchema>, "commonLbConfig"> {
  const panic = healthChecked ? { healthyPanicThreshold: { value: 0 } } : {};
  const locality = cluster.weightedMembers === undefined ? {} : { localityConfigSpecifier: { case: "localityWeightedLbConfig" as const, value: {} } };
  if (!healthChecked && cluster.weightedMembers === undefined) return {};
  return { commonLbConfig: { ...panic, ...locality } };
}

/** The Envoy cluster of one model Cluster. */
export function translateCluster(cluster: Cluster, defaults: ClusterDefaults = DEFAULTS): EnvoyCluster {
  const { service, protocol } = cluster;
  // An ExtensionService's circuitBreakerPolicy already replaced the configured defaults as a whole.
  const breakers = circuitBreakers(cluster, cluster.extension === undefined ? defaults.clusterCircuitBreakers : undefined);
  const healthChecks = translateHealthChecks(cluster);
  // "h2" is HTTP/2 over TLS (ALPN h2), "h2c" HTTP/2 in the clear, "tls" HTTP/1.1 over TLS.
  const upstreamTls = defaults.upstreamTls ?? null;
  const alpn = protocol === "h2" ? ["h2"] : protocol === "tls" ? [] : undefined;
  // A BackendTLSPolicy's TLS (Gateway API) replaces the upstream-validation of HTTPProxy clusters.
  const tls = alpn === undefined ? undefined : cluster.backendTls !== undefined ? backendTlsSocket(cluster.backendTls, alpn) : upstreamTlsSocket(cluster, alpn, upstreamTls);
  return create(ClusterSchema, {
    name: cluster.name,
    // An ExtensionService joins several ports: its globally unique name, "/" made "_", as upstream.
    // A weighted UDPRoute rule's cluster joins several Services too: named after the rule the same way.
    altStatName: cluster.extension === undefined && cluster.weightedMembers === undefined ? clusterStatName(service.namespace, service.name, service.port) : cluster.name.replaceAll("/", "_"),
    ...discovery(cluster, defaults),
    connectTimeout: durationFromMs(cluster.connectTimeoutMs > 0 ? cluster.connectTimeoutMs : defaults.connectTimeoutMs),
    ...(defaults.clusterPerConnectionBufferLimitBytes === null ? {} : { perConnectionBufferLimitBytes: defaults.clusterPerConnectionBufferLimitBytes }),
    lbPolicy: LB_POLICIES[cluster.loadBalancer],
    ...slowStartConfig(cluster),
    ...(breakers === undefined ? {} : { circuitBreakers: breakers }),
    ...(tls === undefined ? {} : { transportSocket: tls }),
    typedExtensionProtocolOptions: protocolOptions(cluster, defaults.clusterMaxRequestsPerConnection),
    ...(healthChecks.length === 0
      ? {}
      : {
          healthChecks,
          // As upstream: an endpoint gone from EDS is dropped at once, not kept until it fails a check.
          ignoreHealthOnHostRemoval: true,
        }),
    ...commonLbConfig(cluster, healthChecks.length > 0),
  });
}

/** Every cluster, sorted by name, each name once (the first wins; the model should not repeat one). */
export function translateClusters(clusters: readonly Cluster[], translateOne: (cluster: Cluster) => EnvoyCluster = translateCluster): EnvoyCluster[] {
  const unique = new Map<string, Cluster>();
  for (const c of clusters) if (!unique.has(c.name)) unique.set(c.name, c);
  return sortedBy([...unique.values()], (c) => c.name).map(translateOne);
}
