// Sample ContourConfigurations for the CRD tests: one that sets every field of the types (the compiler
// checks nothing is missing), shapes from upstream's docs and provisioner that upstream v1.33.6's
// schema admits (so ours must), and malformed ones with the field the API server names.
import { API_VERSION_V1ALPHA1, CONTOUR_CONFIGURATION_KIND } from "../constants.js";
import type { ContourConfiguration, ContourConfigurationSpec } from "../types/contourconfiguration.js";
import type { Complete } from "./samples.js";

/** A ContourConfiguration manifest with the given spec (untyped, so malformed specs can be built too). */
export function contourConfiguration(name: string, spec: unknown, namespace = "projectcontour"): ContourConfiguration {
  return { apiVersion: API_VERSION_V1ALPHA1, kind: CONTOUR_CONFIGURATION_KIND, metadata: { name, namespace }, spec: spec as ContourConfigurationSpec };
}

const tls = { minimumProtocolVersion: "1.2", maximumProtocolVersion: "1.3", cipherSuites: ["[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]", "ECDHE-RSA-AES256-GCM-SHA384"] };
const nn = (name: string, namespace = "projectcontour") => ({ name, namespace });

/** A spec that sets every field the types define. */
export const EVERY_FIELD_CONTOUR_CONFIGURATION_SPEC: Complete<ContourConfigurationSpec> = {
  xdsServer: { address: "0.0.0.0", port: 8001, tls: { caFile: "/certs/ca.crt", certFile: "/certs/tls.crt", keyFile: "/certs/tls.key", insecure: false } },
  ingress: { classNames: ["contour", "team1"], statusAddress: "203.0.113.10" },
  debug: { address: "127.0.0.1", port: 6060 },
  health: { address: "0.0.0.0", port: 8000 },
  envoy: {
    listener: {
      useProxyProtocol: false,
      compression: { algorithm: "brotli" },
      disableAllowChunkedLength: false,
      disableMergeSlashes: false,
      serverHeaderTransformation: "append_if_absent",
      connectionBalancer: "exact",
      maxRequestsPerConnection: 100,
      "per-connection-buffer-limit-bytes": 32768,
      tls,
      socketOptions: { tos: 64, trafficClass: 64 },
      maxRequestsPerIOCycle: 10,
      httpMaxConcurrentStreams: 100,
      maxConnectionsPerListener: 10000,
    },
    service: nn("envoy"),
    http: { address: "0.0.0.0", port: 8080, accessLog: "/dev/stdout" },
    https: { address: "0.0.0.0", port: 8443, accessLog: "/dev/stdout" },
    health: { address: "0.0.0.0", port: 8002 },
    metrics: { address: "0.0.0.0", port: 8002, tls: { caFile: "/m/ca.crt", certFile: "/m/tls.crt", keyFile: "/m/tls.key" } },
    clientCertificate: nn("envoy-client"),
    logging: { accessLogFormat: "json", accessLogFormatString: "%START_TIME%\n", accessLogJSONFields: ["method", "path", "x=%REQ(X)%"], accessLogLevel: "error" },
    defaultHTTPVersions: ["HTTP/1.1", "HTTP/2"],
    timeouts: {
      requestTimeout: "30s",
      connectionIdleTimeout: "60s",
      streamIdleTimeout: "5m",
      maxConnectionDuration: "infinity",
      delayedCloseTimeout: "1s",
      connectionShutdownGracePeriod: "5s",
      connectTimeout: "3s",
    },
    cluster: {
      dnsLookupFamily: "v4",
      maxRequestsPerConnection: 1000,
      "per-connection-buffer-limit-bytes": 65536,
      circuitBreakers: { maxConnections: 10, maxPendingRequests: 20, maxRequests: 30, maxRetries: 4, perHostMaxConnections: 5 },
      upstreamTLS: tls,
    },
    network: { numTrustedHops: 1, adminPort: 9001, stripTrailingHostDot: true },
    omEnforcedHealth: { address: "0.0.0.0", port: 8003 },
  },
  gateway: { gatewayRef: nn("contour") },
  httpproxy: { disablePermitInsecure: true, rootNamespaces: ["projectcontour", "apps"], fallbackCertificate: nn("fallback") },
  enableExternalNameService: false,
  globalExtAuth: {
    extensionRef: { apiVersion: "projectcontour.io/v1alpha1", name: "authz", namespace: "projectcontour" },
    authPolicy: { disabled: false, context: { team: "a" } },
    responseTimeout: "500ms",
    failOpen: true,
    withRequestBody: { maxRequestBytes: 2048, allowPartialMessage: true, packAsBytes: false },
  },
  rateLimitService: {
    extensionService: nn("ratelimit"),
    domain: "contour",
    failOpen: false,
    enableXRateLimitHeaders: true,
    enableResourceExhaustedCode: true,
    defaultGlobalRateLimitPolicy: {
      disabled: false,
      descriptors: [
        {
          entries: [
            {
              genericKey: { key: "k", value: "v" },
              remoteAddress: {},
              requestHeader: { headerName: "x-a", descriptorKey: "a" },
              requestHeaderValueMatch: {
                headers: [
                  {
                    name: "x-b",
                    present: true,
                    notpresent: false,
                    contains: "c",
                    notcontains: "d",
                    ignoreCase: true,
                    exact: "e",
                    notexact: "f",
                    regex: "g.*",
                    treatMissingAsEmpty: true,
                  },
                ],
                expectMatch: false,
                value: "matched",
              },
            },
          ],
        },
      ],
    },
  },
  policy: { requestHeaders: { set: { "x-req": "1" }, remove: ["x-drop"] }, responseHeaders: { set: { "x-resp": "2" }, remove: ["server"] }, applyToIngress: true },
  metrics: { address: "0.0.0.0", port: 8000, tls: { caFile: "/c/ca.crt", certFile: "/c/tls.crt", keyFile: "/c/tls.key" } },
  tracing: {
    includePodDetail: true,
    serviceName: "contour",
    overallSampling: "50",
    maxPathTagLength: 256,
    customTags: [{ tagName: "t", literal: "l", requestHeaderName: "x-h" }],
    extensionService: nn("otel-collector"),
  },
  featureFlags: ["useEndpointSlices"],
};

/** Manifests upstream's schema admits: its docs' and provisioner's shapes and the edges its schema leaves open. */
export function validContourConfigurations(namespace = "projectcontour"): ContourConfiguration[] {
  return [
    // The smallest one: the spec is required, its fields are not.
    contourConfiguration("empty", {}, namespace),
    // What upstream's Gateway provisioner writes.
    contourConfiguration("provisioned", { gateway: { gatewayRef: nn("contour", namespace) }, envoy: { service: nn("envoy-contour", namespace) } }, namespace),
    // Upstream's docs example of the CRD.
    contourConfiguration(
      "docs",
      {
        xdsServer: { address: "0.0.0.0", port: 8001, tls: { caFile: "/certs/ca.crt", certFile: "/certs/tls.crt", keyFile: "/certs/tls.key", insecure: false } },
        envoy: { listener: { useProxyProtocol: false }, http: { address: "0.0.0.0", port: 8080 }, logging: { accessLogFormat: "envoy" }, timeouts: { connectionIdleTimeout: "60s" } },
        httpproxy: { disablePermitInsecure: false },
      },
      namespace,
    ),
    contourConfiguration("every-field", EVERY_FIELD_CONTOUR_CONFIGURATION_SPEC, namespace),
    // Upstream's schema leaves values open that contour's loader refuses (and reports in status).
    contourConfiguration("open-values", { envoy: { timeouts: { connectTimeout: "soon" }, logging: { accessLogFormat: "xml" }, network: { adminPort: -1 } } }, namespace),
  ];
}

/** A manifest upstream's schema refuses, and the field path the API server names. */
export interface InvalidContourConfiguration {
  readonly name: string;
  readonly field: string;
  readonly manifest: Record<string, unknown>;
}

/** Manifests upstream's schema refuses. */
export function invalidContourConfigurations(namespace = "projectcontour"): InvalidContourConfiguration[] {
  const bad = (name: string, field: string, spec: unknown): InvalidContourConfiguration => ({
    name,
    field,
    manifest: contourConfiguration(name, spec, namespace) as unknown as Record<string, unknown>,
  });
  return [
    bad("compression", "spec.envoy.listener.compression.algorithm", { envoy: { listener: { compression: { algorithm: "lz4" } } } }),
    bad("zero-streams", "spec.envoy.listener.httpMaxConcurrentStreams", { envoy: { listener: { httpMaxConcurrentStreams: 0 } } }),
    bad("tos", "spec.envoy.listener.socketOptions.tos", { envoy: { listener: { socketOptions: { tos: 256 } } } }),
    bad("service-name", "spec.envoy.service.name", { envoy: { service: { namespace: "projectcontour" } } }),
    bad("empty-xds-address", "spec.xdsServer.address", { xdsServer: { address: "" } }),
    bad("ext-auth-timeout", "spec.globalExtAuth.responseTimeout", { globalExtAuth: { responseTimeout: "soon" } }),
    bad("rate-limit-service", "spec.rateLimitService.extensionService", { rateLimitService: { domain: "d" } }),
    bad("breakers-type", "spec.envoy.cluster.circuitBreakers.maxConnections", { envoy: { cluster: { circuitBreakers: { maxConnections: "many" } } } }),
  ];
}
