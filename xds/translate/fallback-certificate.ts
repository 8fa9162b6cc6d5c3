/**
 * The fallback certificate chain of `ingress_https` (upstream's "fallback-certificate"): one filter
 * chain without server names, so Envoy picks it for a TLS client that sends no SNI or one no host's
 * chain matches. It presents the operator's fallback certificate and routes through
 * `ingress_fallbackcert`, which holds only the hosts that set enableFallbackCertificate: a host
 * that did not is not reachable this way.
 */
import { create } from "@bufbuild/protobuf";
import type { FilterChain } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { FilterChainSchema } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { HTTPS_LISTENER_NAME } from "../names.js";
import type { SecureVirtualHost } from "./hosts.js";
import { translateHttpConnectionManager } from "./http-connection-manager.js";
import type { ResolvedOptions } from "./options.js";
import { downstreamTlsSocket } from "./tls.js";

/** Name of the route configuration of the fallback chain (upstream's ENVOY_FALLBACK_ROUTECONFIG). */
export const FALLBACK_ROUTE_CONFIG_NAME = "ingress_fallbackcert";

/** Name of the fallback filter chain (upstream's). */
export const FALLBACK_CHAIN_NAME = "fallback-certificate";

/** The secure hosts that enabled the fallback certificate, in the order given. */
export function fallbackHosts(secure: readonly SecureVirtualHost[]): SecureVirtualHost[] {
  return secure.filter((v) => v.tls.fallbackCertificate !== undefined);
}

/**
 * The fallback chain, or undefined when no host enabled it. The TLS versions are the operator's
 * (a host's own narrowing applies to its SNI chain only), as upstream. Client validation never
 * applies: the reconciler refuses it beside the fallback certificate.
 */
export function fallbackCertificateChain(secure: readonly SecureVirtualHost[], alpn: readonly string[], options: ResolvedOptions): FilterChain | undefined {
  const hosts = fallbackHosts(secure);
  const first = hosts[0];
  if (first === undefined) return undefined;
  // Every host carries the same configured Secret; during a Secret change the newest name sorts
  // anywhere, so the choice is made by name to stay deterministic.
  const secret = hosts.map((v) => v.tls.fallbackCertificate as string).sort()[0] as string;
  const hcm = translateHttpConnectionManager(
    {
      statPrefix: HTTPS_LISTENER_NAME,
      routeConfigName: FALLBACK_ROUTE_CONFIG_NAME,
      // Upstream installs the first host's authorization (the global one; a host's own is refused beside fallback).
      extAuthz: first.authorization,
    },
    options,
  );
  return create(FilterChainSchema, {
    name: FALLBACK_CHAIN_NAME,
    filterChainMatch: { transportProtocol: "tls" },
    transportSocket: downstreamTlsSocket({ secret, minimumProtocolVersion: "1.2", maximumProtocolVersion: "1.3" }, alpn, options),
    filters: [hcm],
  });
}
