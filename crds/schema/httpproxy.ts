// The HTTPProxy CRD (projectcontour.io/v1), built from the pieces in common.ts and policies.ts.
// crds/projectcontour.io_httpproxies.yaml is this object rendered (see render.ts and crds.test.ts).
import { GROUP, HTTPPROXY_KIND, HTTPPROXY_LIST_KIND, HTTPPROXY_PLURAL, HTTPPROXY_SHORT_NAMES, HTTPPROXY_SINGULAR, VERSION } from "../constants.js";
import { DNS_LOOKUP_FAMILIES, UPSTREAM_PROTOCOLS } from "../types/httpproxy.js";
import {
  DURATION_OR_ZERO_PATTERN,
  DURATION_PATTERN,
  FQDN_PATTERN,
  detailedConditions,
  duration,
  headersPolicy,
  ipFilterPolicies,
  matchConditions,
  namespaceName,
  objectName,
  secretReference,
  upstreamValidation,
} from "./common.js";
import { array, boolean, int32, integer, object, string, stringEnum, uint32, type CustomResourceDefinition, type JSONSchemaProps } from "./openapi.js";
import {
  authorizationPolicy,
  cookieRewritePolicies,
  directResponsePolicy,
  httpHealthCheckPolicy,
  internalRedirectPolicy,
  jwtVerificationPolicy,
  loadBalancerPolicy,
  pathRewritePolicy,
  rateLimitPolicy,
  requestRedirectPolicy,
  retryPolicy,
  slowStartPolicy,
  tcpHealthCheckPolicy,
  timeoutPolicy,
} from "./policies.js";

/** A CORS header value: an HTTP token. */
const CORS_HEADER_VALUE_PATTERN = "^[a-zA-Z0-9!#$%&'*+.^_`|~-]+$";

function corsHeaderValues(description: string, minItems?: number): JSONSchemaProps {
  const item = string("A header name or method.", { pattern: CORS_HEADER_VALUE_PATTERN });
  return array(description, item, { ...(minItems === undefined ? {} : { minItems }) });
}

function tls(): JSONSchemaProps {
  return object("TLS of the virtual host: a certificate Secret or passthrough, not both.", {
    secretName: secretReference('Secret with the certificate: "name" or "namespace/name" (cross-namespace needs a TLSCertificateDelegation).'),
    minimumProtocolVersion: string('Lowest TLS version: "1.2" (default) or "1.3".'),
    maximumProtocolVersion: string('Highest TLS version: "1.2" or "1.3" (default).'),
    passthrough: boolean("Pass the TLS connection through to the backend instead of terminating it."),
    clientValidation: object("Client certificate validation.", {
      caSecret: secretReference('Secret holding ca.crt that client certificates must chain to: "name" or "namespace/name".'),
      skipClientCertValidation: boolean("Request client certificates without verifying them (for an external authorization server)."),
      forwardClientCertificate: object("Parts of the client certificate forwarded in x-forwarded-client-cert.", {
        subject: boolean("The subject."),
        cert: boolean("The certificate, URL-encoded PEM."),
        chain: boolean("The chain including the leaf, URL-encoded PEM."),
        dns: boolean("DNS subjectAltNames."),
        uri: boolean("URI subjectAltNames."),
      }),
      crlSecret: secretReference('Secret holding crl.pem, revocation lists of the CAs: "name" or "namespace/name".'),
      crlOnlyVerifyLeafCert: boolean("Check only the leaf certificate against the revocation lists."),
      optionalClientCertificate: boolean("Accept connections without a client certificate."),
    }),
    enableFallbackCertificate: boolean("Serve the fallback certificate to clients that send no SNI."),
  });
}

function authorizationServer(): JSONSchemaProps {
  return object("External authorization for the virtual host; requires TLS.", {
    extensionRef: object("The ExtensionService doing the authorization.", {
      apiVersion: string("Default projectcontour.io/v1alpha1.", { minLength: 1 }),
      namespace: namespaceName("Default the HTTPProxy's namespace."),
      name: objectName("ExtensionService name."),
    }),
    authPolicy: authorizationPolicy("Default policy of the routes."),
    responseTimeout: duration('Time to wait for a check. A Go duration or "infinity".'),
    failOpen: boolean("Let requests through when the server does not answer."),
    withRequestBody: object("Send the request body to the server.", {
      maxRequestBytes: uint32("Bytes of body buffered.", { minimum: 1, default: 1024 }),
      allowPartialMessage: boolean("Send what was buffered when the body is larger."),
      packAsBytes: boolean("Send the body as raw bytes."),
    }),
  });
}

function corsPolicy(): JSONSchemaProps {
  return object(
    "Cross-origin resource sharing.",
    {
      allowCredentials: boolean("Allow credentials."),
      allowOrigin: array('Allowed origins: "*", "scheme://host[:port]", or a regex.', string("An origin."), {
        minItems: 1,
      }),
      allowMethods: corsHeaderValues("access-control-allow-methods.", 1),
      allowHeaders: corsHeaderValues("access-control-allow-headers.", 1),
      exposeHeaders: corsHeaderValues("access-control-expose-headers.", 1),
      maxAge: duration('How long a preflight answer may be cached, a Go duration; "0" disables caching.', DURATION_OR_ZERO_PATTERN),
      allowPrivateNetwork: boolean("Allow private network requests."),
    },
    ["allowOrigin", "allowMethods"],
  );
}

function jwtProviders(): JSONSchemaProps {
  const provider = object(
    "A JWT provider.",
    {
      name: string("Unique name.", { minLength: 1 }),
      default: boolean("Apply to every route that does not choose otherwise; at most one default."),
      issuer: string('Required "iss"; unchecked when unset.'),
      audiences: array('Allowed "aud" values; unchecked when unset.', string("An audience.")),
      remoteJWKS: object(
        "Where the signing keys are fetched from.",
        {
          uri: string("URI of the JWKS.", { minLength: 1 }),
          validation: upstreamValidation("Verification of the JWKS server's certificate."),
          timeout: duration("Fetch timeout, a Go duration; default 1s.", DURATION_PATTERN),
          cacheDuration: duration("How long keys are cached, a Go duration; default 5m.", DURATION_PATTERN),
          dnsLookupFamily: stringEnum("Address family of the lookup; default from the Contour configuration.", DNS_LOOKUP_FAMILIES),
        },
        ["uri"],
      ),
      forwardJWT: boolean("Forward the token to the backend."),
    },
    ["name", "remoteJWKS"],
  );
  return array("JWT providers of the virtual host.", provider);
}

function virtualHost(): JSONSchemaProps {
  return object(
    "The virtual host: makes this HTTPProxy a root.",
    {
      fqdn: string('Lower-case DNS name, optionally starting with "*.".', { pattern: FQDN_PATTERN }),
      tls: tls(),
      authorization: authorizationServer(),
      corsPolicy: corsPolicy(),
      rateLimitPolicy: rateLimitPolicy("Rate limits of the virtual host."),
      jwtProviders: jwtProviders(),
      ipAllowPolicy: ipFilterPolicies("Only these sources are allowed; routes may override. Exclusive with ipDenyPolicy."),
      ipDenyPolicy: ipFilterPolicies("These sources are denied; routes may override. Exclusive with ipAllowPolicy."),
    },
    ["fqdn"],
  );
}

function services(description: string): JSONSchemaProps {
  const service = object(
    "A Service port.",
    {
      name: objectName("A Service in the HTTPProxy's namespace."),
      port: integer("Service port.", { minimum: 1, maximum: 65536 }),
      healthPort: integer("Port health checks go to; default port.", { minimum: 1, maximum: 65535 }),
      protocol: stringEnum("Protocol to the backend, overriding the Service's annotations.", UPSTREAM_PROTOCOLS),
      weight: integer("Relative share of traffic; for a mirror, the mirrored percentage.", { minimum: 0 }),
      validation: upstreamValidation("Verification of the backend's certificate."),
      mirror: boolean("Send a copy of the traffic here; responses are discarded."),
      requestHeadersPolicy: headersPolicy("Request header changes for this service."),
      responseHeadersPolicy: headersPolicy("Response header changes for this service; Host cannot be set."),
      cookieRewritePolicies: cookieRewritePolicies("Set-Cookie rewrites for this service."),
      slowStartPolicy: slowStartPolicy("Slow start of new endpoints (RoundRobin and WeightedLeastRequest only)."),
    },
    ["name", "port"],
  );
  return array(description, service);
}

function route(): JSONSchemaProps {
  return object("A set of match conditions and what to do with matching requests.", {
    conditions: matchConditions("ANDed matches; at most one of prefix, exact or regex."),
    services: services("Where matching requests go."),
    enableWebsockets: boolean("Allow WebSocket upgrades."),
    permitInsecure: boolean("Serve over plain HTTP although the virtual host has TLS."),
    authPolicy: authorizationPolicy("Overrides the virtual host's authorization policy."),
    timeoutPolicy: timeoutPolicy("Timeouts."),
    retryPolicy: retryPolicy("Retries."),
    healthCheckPolicy: httpHealthCheckPolicy("Active health checks of the services."),
    loadBalancerPolicy: loadBalancerPolicy("Load balancing over the endpoints."),
    pathRewritePolicy: pathRewritePolicy("Path rewriting after routing."),
    requestHeadersPolicy: headersPolicy('Request header changes; Host may be set from a header with "%REQ(X-Header-Name)%".'),
    responseHeadersPolicy: headersPolicy("Response header changes; Host cannot be set."),
    cookieRewritePolicies: cookieRewritePolicies("Set-Cookie rewrites; cookie names must be unique."),
    rateLimitPolicy: rateLimitPolicy("Rate limits of the route."),
    requestRedirectPolicy: requestRedirectPolicy("Answer with a redirect."),
    directResponsePolicy: directResponsePolicy("Answer directly."),
    internalRedirectPolicy: internalRedirectPolicy("Follow redirects inside Envoy."),
    jwtVerificationPolicy: jwtVerificationPolicy("JWT verification."),
    ipAllowPolicy: ipFilterPolicies("Only these sources are allowed; replaces the virtual host's filters. Exclusive with ipDenyPolicy."),
    ipDenyPolicy: ipFilterPolicies("These sources are denied; replaces the virtual host's filters. Exclusive with ipAllowPolicy."),
  });
}

function tcpProxyInclude(description: string): JSONSchemaProps {
  return object(
    description,
    {
      name: objectName("HTTPProxy name."),
      namespace: namespaceName("Default the including HTTPProxy's namespace."),
    },
    ["name"],
  );
}

function tcpProxy(): JSONSchemaProps {
  return object("TCP proxying of the (TLS) virtual host; routes are then ignored.", {
    loadBalancerPolicy: loadBalancerPolicy("Load balancing; Cookie and RequestHash cannot be used here."),
    services: services("Where connections go."),
    include: tcpProxyInclude("The HTTPProxy holding the tcpproxy."),
    includes: tcpProxyInclude("Old spelling of include, still accepted."),
    healthCheckPolicy: tcpHealthCheckPolicy("Active health checks of the services."),
  });
}

function includes(): JSONSchemaProps {
  const include = object(
    "An HTTPProxy whose routes are included.",
    {
      name: objectName("HTTPProxy name."),
      namespace: namespaceName("Default the including HTTPProxy's namespace."),
      conditions: matchConditions("Prepended to the included routes' conditions; at most one prefix, no exact or regex."),
    },
    ["name"],
  );
  return array("HTTPProxies whose routes are included.", include);
}

function status(): JSONSchemaProps {
  const port = object(
    "A port of the address.",
    {
      port: int32("Port number."),
      protocol: string("TCP, UDP or SCTP."),
      error: string("Why the port is not working, CamelCase or domain-prefixed.", {
        maxLength: 316,
        pattern: String.raw`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$`,
      }),
    },
    ["port", "protocol"],
  );
  const ingress = object("An address of the load balancer.", {
    ip: string("IP address."),
    hostname: string("DNS name."),
    ipMode: string("VIP or Proxy."),
    ports: array("Ports of the address.", port, { "x-kubernetes-list-type": "atomic" }),
  });
  return object(
    "What the controller reports.",
    {
      currentStatus: string("valid, invalid, orphaned, or NotReconciled before the controller has looked."),
      description: string("Why, in a sentence."),
      loadBalancer: object("Where the proxy is reachable.", {
        ingress: array("Addresses.", ingress, { "x-kubernetes-list-type": "atomic" }),
      }),
      conditions: detailedConditions("Conditions: Contour maintains Valid and leaves other types alone."),
    },
    [],
    { default: { currentStatus: "NotReconciled", description: "Waiting for controller" } },
  );
}

/** The HTTPProxy CustomResourceDefinition. */
export function httpProxyCrd(): CustomResourceDefinition {
  const spec = object("What the HTTPProxy asks for.", {
    virtualhost: virtualHost(),
    routes: array("HTTP routes; ignored when tcpproxy is set.", route()),
    tcpproxy: tcpProxy(),
    includes: includes(),
    ingressClassName: string("Ingress class; the kubernetes.io/ingress.class annotation wins when both are set."),
  });
  const root = object(
    "HTTPProxy: a virtual host (for a root) and its routes, or routes included by another HTTPProxy.",
    {
      apiVersion: string("projectcontour.io/v1."),
      kind: string("HTTPProxy."),
      metadata: { type: "object" },
      spec,
      status: status(),
    },
    ["spec"],
  );
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${HTTPPROXY_PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: { plural: HTTPPROXY_PLURAL, singular: HTTPPROXY_SINGULAR, kind: HTTPPROXY_KIND, listKind: HTTPPROXY_LIST_KIND, shortNames: [...HTTPPROXY_SHORT_NAMES] },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: root },
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: "FQDN", type: "string", jsonPath: ".spec.virtualhost.fqdn", description: "Fully qualified domain name" },
            { name: "TLS Secret", type: "string", jsonPath: ".spec.virtualhost.tls.secretName", description: "Secret with the TLS certificate" },
            { name: "Status", type: "string", jsonPath: ".status.currentStatus", description: "Current status" },
            { name: "Status Description", type: "string", jsonPath: ".status.description", description: "Why the status is what it is" },
          ],
        },
      ],
    },
  };
}
