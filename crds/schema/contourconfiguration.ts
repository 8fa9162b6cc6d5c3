// The ContourConfiguration CRD (projectcontour.io/v1alpha1). crds/projectcontour.io_contourconfigurations.yaml
// is this object rendered (see render.ts).
//
// Admission matches upstream v1.33.6 field for field: the same fields, types, formats, required lists,
// bounds, patterns and defaults, and nothing more (a ContourConfiguration upstream admits must be
// admitted here; contour's loader checks the values and reports problems in status). Only the status,
// which the controller writes, is bounded beyond upstream's.
import {
  CONTOUR_CONFIGURATION_CRD_NAME,
  CONTOUR_CONFIGURATION_KIND,
  CONTOUR_CONFIGURATION_LIST_KIND,
  CONTOUR_CONFIGURATION_PLURAL,
  CONTOUR_CONFIGURATION_SHORT_NAMES,
  CONTOUR_CONFIGURATION_SINGULAR,
  GROUP,
  VERSION_V1ALPHA1,
} from "../constants.js";
import { DURATION_OR_INFINITY_PATTERN, detailedConditions } from "./common.js";
import { array, boolean, int32, map, object, string, stringEnum, type CustomResourceDefinition, type JSONSchemaProps } from "./openapi.js";

/** A Go `int`: an integer without a format, as controller-gen renders it. */
function goInt(description: string): JSONSchemaProps {
  return { type: "integer", description };
}

/** A Go uint32 that upstream marks Minimum=1. */
function positive(description: string): JSONSchemaProps {
  return int32(description, { minimum: 1 });
}

/** A namespace and name, both required. */
function namespacedName(description: string): JSONSchemaProps {
  return object(description, { name: string("Name."), namespace: string("Namespace.") }, ["name", "namespace"]);
}

/** An address and port (upstream's HealthConfig). */
function health(description: string): JSONSchemaProps {
  return object(description, { address: string("Address to listen on.", { minLength: 1 }), port: goInt("Port to listen on.") });
}

/** Upstream's MetricsConfig: an address, a port and optional TLS files. */
function metrics(description: string): JSONSchemaProps {
  return object(description, {
    address: string("Address to listen on.", { minLength: 1, maxLength: 253 }),
    port: goInt("Port to listen on."),
    tls: object("Serve over HTTPS with these files (health and metrics may then not share a port).", {
      caFile: string("CA bundle that verifies clients."),
      certFile: string("Server certificate."),
      keyFile: string("Server key."),
    }),
  });
}

/** Upstream's EnvoyTLS: TLS versions and TLS 1.2 cipher suites. */
function envoyTls(description: string): JSONSchemaProps {
  return object(description, {
    cipherSuites: array("TLS 1.2 cipher suites (names or [a|b] groups of upstream's list); unset: upstream's default list.", string("A cipher suite.")),
    maximumProtocolVersion: string('Highest TLS version: "1.2" or "1.3" (default).'),
    minimumProtocolVersion: string('Lowest TLS version: "1.2" (default) or "1.3".'),
  });
}

/** Envoy's HTTP or HTTPS listener. */
function envoyListener(description: string): JSONSchemaProps {
  return object(description, {
    accessLog: string("Where the listener's access log goes."),
    address: string("Address to listen on.", { minLength: 1 }),
    port: goInt("Port to listen on."),
  });
}

/** spec.envoy.listener. */
function listenerConfig(): JSONSchemaProps {
  return object("Values of every Envoy listener.", {
    compression: object("Response compression.", {
      algorithm: stringEnum("gzip (default), brotli, zstd or disabled.", ["gzip", "brotli", "zstd", "disabled"]),
    }),
    connectionBalancer: string('"exact" balances connections exactly over worker threads; empty: Envoy\'s default.'),
    disableAllowChunkedLength: boolean("Refuse HTTP/1.1 requests with both Content-Length and chunked encoding."),
    disableMergeSlashes: boolean("Keep adjacent slashes in paths."),
    httpMaxConcurrentStreams: positive("HTTP/2 concurrent streams per connection; unset: unlimited."),
    maxConnectionsPerListener: positive("Active connections per listener; unset: unlimited."),
    maxRequestsPerConnection: positive("Requests per downstream connection; unset: unlimited."),
    maxRequestsPerIOCycle: positive("HTTP requests processed from one connection per I/O cycle; unset: unlimited."),
    "per-connection-buffer-limit-bytes": positive("Buffer limit of each downstream connection; unset: 1 MiB."),
    serverHeaderTransformation: string("overwrite (default), append_if_absent or pass_through."),
    socketOptions: object("Socket options of every listener.", {
      tos: int32("IPv4 TOS byte.", { minimum: 0, maximum: 255 }),
      trafficClass: int32("IPv6 traffic class.", { minimum: 0, maximum: 255 }),
    }),
    tls: envoyTls("TLS of the secure listeners."),
    useProxyProtocol: boolean("Expect a PROXY protocol header on every connection."),
  });
}

/** spec.envoy. */
function envoy(): JSONSchemaProps {
  const timeout = (what: string): JSONSchemaProps => string(`${what}: a Go duration or "infinity".`);
  return object("What Envoy is configured with.", {
    clientCertificate: namespacedName("Secret with the client certificate Envoy presents to TLS backends."),
    cluster: object("Values of every upstream cluster.", {
      circuitBreakers: object("Default circuit-breaker thresholds of every Service cluster.", {
        maxConnections: int32("Connections to a Service; Envoy's default 1024."),
        maxPendingRequests: int32("Queued requests; Envoy's default 1024."),
        maxRequests: int32("Parallel requests; Envoy's default 1024."),
        maxRetries: int32("Parallel retries; Envoy's default 3."),
        perHostMaxConnections: int32("Connections to each endpoint."),
      }),
      dnsLookupFamily: string("auto (default), v4, v6 or all, for ExternalName Services."),
      maxRequestsPerConnection: positive("Requests per upstream connection; unset: unlimited."),
      "per-connection-buffer-limit-bytes": positive("Buffer limit of each upstream connection; unset: 1 MiB."),
      upstreamTLS: envoyTls("TLS towards backends."),
    }),
    defaultHTTPVersions: array('HTTP versions served: "HTTP/1.1" and/or "HTTP/2" (default both).', string("An HTTP version.")),
    health: health("Envoy's health listener."),
    http: envoyListener("Envoy's plain-HTTP listener."),
    https: envoyListener("Envoy's HTTPS listener."),
    listener: listenerConfig(),
    logging: object("Envoy's access log.", {
      accessLogFormat: string("envoy (default) or json."),
      accessLogFormatString: string("Envoy format string of the envoy format."),
      accessLogJSONFields: array("Fields of the json format.", string("A field name or name=%OPERATOR%.")),
      accessLogLevel: string("info (default), error, critical or disabled."),
    }),
    metrics: metrics("Envoy's metrics listener."),
    network: object("Network values.", {
      adminPort: goInt("Envoy's admin port; 0 disables it."),
      numTrustedHops: int32("Proxies in front of Envoy whose X-Forwarded-For entries are trusted."),
      stripTrailingHostDot: boolean("Strip a trailing dot of the Host header before routing."),
    }),
    omEnforcedHealth: health("A health listener with the overload manager's limits enforced."),
    service: namespacedName("The Service in front of Envoy."),
    timeouts: object("Timeouts.", {
      connectTimeout: string("Connect timeout of upstream clusters: a Go duration (default 2s)."),
      connectionIdleTimeout: timeout("Idle downstream connections"),
      connectionShutdownGracePeriod: timeout("Between the first and the final GOAWAY"),
      delayedCloseTimeout: timeout("Wait for the peer to close"),
      maxConnectionDuration: timeout("Longest downstream connection"),
      requestTimeout: timeout("Whole request"),
      streamIdleTimeout: timeout("Idle stream"),
    }),
  });
}

/** spec.globalExtAuth: upstream's v1 AuthorizationServer, as unbounded as upstream renders it. */
function globalExtAuth(): JSONSchemaProps {
  return object("External authorization of every virtual host.", {
    authPolicy: object("Default authorization policy.", {
      context: map("Sent to the authorization server.", string("A value.")),
      disabled: boolean("No authorization."),
    }),
    extensionRef: object("The ExtensionService.", {
      apiVersion: string("Its API version.", { minLength: 1 }),
      name: string("Its name.", { minLength: 1 }),
      namespace: string("Its namespace.", { minLength: 1 }),
    }),
    failOpen: boolean("Forward requests when the server does not answer."),
    responseTimeout: string('Go duration or "infinity".', { pattern: DURATION_OR_INFINITY_PATTERN }),
    withRequestBody: object("Buffer the request body for the server.", {
      allowPartialMessage: boolean("Send what was buffered when the limit is reached."),
      maxRequestBytes: int32("Most bytes buffered.", { minimum: 1, default: 1024 }),
      packAsBytes: boolean("Send the body as raw bytes."),
    }),
  });
}

/** spec.rateLimitService.defaultGlobalRateLimitPolicy: upstream's v1 GlobalRateLimitPolicy. */
function globalRateLimitPolicy(): JSONSchemaProps {
  const header = object(
    "A header match.",
    {
      contains: string("Contains."),
      exact: string("Equals."),
      ignoreCase: boolean("Case-insensitive."),
      name: string("Header name."),
      notcontains: string("Does not contain."),
      notexact: string("Differs."),
      notpresent: boolean("Absent."),
      present: boolean("Present."),
      regex: string("Matches."),
      treatMissingAsEmpty: boolean("A missing header counts as empty."),
    },
    ["name"],
  );
  const entry = object("One key-value generator.", {
    genericKey: object("A static key and value.", { key: string("Key."), value: string("Value.", { minLength: 1 }) }, ["value"]),
    remoteAddress: { type: "object", description: "The client address." },
    requestHeader: object(
      "A request header's value.",
      { descriptorKey: string("Key.", { minLength: 1 }), headerName: string("Header.", { minLength: 1 }) },
      ["descriptorKey", "headerName"],
    ),
    requestHeaderValueMatch: object(
      "A fixed value when headers match.",
      {
        expectMatch: boolean("Generate on match (default) or on no match.", { default: true }),
        headers: array("Header matches.", header, { minItems: 1 }),
        value: string("Value.", { minLength: 1 }),
      },
      ["value"],
    ),
  });
  return object("Default global rate limit policy of every HTTPProxy.", {
    descriptors: array("Descriptors.", object("A descriptor.", { entries: array("Entries.", entry, { minItems: 1 }) }, ["entries"]), { minItems: 1 }),
    disabled: boolean("No global rate limiting."),
  });
}

/** spec. */
function spec(): JSONSchemaProps {
  return object("Settings of a Contour controller.", {
    debug: object("The debug listener.", { address: string("Address (default 127.0.0.1)."), port: goInt("Port (default 6060).") }),
    enableExternalNameService: boolean("Serve ExternalName Services."),
    envoy: envoy(),
    featureFlags: array("Feature flags.", string("A flag.")),
    gateway: object("The Gateway this Contour serves.", { gatewayRef: namespacedName("The Gateway.") }, ["gatewayRef"]),
    globalExtAuth: globalExtAuth(),
    health: health("Contour's health endpoints."),
    httpproxy: object("HTTPProxy settings.", {
      disablePermitInsecure: boolean("Ignore routes' permitInsecure."),
      fallbackCertificate: namespacedName("Secret served to TLS clients without SNI."),
      rootNamespaces: array("Namespaces where root HTTPProxies may live.", string("A namespace.")),
    }),
    ingress: object("Ingress settings.", {
      classNames: array("Ingress class names served.", string("A class name.")),
      statusAddress: string("Address written to Ingress status."),
    }),
    metrics: metrics("Contour's metrics listener."),
    policy: object("Headers set and removed on every route.", {
      applyToIngress: boolean("Apply to Ingress routes too."),
      requestHeaders: headersPolicy("Request headers."),
      responseHeaders: headersPolicy("Response headers."),
    }),
    rateLimitService: object(
      "The global rate limit service.",
      {
        defaultGlobalRateLimitPolicy: globalRateLimitPolicy(),
        domain: string("Domain sent to the service."),
        enableResourceExhaustedCode: boolean("Answer gRPC RESOURCE_EXHAUSTED instead of UNAVAILABLE."),
        enableXRateLimitHeaders: boolean("Add X-RateLimit headers."),
        extensionService: namespacedName("The ExtensionService."),
        failOpen: boolean("Allow requests when the service does not answer."),
      },
      ["extensionService"],
    ),
    tracing: object(
      "Tracing to OpenTelemetry.",
      {
        customTags: array(
          "Custom span tags.",
          object("A tag.", { literal: string("A fixed value."), requestHeaderName: string("A request header's value."), tagName: string("Tag name.") }, ["tagName"]),
        ),
        extensionService: namespacedName("The collector's ExtensionService."),
        includePodDetail: boolean("Add the pod's name and namespace."),
        maxPathTagLength: int32("Longest path in the tag."),
        overallSampling: string("Sampling percentage."),
        serviceName: string("Service name."),
      },
      ["extensionService"],
    ),
    xdsServer: object("The xDS server.", {
      address: string("Address (default 0.0.0.0).", { minLength: 1 }),
      port: goInt("Port (default 8001)."),
      tls: object("TLS files (defaults under /certs).", {
        caFile: string("CA of Envoy's client certificates."),
        certFile: string("Server certificate."),
        insecure: boolean("Serve plaintext."),
        keyFile: string("Server key."),
      }),
    }),
  });
}

function headersPolicy(description: string): JSONSchemaProps {
  return object(description, { remove: array("Names to remove.", string("A name.")), set: map("Names and values to set.", string("A value.")) });
}

/** The ContourConfiguration CustomResourceDefinition. */
export function contourConfigurationCrd(): CustomResourceDefinition {
  const root = object(
    "ContourConfiguration: the settings of a Contour controller, read at start by `contour serve --contour-config-name`.",
    {
      apiVersion: string("projectcontour.io/v1alpha1."),
      kind: string("ContourConfiguration."),
      metadata: { type: "object" },
      spec: spec(),
      status: object("What the controller reports.", { conditions: detailedConditions("Conditions: Contour maintains Valid and leaves other types alone.") }),
    },
    ["spec"],
  );
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: CONTOUR_CONFIGURATION_CRD_NAME },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: {
        plural: CONTOUR_CONFIGURATION_PLURAL,
        singular: CONTOUR_CONFIGURATION_SINGULAR,
        kind: CONTOUR_CONFIGURATION_KIND,
        listKind: CONTOUR_CONFIGURATION_LIST_KIND,
        shortNames: [...CONTOUR_CONFIGURATION_SHORT_NAMES],
      },
      versions: [{ name: VERSION_V1ALPHA1, served: true, storage: true, schema: { openAPIV3Schema: root }, subresources: { status: {} } }],
    },
  };
}
