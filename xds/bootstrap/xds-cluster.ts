// The static cluster through which Envoy reaches contour's xDS server.
import { isIP } from "node:net";
import type { JsonObject } from "@bufbuild/protobuf";
import type { BootstrapOptions, DnsLookupFamily, XdsTlsFiles } from "./options.js";
import { SDS_TLS_CERTIFICATE, SDS_VALIDATION_CONTEXT, sdsFilePaths, sdsFromFile } from "./sds-files.js";

const DNS_LOOKUP_FAMILY: Record<DnsLookupFamily, string> = { auto: "AUTO", v4: "V4_ONLY", v6: "V6_ONLY", all: "ALL" };

/** Name of the bootstrap cluster that points at contour's xDS server. */
export const XDS_CLUSTER_NAME = "contour";

// Far above what one Envoy ever opens to contour: the defaults (1024 requests) would only ever cut off xDS.
const CIRCUIT_BREAKER_LIMITS = {
  max_connections: 100_000,
  max_pending_requests: 100_000,
  max_requests: 60_000_000,
  max_retries: 50,
} as const;

/** The `contour` cluster: HTTP/2 to the xDS server, with mTLS unless `xdsTls` is "insecure". */
export function buildXdsCluster(options: Pick<BootstrapOptions, "xdsAddress" | "xdsPort" | "xdsTls" | "resourcesDir" | "dnsLookupFamily" | "namespace">): JsonObject {
  const isStatic = isIP(options.xdsAddress) !== 0;
  const cluster: JsonObject = {
    name: XDS_CLUSTER_NAME,
    type: isStatic ? "STATIC" : "STRICT_DNS",
    // contour usually listens on IPv4 only; AUTO would try an AAAA record first and fail.
    ...(isStatic ? {} : { dns_lookup_family: options.dnsLookupFamily === undefined ? "V4_PREFERRED" : DNS_LOOKUP_FAMILY[options.dnsLookupFamily] }),
    // Upstream's stat name (<namespace>_contour_<port>), so dashboards built on it keep working.
    ...(options.namespace === undefined ? {} : { alt_stat_name: `${options.namespace}_contour_${options.xdsPort}` }),
    connect_timeout: "5s",
    load_assignment: {
      cluster_name: XDS_CLUSTER_NAME,
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: options.xdsAddress, port_value: options.xdsPort } } } },
          ],
        },
      ],
    },
    circuit_breakers: {
      thresholds: [
        { priority: "HIGH", ...CIRCUIT_BREAKER_LIMITS },
        { priority: "DEFAULT", ...CIRCUIT_BREAKER_LIMITS },
      ],
    },
    typed_extension_protocol_options: {
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
        "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        explicit_http_config: { http2_protocol_options: {} },
      },
    },
    // A long-lived, mostly idle gRPC stream: keepalive notices a vanished contour (or NAT entry) in ~45s, not hours.
    upstream_connection_options: {
      tcp_keepalive: { keepalive_probes: 3, keepalive_time: 30, keepalive_interval: 5 },
    },
  };
  if (options.xdsTls !== "insecure") cluster["transport_socket"] = buildXdsTransportSocket(options.xdsTls, options.resourcesDir);
  return cluster;
}

/** The TLS transport socket: present Envoy's client certificate, accept only contour's certificate from the CA. */
export function buildXdsTransportSocket(tls: XdsTlsFiles, resourcesDir?: string): JsonObject {
  if (resourcesDir !== undefined) return buildSdsTransportSocket(tls, resourcesDir);
  return {
    name: "envoy.transport_sockets.tls",
    typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
      sni: tls.serverName,
      common_tls_context: {
        // Both ends are ours, so nothing older than TLS 1.3 is needed (Envoy's client default maximum is 1.2).
        tls_params: { tls_minimum_protocol_version: "TLSv1_3", tls_maximum_protocol_version: "TLSv1_3" },
        alpn_protocols: ["h2"],
        tls_certificates: [{ certificate_chain: { filename: tls.certFile }, private_key: { filename: tls.keyFile } }],
        validation_context: {
          trusted_ca: { filename: tls.caFile },
          // The CA also signs Envoy's own client certificates: without a SAN check any Envoy could pose as contour.
          match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: tls.serverName } }],
        },
      },
    },
  };
}

/** The same TLS identity read through SDS files under `resourcesDir`, which Envoy watches and reloads. */
function buildSdsTransportSocket(tls: XdsTlsFiles, resourcesDir: string): JsonObject {
  const paths = sdsFilePaths(resourcesDir);
  return {
    name: "envoy.transport_sockets.tls",
    typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
      sni: tls.serverName,
      common_tls_context: {
        tls_params: { tls_minimum_protocol_version: "TLSv1_3", tls_maximum_protocol_version: "TLSv1_3" },
        alpn_protocols: ["h2"],
        tls_certificate_sds_secret_configs: [sdsFromFile(SDS_TLS_CERTIFICATE.secret, paths.certificate)],
        validation_context_sds_secret_config: sdsFromFile(SDS_VALIDATION_CONTEXT.secret, paths.validationContext),
      },
    },
  };
}
