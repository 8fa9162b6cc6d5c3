/**
 * JWT verification (HTTPProxy jwtProviders), as upstream's FilterJWTAuthN: one
 * envoy.filters.http.jwt_authn filter in the secure host's own HCM holding its providers, with one
 * requirement per provider under the provider's name; a route that needs a JWT names its
 * requirement in typed_per_filter_config, so route order (already sorted) decides, and no match
 * rules are repeated in the filter. Routes without per-route config are not verified. Each remote
 * JWKS is fetched through a `dnsname/<scheme>/<host>` cluster Envoy resolves itself.
 */
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { Cluster as EnvoyCluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { Cluster_DiscoveryType, Cluster_DnsLookupFamily, Cluster_LbPolicy, ClusterSchema } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { JwtAuthenticationSchema, PerRouteConfigSchema } from "../gen/envoy/extensions/filters/http/jwt_authn/v3/config_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { HttpFilterSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { DnsNameCluster, JwtProvider, Model, Route, VirtualHost } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import type { ResolvedOptions } from "./options.js";
import { durationFromMs, sortedBy, typed } from "./proto.js";
import { upstreamTlsSocket } from "./tls.js";

/** The jwt_authn filter of a secure host with providers, or undefined (no filter) without. */
export function translateJwtAuthnFilter(providers: readonly JwtProvider[] | undefined): HttpFilter | undefined {
  if (providers === undefined || providers.length === 0) return undefined;
  const config = typed(JwtAuthenticationSchema, {
    providers: Object.fromEntries(
      providers.map((p) => [
        p.name,
        {
          issuer: p.issuer,
          audiences: [...p.audiences],
          forward: p.forwardJwt,
          jwksSourceSpecifier: {
            case: "remoteJwks" as const,
            value: {
              httpUri: { uri: p.remoteJwks.uri, httpUpstreamType: { case: "cluster" as const, value: p.remoteJwks.cluster.name }, timeout: durationFromMs(p.remoteJwks.timeoutMs) },
              ...(p.remoteJwks.cacheDurationMs !== undefined ? { cacheDuration: durationFromMs(p.remoteJwks.cacheDurationMs) } : {}),
            },
          },
        },
      ]),
    ),
    requirementMap: Object.fromEntries(providers.map((p) => [p.name, { requiresType: { case: "providerName" as const, value: p.name } }])),
  });
  return create(HttpFilterSchema, { name: EnvoyExtension.jwtAuthn, configType: { case: "typedConfig", value: config } });
}

/**
 * Whether a route on the TLS listener asks for a provider its host does not carry. The reconciler
 * refuses such hosts; should a model still hold one, the route answers 401 rather than serve
 * unverified (and a requirement name missing from the filter would make Envoy reject the routes).
 */
export function jwtUnsatisfiable(route: Route, vhost: VirtualHost, listener: "http" | "https"): boolean {
  return listener === "https" && route.jwtProvider !== undefined && !(vhost.jwtProviders ?? []).some((p) => p.name === route.jwtProvider);
}

/** A route's requirement on the TLS listener (the only one carrying the filter), or undefined. */
export function jwtRouteConfig(route: Route, vhost: VirtualHost, listener: "http" | "https"): Any | undefined {
  if (listener !== "https" || route.jwtProvider === undefined || (vhost.jwtProviders ?? []).length === 0) return undefined;
  return typed(PerRouteConfigSchema, { requirementSpecifier: { case: "requirementName", value: route.jwtProvider } });
}

const LOOKUP_FAMILY: Readonly<Record<NonNullable<DnsNameCluster["dnsLookupFamily"]>, Cluster_DnsLookupFamily>> = {
  auto: Cluster_DnsLookupFamily.AUTO,
  v4: Cluster_DnsLookupFamily.V4_ONLY,
  v6: Cluster_DnsLookupFamily.V6_ONLY,
  all: Cluster_DnsLookupFamily.ALL,
};

/** What a DNS cluster takes from the options. */
export type DnsClusterDefaults = Pick<ResolvedOptions, "connectTimeoutMs" | "clusterDnsLookupFamily">;

/** The Envoy cluster of a DnsNameCluster: Envoy resolves the host itself (upstream's DNSNameCluster). */
export function translateDnsNameCluster(cluster: DnsNameCluster, defaults: DnsClusterDefaults): EnvoyCluster {
  const family = cluster.dnsLookupFamily ?? defaults.clusterDnsLookupFamily;
  return create(ClusterSchema, {
    name: cluster.name,
    // As upstream: "all" hands every address to one LOGICAL_DNS connection pool instead of one host per address.
    clusterDiscoveryType: { case: "type", value: family === "all" ? Cluster_DiscoveryType.LOGICAL_DNS : Cluster_DiscoveryType.STRICT_DNS },
    dnsLookupFamily: LOOKUP_FAMILY[family],
    connectTimeout: durationFromMs(defaults.connectTimeoutMs),
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    loadAssignment: {
      clusterName: cluster.name,
      endpoints: [
        { lbEndpoints: [{ hostIdentifier: { case: "endpoint", value: { address: { address: { case: "socketAddress", value: { address: cluster.address, portSpecifier: { case: "portValue", value: cluster.port } } } } } } }] },
      ],
    },
    // https: SNI is the host, and the certificate is checked when a CA was given (upstream's UpstreamTLSContext).
    ...(cluster.scheme === "https" ? { transportSocket: upstreamTlsSocket({ sni: cluster.address, ...(cluster.upstreamValidation !== undefined ? { upstreamValidation: cluster.upstreamValidation } : {}) }, []) } : {}),
  });
}

/**
 * The DNS clusters of every served secure host's JWKS, sorted by name, each name once: two hosts
 * naming one JWKS host share its cluster; should they differ (port, CA), the first host by fqdn wins.
 */
export function dnsNameClustersOf(model: Model): DnsNameCluster[] {
  const byName = new Map<string, DnsNameCluster>();
  for (const vhost of sortedBy(model.virtualHosts, (v) => v.fqdn)) {
    if (vhost.tls === undefined) continue;
    for (const p of vhost.jwtProviders ?? []) if (!byName.has(p.remoteJwks.cluster.name)) byName.set(p.remoteJwks.cluster.name, p.remoteJwks.cluster);
  }
  return sortedBy([...byName.values()], (c) => c.name);
}
