/**
 * Which hosts of the model get Envoy configuration, decided in one place so the listener's filter
 * chains and the route configurations they name can never disagree.
 */
import type { Model, TcpProxyHost, VirtualHost, VirtualHostTls } from "../../controllers/model/model.js";
import { compareStrings } from "./proto.js";

/** A virtual host served on the TLS listener. */
export type SecureVirtualHost = VirtualHost & { readonly tls: VirtualHostTls };

/**
 * The virtual hosts that get routes, by fqdn with "*" last (Envoy picks it only after every other
 * name anyway; last keeps dumps readable). Hosts without routes are left out, as upstream does,
 * and a name given twice (names are case-insensitive) keeps its first host, since Envoy rejects
 * duplicate domains.
 */
export function routableVirtualHosts(model: Model): readonly VirtualHost[] {
  // A full translation asks three times (listeners, route configurations, VHDS) for the same model.
  let hosts = routable.get(model);
  if (hosts === undefined) {
    hosts = listRoutableVirtualHosts(model);
    routable.set(model, hosts);
  }
  return hosts;
}

// By model object: models are immutable, and a replaced model lets its list go.
const routable = new WeakMap<Model, readonly VirtualHost[]>();

function listRoutableVirtualHosts(model: Model): VirtualHost[] {
  const seen = new Set<string>();
  const hosts: VirtualHost[] = [];
  for (const vhost of model.virtualHosts) {
    const key = vhost.fqdn.toLowerCase();
    if (vhost.routes.length === 0 || seen.has(key)) continue;
    seen.add(key);
    hosts.push(vhost);
  }
  const rank = (v: VirtualHost): number => (v.fqdn === "*" ? 1 : 0);
  return hosts.sort((a, b) => rank(a) - rank(b) || compareStrings(a.fqdn, b.fqdn));
}

/** True when a routable host has its own TLS filter chain: SNI cannot select the catch-all "*". */
export function isSecureHost(vhost: VirtualHost): vhost is SecureVirtualHost {
  return vhost.tls !== undefined && vhost.fqdn !== "*";
}

/** The hosts of the TLS listener, each SNI name once: secure virtual hosts win over TCP proxies. */
export function tlsListenerHosts(model: Model): { readonly secure: SecureVirtualHost[]; readonly tcp: TcpProxyHost[] } {
  const secure = routableVirtualHosts(model).filter(isSecureHost);
  const taken = new Set(secure.map((v) => v.fqdn.toLowerCase()));
  const tcp: TcpProxyHost[] = [];
  for (const host of model.tcpProxies) {
    const key = host.fqdn.toLowerCase();
    if (host.fqdn === "*" || taken.has(key)) continue;
    taken.add(key);
    tcp.push(host);
  }
  return { secure, tcp };
}
