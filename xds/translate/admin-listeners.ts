/**
 * The listeners that expose parts of Envoy's own admin interface, served over LDS as upstream Contour
 * v1.33.6 does (internal/envoy/v3/stats.go): the stats/health listener(s) from `metrics.envoy` and the
 * stats flags (`stats-health`, or `stats` + `health` when they differ or metrics use TLS), upstream's
 * `health-om-enforced` from `omEnforcedHealthListener`, and the
 * read-only `envoy-admin` listener on 127.0.0.1:`network.admin-port`. Every route is GET-only, matched
 * on the exact path, and goes to the static `envoy-admin` cluster `contour bootstrap` writes; a path
 * off the list (/quitquitquit, /healthcheck/fail, ...) gets a 404, so no listener can change Envoy.
 * Because these come over LDS, Envoy's /ready on :8002 answers only once xDS has delivered listeners.
 */
import { create } from "@bufbuild/protobuf";
import { AddressSchema } from "../gen/envoy/config/core/v3/address_pb.js";
import { TransportSocketSchema, type TransportSocket } from "../gen/envoy/config/core/v3/base_pb.js";
import { FilterSchema } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { ListenerSchema, type Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouterSchema } from "../gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { TlsParameters_TlsProtocol } from "../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { DownstreamTlsContextSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { EnvoyResources } from "../resources.js";
import { EnvoyExtension } from "../names.js";
import { compareStrings, typed } from "./proto.js";

/** The static cluster of the bootstrap whose one endpoint is Envoy's admin interface. */
export const ENVOY_ADMIN_CLUSTER = "envoy-admin";

/** The read-only admin listener's name (upstream's). */
export const ENVOY_ADMIN_LISTENER = "envoy-admin";

/** Admin paths the read-only admin listener serves (upstream's list, in its order). */
export const ADMIN_LISTENER_PATHS: readonly string[] = [
  "/certs",
  "/clusters",
  "/listeners",
  "/config_dump",
  "/memory",
  "/ready",
  "/runtime",
  "/server_info",
  "/stats",
  "/stats/prometheus",
  "/stats/recentlookups",
];

/** Files of the metrics listener's TLS (upstream's `metrics.envoy.server-certificate-path` ...), as Envoy sees them. */
export interface MetricsTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** When set, clients must present a certificate this CA bundle issued. */
  readonly caFile?: string | undefined;
}

/** Where the admin-derived listeners listen. */
export interface AdminListenerSettings {
  /** `metrics.envoy` (or `envoy.metrics`): /stats and /stats/prometheus; default 0.0.0.0:8002. */
  readonly metrics: { readonly address: string; readonly port: number; readonly tls?: MetricsTlsFiles | undefined };
  /** The stats flags (`envoy.health`): /ready; default 0.0.0.0:8002. */
  readonly health: { readonly address: string; readonly port: number };
  /** `network.admin-port` (`envoy.network.adminPort`); 0: no read-only admin listener. */
  readonly adminPort: number;
  /** `omEnforcedHealthListener` (`envoy.omEnforcedHealth`): a /ready listener the global connection limit applies to. */
  readonly omEnforcedHealth?: { readonly address: string; readonly port: number } | undefined;
}

/** Upstream's defaults: stats and health together on 0.0.0.0:8002, admin on 127.0.0.1:9001. */
export const ADMIN_LISTENER_DEFAULTS: AdminListenerSettings = {
  metrics: { address: "0.0.0.0", port: 8002 },
  health: { address: "0.0.0.0", port: 8002 },
  adminPort: 9001,
};

/** The listeners, sorted by name: stats/health per upstream's three cases, then envoy-admin. */
export function translateAdminListeners(settings: AdminListenerSettings = ADMIN_LISTENER_DEFAULTS): Listener[] {
  const { metrics, health } = settings;
  const listeners: Listener[] = [];
  if (metrics.tls === undefined && metrics.address === health.address && metrics.port === health.port) {
    listeners.push(adminPathsListener("stats-health", "stats", metrics, ["/ready", "/stats", "/stats/prometheus"]));
  } else {
    // Readiness stays plain HTTP even when metrics are TLS: kubelet's probe does not present a certificate.
    const tls = metrics.tls === undefined ? undefined : metricsTlsSocket(metrics.tls);
    listeners.push(adminPathsListener("stats", "stats", metrics, ["/stats", "/stats/prometheus"], tls));
    listeners.push(adminPathsListener("health", "stats", health, ["/ready"]));
  }
  if (settings.omEnforcedHealth !== undefined) {
    // Unlike the others it is subject to the overload manager: a saturated Envoy fails this probe.
    listeners.push(adminPathsListener("health-om-enforced", "stats", settings.omEnforcedHealth, ["/ready"], undefined, false));
  }
  if (settings.adminPort > 0) listeners.push(adminPathsListener(ENVOY_ADMIN_LISTENER, ENVOY_ADMIN_LISTENER, { address: "127.0.0.1", port: settings.adminPort }, ADMIN_LISTENER_PATHS));
  return listeners.sort((a, b) => compareStrings(a.name, b.name));
}

function adminPathsListener(name: string, statPrefix: string, at: { readonly address: string; readonly port: number }, paths: readonly string[], transportSocket?: TransportSocket, ignoreGlobalConnLimit = true): Listener {
  const routes = paths.map((path) => ({
    match: {
      pathSpecifier: { case: "path" as const, value: path },
      headers: [{ name: ":method", headerMatchSpecifier: { case: "stringMatch" as const, value: { ignoreCase: true, matchPattern: { case: "exact" as const, value: "GET" } } } }],
    },
    action: { case: "route" as const, value: { clusterSpecifier: { case: "cluster" as const, value: ENVOY_ADMIN_CLUSTER } } },
  }));
  const hcm = typed(HttpConnectionManagerSchema, {
    statPrefix,
    routeSpecifier: { case: "routeConfig", value: { virtualHosts: [{ name: "backend", domains: ["*"], routes }] } },
    httpFilters: [{ name: EnvoyExtension.router, configType: { case: "typedConfig", value: typed(RouterSchema, {}) } }],
    normalizePath: true,
  });
  return create(ListenerSchema, {
    name,
    address: create(AddressSchema, { address: { case: "socketAddress", value: { address: at.address, portSpecifier: { case: "portValue", value: at.port } } } }),
    // Probes and scrapes must get through when downstream connections are at their global limit.
    ignoreGlobalConnLimit,
    socketOptions: KEEPALIVE_SOCKET_OPTIONS,
    filterChains: [
      {
        filters: [create(FilterSchema, { name: EnvoyExtension.httpConnectionManager, configType: { case: "typedConfig", value: hcm } })],
        ...(transportSocket === undefined ? {} : { transportSocket }),
      },
    ],
  });
}

// Upstream's TCPKeepalive(): SO_KEEPALIVE on, so a scraper that vanished does not hold a connection forever.
const KEEPALIVE_SOCKET_OPTIONS = [{ description: "Enable TCP keep-alive", level: 1n, name: 9n, value: { case: "intValue" as const, value: 1n } }];

// TLS 1.3 only, as upstream; the files are read by Envoy (upstream names them through SDS secrets).
function metricsTlsSocket(files: MetricsTlsFiles): TransportSocket {
  const context = typed(DownstreamTlsContextSchema, {
    commonTlsContext: {
      tlsParams: { tlsMinimumProtocolVersion: TlsParameters_TlsProtocol.TLSv1_3, tlsMaximumProtocolVersion: TlsParameters_TlsProtocol.TLSv1_3 },
      tlsCertificates: [{ certificateChain: { specifier: { case: "filename", value: files.certFile } }, privateKey: { specifier: { case: "filename", value: files.keyFile } } }],
      ...(files.caFile === undefined ? {} : { validationContextType: { case: "validationContext" as const, value: { trustedCa: { specifier: { case: "filename" as const, value: files.caFile } } } } }),
    },
    ...(files.caFile === undefined ? {} : { requireClientCertificate: true }),
  });
  return create(TransportSocketSchema, { name: EnvoyExtension.tlsTransportSocket, configType: { case: "typedConfig", value: context } });
}

/** The set given to withAdminListeners last time and the set it returned (which was published). */
export interface PublishedAdminListeners {
  readonly from: EnvoyResources;
  readonly published: EnvoyResources;
}

/**
 * `resources` with the admin listeners added. They never change while contour runs, so a set derived
 * from the one given last time is re-based on the set published then and the change lists stay as
 * they are: the snapshot is still updated incrementally.
 */
export function withAdminListeners(resources: EnvoyResources, admin: readonly Listener[], last?: PublishedAdminListeners): EnvoyResources {
  if (admin.length === 0) return resources;
  const listeners = [...resources.listeners, ...admin].sort((a, b) => compareStrings(a.name, b.name));
  const changes = resources.changes;
  if (changes === undefined) return { ...resources, listeners };
  if (last !== undefined && changes.from === last.from) return { ...resources, listeners, changes: { from: last.published, lists: changes.lists } };
  // Derived from a set this function never saw: drop the change lists, the snapshot is rebuilt in full.
  const { changes: _dropped, ...full } = resources;
  return { ...full, listeners };
}
