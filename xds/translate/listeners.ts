/**
 * The two listeners: `ingress_http` (every virtual host, one route configuration) and
 * `ingress_https` (one SNI-matched filter chain per secure host or TCP proxy, and the fallback
 * certificate's chain when a host enabled it).
 */
import { create } from "@bufbuild/protobuf";
import type { Address } from "../gen/envoy/config/core/v3/address_pb.js";
import { AddressSchema } from "../gen/envoy/config/core/v3/address_pb.js";
import type { FilterChain, ListenerFilter } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { FilterChainSchema, ListenerFilterSchema } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import type { Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { ListenerSchema } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { ProxyProtocolSchema } from "../gen/envoy/extensions/filters/listener/proxy_protocol/v3/proxy_protocol_pb.js";
import { TlsInspectorSchema } from "../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js";
import type { ExternalAuthorization, Model, TcpProxyHost } from "../../controllers/model/model.js";
import { EnvoyExtension, HTTP_LISTENER_NAME, HTTP_ROUTE_CONFIG_NAME, HTTPS_LISTENER_NAME, httpsRouteConfigName } from "../names.js";
import type { SecureVirtualHost } from "./hosts.js";
import { tlsListenerHosts } from "./hosts.js";
import { translateHttpConnectionManager } from "./http-connection-manager.js";
import { hasCookieRewrites } from "./cookie-rewrite.js";
import { translateJwtAuthnFilter } from "./jwt-authn.js";
import { listenerSocketOptions } from "./socket-options.js";
import type { ResolvedOptions } from "./options.js";
import { compareStrings, typed } from "./proto.js";
import { translateTcpProxyChain } from "./tcp-proxy.js";
import { fallbackCertificateChain } from "./fallback-certificate.js";
import { misdirectedRequestFilter, needsMisdirectedCheck } from "./misdirected-request.js";
import { downstreamTlsSocket, HTTP_ALPN } from "./tls.js";

function socketAddress(address: string, port: number): Address {
  return create(AddressSchema, { address: { case: "socketAddress", value: { address, portSpecifier: { case: "portValue", value: port } } } });
}

function proxyProtocolFilters(options: ResolvedOptions): ListenerFilter[] {
  // PROXY protocol must be read before anything else looks at the bytes of the connection.
  if (!options.useProxyProtocol) return [];
  return [create(ListenerFilterSchema, { name: EnvoyExtension.proxyProtocol, configType: { case: "typedConfig", value: typed(ProxyProtocolSchema, {}) } })];
}

// Connection-level settings of both listeners (upstream's `listener.*` keys); absent: Envoy's defaults.
function connectionSettings(options: ResolvedOptions) {
  return {
    socketOptions: listenerSocketOptions(options),
    ...(options.perConnectionBufferLimitBytes === null ? {} : { perConnectionBufferLimitBytes: options.perConnectionBufferLimitBytes }),
    ...(options.exactConnectionBalance ? { connectionBalanceConfig: { balanceType: { case: "exactBalance" as const, value: {} } } } : {}),
  };
}

/**
 * The plain-HTTP listener; always present, since redirects to HTTPS are served from it too. With the
 * config file's globalExtAuth it checks every request (routes may switch the check off).
 */
export function translateHttpListener(options: ResolvedOptions, globalAuthorization?: ExternalAuthorization): Listener {
  return create(ListenerSchema, {
    name: HTTP_LISTENER_NAME,
    address: socketAddress(options.httpAddress, options.httpPort),
    ...connectionSettings(options),
    listenerFilters: proxyProtocolFilters(options),
    filterChains: [{ filters: [translateHttpConnectionManager({ statPrefix: HTTP_LISTENER_NAME, routeConfigName: HTTP_ROUTE_CONFIG_NAME, extAuthz: globalAuthorization }, options)] }],
  });
}

// ALPN offers only the HTTP versions served, h2 first (upstream's ProtoNamesForVersions).
function alpnFor(options: ResolvedOptions): readonly string[] {
  return HTTP_ALPN.filter((p) => options.httpVersions.includes(p === "h2" ? "HTTP/2" : "HTTP/1.1"));
}

/** The TLS listener's filter chain of one secure host. */
export function secureHostChain(vhost: SecureVirtualHost, options: ResolvedOptions): FilterChain {
  const forward = vhost.tls.clientValidation?.forwardClientCertificate;
  const jwt = translateJwtAuthnFilter(vhost.jwtProviders);
  const hcm = translateHttpConnectionManager(
    {
      statPrefix: HTTPS_LISTENER_NAME,
      routeConfigName: httpsRouteConfigName(vhost.fqdn),
      ...(forward === undefined ? {} : { forwardClientCertificate: forward }),
      extAuthz: vhost.authorization,
      ...(jwt === undefined ? {} : { hostHttpFilters: [jwt] }),
      // A wildcard chain serves many SNI names: only a per-request check finds a Host that is not the SNI.
      ...(needsMisdirectedCheck(vhost.fqdn) ? { leadingHttpFilters: [misdirectedRequestFilter()] } : {}),
      // Its routes are its own (https/<fqdn>): the Lua filter only when one of them rewrites cookies.
      cookieRewrite: vhost.routes.some(hasCookieRewrites),
    },
    options,
  );
  return create(FilterChainSchema, {
    filterChainMatch: { serverNames: [vhost.fqdn] },
    transportSocket: downstreamTlsSocket(vhost.tls, alpnFor(options), options),
    filters: [hcm],
  });
}

/**
 * The TLS listener, or undefined when there is nothing to serve on it. Filter chains are sorted by
 * server name (tlsListenerHosts has made the names unique: Envoy rejects the whole listener when
 * two chains match the same name).
 */
export function translateHttpsListener(
  model: Model,
  options: ResolvedOptions,
  chainOf: (vhost: SecureVirtualHost, options: ResolvedOptions) => FilterChain = secureHostChain,
  tcpChainOf: (host: TcpProxyHost, options: ResolvedOptions) => FilterChain | undefined = translateTcpProxyChain,
): Listener | undefined {
  const { secure, tcp } = tlsListenerHosts(model);
  const chains: [string, FilterChain][] = secure.map((vhost) => [vhost.fqdn, chainOf(vhost, options)]);
  for (const host of tcp) {
    const chain = tcpChainOf(host, options);
    if (chain !== undefined) chains.push([host.fqdn, chain]);
  }
  if (chains.length === 0) return undefined;
  const sorted = chains.sort(([a], [b]) => compareStrings(a, b)).map(([, chain]) => chain);
  // Without server names: last, read only when no SNI chain matches.
  const fallback = fallbackCertificateChain(secure, alpnFor(options), options);
  if (fallback !== undefined) sorted.push(fallback);
  const tlsInspector = create(ListenerFilterSchema, {
    name: EnvoyExtension.tlsInspector,
    configType: { case: "typedConfig", value: typed(TlsInspectorSchema, {}) },
  });
  return create(ListenerSchema, {
    name: HTTPS_LISTENER_NAME,
    address: socketAddress(options.httpsAddress, options.httpsPort),
    ...connectionSettings(options),
    listenerFilters: [...proxyProtocolFilters(options), tlsInspector],
    filterChains: sorted,
  });
}
