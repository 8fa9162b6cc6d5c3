// Fixture builders for Envoy resources (tests, e2e and benchmarks): small, valid, ADS-sourced.
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { type Cluster, Cluster_DiscoveryType, ClusterSchema } from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import { type ConfigSource, ApiVersion, ConfigSourceSchema } from "../../gen/envoy/config/core/v3/config_source_pb.js";
import { type ClusterLoadAssignment, ClusterLoadAssignmentSchema } from "../../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { LbEndpointSchema } from "../../gen/envoy/config/endpoint/v3/endpoint_components_pb.js";
import { type Listener, ListenerSchema } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { type RouteConfiguration, RouteConfigurationSchema } from "../../gen/envoy/config/route/v3/route_pb.js";
import { RouteSchema } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import { RouterSchema } from "../../gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { type Secret, SecretSchema } from "../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { DownstreamTlsContextSchema, UpstreamTlsContextSchema } from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { EnvoyResources } from "../../resources.js";

/** A ConfigSource pointing at the ADS stream, as every dynamic reference in contour's output does. */
export function adsSource(): ConfigSource {
  return create(ConfigSourceSchema, { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: ApiVersion.V3 });
}

/** Options of cluster(). */
export interface ClusterFixture {
  /** EDS service_name when it differs from the cluster name. */
  serviceName?: string;
  /** SDS secret of an upstream TLS context. */
  secret?: string;
  /** Connect timeout in seconds (default 2); changing it changes the cluster's version. */
  connectTimeoutSeconds?: number;
}

/** An EDS cluster fed over ADS. */
export function cluster(name: string, options: ClusterFixture = {}): Cluster {
  return create(ClusterSchema, {
    name,
    connectTimeout: { seconds: BigInt(options.connectTimeoutSeconds ?? 2) },
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: adsSource(), serviceName: options.serviceName ?? "" },
    ...(options.secret === undefined
      ? {}
      : {
          transportSocket: {
            name: "envoy.transport_sockets.tls",
            configType: {
              case: "typedConfig",
              value: anyPack(
                UpstreamTlsContextSchema,
                create(UpstreamTlsContextSchema, { commonTlsContext: { tlsCertificateSdsSecretConfigs: [{ name: options.secret, sdsConfig: adsSource() }] } }),
              ),
            },
          },
        }),
  });
}

/** A ClusterLoadAssignment with one locality of endpoints, each `host:port`, optionally weighted. */
export function endpoints(clusterName: string, addresses: readonly (string | { address: string; weight: number })[]): ClusterLoadAssignment {
  return create(ClusterLoadAssignmentSchema, {
    clusterName,
    endpoints: [
      {
        lbEndpoints: addresses.map((entry) => {
          const { address, weight } = typeof entry === "string" ? { address: entry, weight: undefined } : entry;
          const colon = address.lastIndexOf(":");
          return create(LbEndpointSchema, {
            hostIdentifier: {
              case: "endpoint",
              value: {
                address: {
                  address: {
                    case: "socketAddress",
                    value: { address: address.slice(0, colon), portSpecifier: { case: "portValue", value: Number(address.slice(colon + 1)) } },
                  },
                },
              },
            },
            ...(weight === undefined ? {} : { loadBalancingWeight: weight }),
          });
        }),
      },
    ],
  });
}

/** Options of listener(). */
export interface ListenerFixture {
  address?: string;
  port?: number;
  /** SDS secret of a downstream TLS context on the filter chain. */
  secret?: string;
}

/** An HTTP listener whose HttpConnectionManager takes its routes from RDS `routeName` over ADS. */
export function listener(name: string, routeName: string, options: ListenerFixture = {}): Listener {
  const hcm = create(HttpConnectionManagerSchema, {
    statPrefix: name,
    routeSpecifier: { case: "rds", value: { routeConfigName: routeName, configSource: adsSource() } },
    httpFilters: [{ name: "envoy.filters.http.router", configType: { case: "typedConfig", value: anyPack(RouterSchema, create(RouterSchema)) } }],
  });
  return create(ListenerSchema, {
    name,
    address: {
      address: {
        case: "socketAddress",
        value: { address: options.address ?? "127.0.0.1", portSpecifier: { case: "portValue", value: options.port ?? 8080 } },
      },
    },
    filterChains: [
      {
        filters: [{ name: "envoy.filters.network.http_connection_manager", configType: { case: "typedConfig", value: anyPack(HttpConnectionManagerSchema, hcm) } }],
        ...(options.secret === undefined
          ? {}
          : {
              transportSocket: {
                name: "envoy.transport_sockets.tls",
                configType: {
                  case: "typedConfig",
                  value: anyPack(
                    DownstreamTlsContextSchema,
                    create(DownstreamTlsContextSchema, { commonTlsContext: { tlsCertificateSdsSecretConfigs: [{ name: options.secret, sdsConfig: adsSource() }] } }),
                  ),
                },
              },
            }),
      },
    ],
  });
}

/** One route of a route configuration: a path prefix sent to one cluster or split by weight. */
export interface RouteFixture {
  prefix: string;
  /** One cluster, or clusters with weights. */
  to: string | readonly { cluster: string; weight: number }[];
  /** A safe_regex path match instead of the prefix (used to provoke NACKs with a bad regex). */
  regex?: string;
}

/** A route configuration with one virtual host matching every domain. */
export function routeConfig(name: string, routes: readonly RouteFixture[]): RouteConfiguration {
  return create(RouteConfigurationSchema, {
    name,
    virtualHosts: [
      {
        name: `${name}/vhost`,
        domains: ["*"],
        routes: routes.map((r) =>
          create(RouteSchema, {
          match: { pathSpecifier: r.regex === undefined ? { case: "prefix", value: r.prefix } : { case: "safeRegex", value: { regex: r.regex } } },
          action: {
            case: "route",
            value: {
              clusterSpecifier:
                typeof r.to === "string"
                  ? { case: "cluster", value: r.to }
                  : { case: "weightedClusters", value: { clusters: r.to.map((w) => ({ name: w.cluster, weight: w.weight })) } },
            },
          },
          }),
        ),
      },
    ],
  });
}

/** A TLS certificate secret with inline PEM (not a real key pair unless given one). */
export function secret(name: string, pem: { cert: string; key: string } = { cert: "cert", key: "key" }): Secret {
  return create(SecretSchema, {
    name,
    type: {
      case: "tlsCertificate",
      value: {
        certificateChain: { specifier: { case: "inlineString", value: pem.cert } },
        privateKey: { specifier: { case: "inlineString", value: pem.key } },
      },
    },
  });
}

/** A complete resource set; omitted lists are empty. */
export function resources(parts: Partial<{ [K in keyof EnvoyResources]: EnvoyResources[K] }> = {}): EnvoyResources {
  return { listeners: parts.listeners ?? [], routes: parts.routes ?? [], clusters: parts.clusters ?? [], endpoints: parts.endpoints ?? [], secrets: parts.secrets ?? [] };
}

/**
 * A consistent set of `count` clusters with endpoints and one listener + route configuration
 * routing `/svc-<i>` to cluster `svc-<i>`: the shape used by tests and the benchmark.
 */
export function scaledResources(count: number, options: { backend?: string; port?: number } = {}): EnvoyResources {
  const names = Array.from({ length: count }, (_, i) => `svc-${String(i).padStart(5, "0")}`);
  return resources({
    listeners: [listener("ingress_http", "ingress_http", { port: options.port ?? 8080 })],
    routes: [routeConfig("ingress_http", names.map((n) => ({ prefix: `/${n}`, to: n })))],
    clusters: names.map((n) => cluster(n)),
    endpoints: names.map((n) => endpoints(n, [options.backend ?? "127.0.0.1:9"])),
  });
}
