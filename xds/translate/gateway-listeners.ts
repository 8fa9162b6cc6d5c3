/**
 * Gateway API listeners: one Envoy listener per (Gateway, port) on its allocated port, named
 * `gateway/<ns>/<name>/<port>`. HTTP: one route configuration of that name holding the virtual hosts
 * of every Gateway listener on the port. HTTPS: a filter chain per Gateway listener, matched by SNI
 * (its hostname; none for a hostname-less one), with its certificate and a route configuration
 * `<listener>/<listenerKey>` of its own. TLS, TCP and UDP streams: see gateway-streams.ts.
 * ingress_http and ingress_https are not touched.
 */
import { create } from "@bufbuild/protobuf";
import { AddressSchema, type Address } from "../gen/envoy/config/core/v3/address_pb.js";
import { FilterChainSchema, ListenerFilterSchema, type FilterChain } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { ListenerSchema, type Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema, type RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import type { VirtualHost as EnvoyVirtualHost } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { HeaderValueOption_HeaderAppendAction } from "../gen/envoy/config/core/v3/base_pb.js";
import { TlsInspectorSchema } from "../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js";
import type { GatewayEnvoyListener, GatewayListenerChain, VirtualHost } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import { translateHttpConnectionManager } from "./http-connection-manager.js";
import type { ResolvedOptions } from "./options.js";
import { compareStrings, typed } from "./proto.js";
import { translateVirtualHost } from "./routes.js";
import { downstreamTlsSocket, HTTP_ALPN } from "./tls.js";
import { gatewayStreamChain, translateGatewayUdpListener } from "./gateway-streams.js";

/** The Envoy listeners and route configurations of the Gateway listeners. */
export interface GatewayTranslation {
  readonly listeners: Listener[];
  readonly routes: RouteConfiguration[];
}

/** The route configuration name of an HTTPS Gateway listener's filter chain. */
export function gatewayChainRouteConfigName(listener: string, chainKey: string): string {
  return `${listener}/${chainKey}`;
}

function socketAddress(address: string, port: number): Address {
  return create(AddressSchema, { address: { case: "socketAddress", value: { address, portSpecifier: { case: "portValue", value: port } } } });
}

/**
 * The Envoy virtual hosts of some model hosts, named `<listenerKey>/<fqdn>` so a config dump says which
 * Gateway listener each came from. Envoy refuses a route configuration in which two virtual hosts
 * share a domain: the first (in listener order) keeps it.
 */
function envoyHosts(chains: readonly { readonly key: string; readonly virtualHosts: readonly VirtualHost[] }[], protocol: "http" | "https"): EnvoyVirtualHost[] {
  const seen = new Set<string>();
  const out: EnvoyVirtualHost[] = [];
  for (const chain of chains) {
    for (const vhost of chain.virtualHosts) {
      const domain = vhost.fqdn.toLowerCase();
      if (seen.has(domain)) continue;
      seen.add(domain);
      const translated = translateVirtualHost(vhost, protocol);
      out.push({ ...translated, name: `${chain.key}/${vhost.fqdn}` });
    }
  }
  return out;
}

function routeConfiguration(name: string, vhosts: EnvoyVirtualHost[]): RouteConfiguration {
  return create(RouteConfigurationSchema, {
    name,
    virtualHosts: vhosts,
    requestHeadersToAdd: [
      { header: { key: "x-request-start", value: "t=%START_TIME(%s.%3f)%" }, appendAction: HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD },
    ],
  });
}

function httpsChain(listener: GatewayEnvoyListener, chain: GatewayListenerChain, options: ResolvedOptions): FilterChain | undefined {
  if (chain.tls === undefined) return undefined;
  const hcm = translateHttpConnectionManager({ statPrefix: listener.name, routeConfigName: gatewayChainRouteConfigName(listener.name, chain.key) }, options);
  return create(FilterChainSchema, {
    name: chain.key,
    ...(chain.hostname === undefined ? {} : { filterChainMatch: { serverNames: [chain.hostname] } }),
    transportSocket: downstreamTlsSocket(chain.tls, HTTP_ALPN),
    filters: [hcm],
  });
}

/** Translates one Gateway port's listener and its route configurations. */
export function translateGatewayListener(listener: GatewayEnvoyListener, options: ResolvedOptions): GatewayTranslation {
  const address = socketAddress(options.httpAddress, listener.port);
  if (listener.protocol === "HTTP") {
    const hcm = translateHttpConnectionManager({ statPrefix: listener.name, routeConfigName: listener.name }, options);
    return {
      listeners: [create(ListenerSchema, { name: listener.name, address, filterChains: [{ filters: [hcm] }] })],
      routes: [routeConfiguration(listener.name, envoyHosts(listener.chains, "http"))],
    };
  }
  if (listener.protocol === "UDP") return { listeners: translateGatewayUdpListener(listener, options), routes: [] };
  if (listener.protocol === "TCP") {
    const chain = listener.streams?.[0] === undefined ? undefined : gatewayStreamChain(listener, listener.streams[0], options);
    return { listeners: chain === undefined ? [] : [create(ListenerSchema, { name: listener.name, address, filterChains: [chain] })], routes: [] };
  }
  const chains: FilterChain[] = [];
  const routes: RouteConfiguration[] = [];
  // Envoy refuses two filter chains with the same match: a server name goes to the first chain
  // claiming it (HTTPS listeners, then TLS streams oldest first, as the stage ordered them).
  const claimed = new Set<string>();
  for (const chain of listener.chains) {
    const built = httpsChain(listener, chain, options);
    if (built === undefined) continue;
    claimed.add(chain.hostname ?? "");
    chains.push(built);
    routes.push(routeConfiguration(gatewayChainRouteConfigName(listener.name, chain.key), envoyHosts([chain], "https")));
  }
  for (const stream of listener.streams ?? []) {
    const names = stream.serverNames.length === 0 ? [""] : stream.serverNames;
    const free = names.filter((n) => !claimed.has(n));
    if (free.length === 0) continue;
    const built = gatewayStreamChain(listener, { ...stream, serverNames: free.filter((n) => n !== "") }, options);
    for (const n of free) claimed.add(n);
    chains.push(built);
  }
  // A listener without a single filter chain would accept connections only to close them: leave it out.
  if (chains.length === 0) return { listeners: [], routes: [] };
  const tlsInspector = create(ListenerFilterSchema, { name: EnvoyExtension.tlsInspector, configType: { case: "typedConfig", value: typed(TlsInspectorSchema, {}) } });
  return {
    listeners: [create(ListenerSchema, { name: listener.name, address, listenerFilters: [tlsInspector], filterChains: chains })],
    routes: routes.sort((a, b) => compareStrings(a.name, b.name)),
  };
}
