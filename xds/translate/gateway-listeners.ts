/**
 * Gateway API listeners: one Envoy listener per (Gateway, port) on its allocated port, named
 * `gateway/<ns>/<name>/<port>`. HTTP: one route configuration of that name holding the virtual hosts
 * of every Gateway listener on the port. HTTPS: a filter chain per Gateway listener, matched by SNI
 * (its hostname; none for a hostname-less one), with its certificate and a route configuration
 * `<listener>/<listenerKey>` of its own. TLS, TCP and UDP streams: see gateway-streams.ts.
 * ingress_http and ingress_https are not touched.
 *
 * Each HTTPS chain's route configuration also answers 421 Misdirected Request for a Host that belongs
 * to another Gateway listener on the port, and, for a chain with a hostname, for any Host outside it
 * (GatewayHTTPSListenerDetectMisdirectedRequests): a client reusing a connection, or naming another
 * host than its SNI, must not get the routes of the listener its SNI chose.
 */
import { create } from "@bufbuild/protobuf";
import { AddressSchema, type Address } from "../gen/envoy/config/core/v3/address_pb.js";
import { FilterChainSchema, ListenerFilterSchema, type FilterChain } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { ListenerSchema, type Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema, type RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import { VirtualHostSchema, type VirtualHost as EnvoyVirtualHost } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { HeaderValueOption_HeaderAppendAction } from "../gen/envoy/config/core/v3/base_pb.js";
import { TlsInspectorSchema } from "../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js";
import type { GatewayEnvoyListener, GatewayListenerChain, VirtualHost } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import { translateHttpConnectionManager } from "./http-connection-manager.js";
import type { ResolvedOptions } from "./options.js";
import { compareStrings, typed } from "./proto.js";
import { translateVirtualHost, vhostDomains, type RouteOptions } from "./routes.js";
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
/** Translates a model host of a Gateway listener into its Envoy host of that name (the translator memoises it). */
export type GatewayHostTranslation = (vhost: VirtualHost, protocol: "http" | "https", name: string) => EnvoyVirtualHost;

/** The plain translation of a Gateway listener's host. */
export function translateGatewayHost(vhost: VirtualHost, protocol: "http" | "https", name: string, options?: RouteOptions): EnvoyVirtualHost {
  // Gateway route configurations match the port: each exact name is listed with any port too.
  return { ...translateVirtualHost(vhost, protocol, options), name, domains: vhostDomains(vhost.fqdn) };
}

function envoyHosts(chains: readonly { readonly key: string; readonly virtualHosts: readonly VirtualHost[] }[], protocol: "http" | "https", host: GatewayHostTranslation): EnvoyVirtualHost[] {
  const seen = new Set<string>();
  const out: EnvoyVirtualHost[] = [];
  for (const chain of chains) {
    for (const vhost of chain.virtualHosts) {
      const domain = vhost.fqdn.toLowerCase();
      if (seen.has(domain)) continue;
      seen.add(domain);
      out.push(host(vhost, protocol, `${chain.key}/${vhost.fqdn}`));
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

/** Name of the 421 virtual host of an HTTPS chain's route configuration. */
export function misdirectedVirtualHostName(chainKey: string): string {
  return `${chainKey}/misdirected`;
}

/**
 * The 421 virtual host of one HTTPS chain: the other chains' hostnames, and "*" when the chain has a
 * hostname of its own, leaving out every domain the chain's hosts already have (Envoy refuses a
 * domain twice). Envoy tries exact names, then the longest wildcard, then "*", so a more specific
 * listener's name inside a wildcard chain is misdirected while the rest of the wildcard is served.
 */
function misdirectedHost(listener: GatewayEnvoyListener, chain: GatewayListenerChain, own: readonly EnvoyVirtualHost[]): EnvoyVirtualHost | undefined {
  const taken = new Set(own.flatMap((v) => v.domains.map((d) => d.toLowerCase())));
  const domains: string[] = [];
  const add = (d: string): void => {
    if (taken.has(d.toLowerCase())) return;
    taken.add(d.toLowerCase());
    domains.push(d);
  };
  for (const other of listener.chains) {
    if (other.key === chain.key || other.hostname === undefined || other.hostname === chain.hostname) continue;
    for (const d of vhostDomains(other.hostname)) add(d);
  }
  if (chain.hostname !== undefined) add("*");
  if (domains.length === 0) return undefined;
  return create(VirtualHostSchema, {
    name: misdirectedVirtualHostName(chain.key),
    domains,
    routes: [
      {
        match: { pathSpecifier: { case: "prefix", value: "/" } },
        action: { case: "directResponse", value: { status: 421, body: { specifier: { case: "inlineString", value: "misdirected request\n" } } } },
      },
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
export function translateGatewayListener(listener: GatewayEnvoyListener, options: ResolvedOptions, host: GatewayHostTranslation = (v, p, n) => translateGatewayHost(v, p, n, options)): GatewayTranslation {
  const address = socketAddress(options.httpAddress, listener.port);
  if (listener.protocol === "HTTP") {
    const hcm = translateHttpConnectionManager({ statPrefix: listener.name, routeConfigName: listener.name }, options);
    return {
      listeners: [create(ListenerSchema, { name: listener.name, address, filterChains: [{ filters: [hcm] }] })],
      routes: [routeConfiguration(listener.name, envoyHosts(listener.chains, "http", host))],
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
    const own = envoyHosts([chain], "https", host);
    const misdirected = misdirectedHost(listener, chain, own);
    routes.push(routeConfiguration(gatewayChainRouteConfigName(listener.name, chain.key), misdirected === undefined ? own : [...own, misdirected]));
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
