// Sample manifests for the CRD tests (unit and e2e): valid ones in the style of upstream's docs, one
// HTTPProxy that sets every field the types define (the compiler checks that nothing is missing),
// and malformed ones the API server must reject, each with the field it must name.
import { API_VERSION, HTTPPROXY_KIND, TLS_CERTIFICATE_DELEGATION_KIND } from "../constants.js";
import type { HTTPProxy, HTTPProxySpec, HTTPProxyStatus } from "../types/httpproxy.js";
import type { TLSCertificateDelegation, TLSCertificateDelegationStatus } from "../types/tlscertificatedelegation.js";

/** T with every optional field made required, all the way down: a value of it sets every field. */
export type Complete<T> = T extends readonly (infer U)[]
  ? readonly Complete<U>[]
  : T extends object
    ? { readonly [K in keyof T]-?: Complete<Exclude<T[K], undefined>> }
    : T;

/** A root HTTPProxy with TLS, one route of its own, and two includes (upstream's "blog" example). */
export function rootWithTlsAndIncludes(namespace = "projectcontour"): HTTPProxy {
  return {
    apiVersion: API_VERSION,
    kind: HTTPPROXY_KIND,
    metadata: { name: "root-blog", namespace },
    spec: {
      virtualhost: { fqdn: "local.projectcontour.io", tls: { secretName: "local-tls", minimumProtocolVersion: "1.2" } },
      routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "home", port: 80 }] }],
      includes: [
        { name: "blogsite", namespace: "marketing", conditions: [{ prefix: "/blog" }] },
        { name: "infosite", conditions: [{ prefix: "/info" }, { header: { name: "x-canary", present: true } }] },
      ],
    },
  };
}

/** A child HTTPProxy (no virtualhost) with routes using the common policies. */
export function childWithRoutes(namespace = "marketing"): HTTPProxy {
  return {
    apiVersion: API_VERSION,
    kind: HTTPPROXY_KIND,
    metadata: { name: "blogsite", namespace },
    spec: {
      routes: [
        {
          conditions: [{ prefix: "/" }, { header: { name: "x-beta", exact: "yes", ignoreCase: true } }],
          services: [
            { name: "blog-v1", port: 8080, weight: 90 },
            { name: "blog-v2", port: 8080, weight: 10, protocol: "h2c" },
            { name: "blog-shadow", port: 8080, mirror: true },
          ],
          timeoutPolicy: { response: "1m30s", idle: "infinity", idleConnection: "1h" },
          retryPolicy: { count: 3, perTryTimeout: "150ms", retryOn: ["5xx", "reset", "retriable-status-codes"], retriableStatusCodes: [503] },
          loadBalancerPolicy: { strategy: "RequestHash", requestHashPolicies: [{ headerHashOptions: { headerName: "x-user" }, terminal: true }, { hashSourceIP: true }] },
          pathRewritePolicy: { replacePrefix: [{ prefix: "/blog", replacement: "/" }] },
          requestHeadersPolicy: { set: [{ name: "x-forwarded-site", value: "blog" }], remove: ["x-debug"] },
          responseHeadersPolicy: { set: [{ name: "cache-control", value: "no-store" }] },
          healthCheckPolicy: { path: "/healthz", intervalSeconds: 5, timeoutSeconds: 2, unhealthyThresholdCount: 3, healthyThresholdCount: 5 },
          enableWebsockets: true,
        },
        { conditions: [{ exact: "/old" }], requestRedirectPolicy: { scheme: "https", path: "/new", statusCode: 301 } },
        { conditions: [{ regex: "/status/[0-9]+" }], directResponsePolicy: { statusCode: 503, body: "maintenance" } },
      ],
    },
  };
}

/** A root that passes TLS through to a TCP backend (upstream's tcpproxy passthrough example). */
export function tcpProxyPassthrough(namespace = "projectcontour"): HTTPProxy {
  return {
    apiVersion: API_VERSION,
    kind: HTTPPROXY_KIND,
    metadata: { name: "tcp-passthrough", namespace },
    spec: {
      virtualhost: { fqdn: "tcp.example.com", tls: { passthrough: true } },
      tcpproxy: {
        loadBalancerPolicy: { strategy: "Random" },
        services: [{ name: "tls-backend", port: 443 }],
        healthCheckPolicy: { intervalSeconds: 10, timeoutSeconds: 2, unhealthyThresholdCount: 3, healthyThresholdCount: 2 },
      },
    },
  };
}

/** A TLSCertificateDelegation letting two namespaces use a wildcard certificate. */
export function certificateDelegation(namespace = "certs"): TLSCertificateDelegation {
  return {
    apiVersion: API_VERSION,
    kind: TLS_CERTIFICATE_DELEGATION_KIND,
    metadata: { name: "wildcard", namespace },
    spec: {
      delegations: [
        { secretName: "wildcard-tls", targetNamespaces: ["projectcontour", "marketing"] },
        { secretName: "shared-ca", targetNamespaces: ["*"] },
      ],
    },
  };
}

/** The valid HTTPProxy samples. */
export function validHTTPProxies(): HTTPProxy[] {
  return [rootWithTlsAndIncludes(), childWithRoutes(), tcpProxyPassthrough()];
}

const headerMatch = {
  name: "x-match",
  present: true,
  notpresent: false,
  contains: "a",
  notcontains: "b",
  ignoreCase: true,
  exact: "c",
  notexact: "d",
  regex: "^e+$",
  treatMissingAsEmpty: true,
} as const;

const headersPolicy = { set: [{ name: "x-set", value: "1" }], remove: ["x-remove"] } as const;

const cookieRewrite = {
  name: "session",
  pathRewrite: { value: "/app" },
  domainRewrite: { value: "app.example.com" },
  secure: true,
  sameSite: "Lax",
} as const;

const validation = { caSecret: "certs/backend-ca", subjectName: "backend.example.com", subjectNames: ["backend.example.com", "backend.internal"] } as const;

const rateLimit = {
  local: { requests: 100, unit: "minute", burst: 10, responseStatusCode: 429, responseHeadersToAdd: [{ name: "x-limited", value: "yes" }] },
  global: {
    disabled: false,
    descriptors: [
      {
        entries: [
          { genericKey: { key: "site", value: "blog" }, requestHeader: { headerName: "x-user", descriptorKey: "user" }, requestHeaderValueMatch: { headers: [headerMatch], expectMatch: true, value: "matched" }, remoteAddress: {} },
        ],
      },
    ],
  },
} as const;

const service = {
  name: "everything",
  port: 8443,
  healthPort: 8081,
  protocol: "tls",
  weight: 100,
  validation,
  mirror: false,
  requestHeadersPolicy: headersPolicy,
  responseHeadersPolicy: headersPolicy,
  cookieRewritePolicies: [cookieRewrite],
  slowStartPolicy: { window: "30s", aggression: "1.5", minWeightPercent: 20 },
} as const;

const loadBalancer = { strategy: "RequestHash", requestHashPolicies: [{ terminal: true, headerHashOptions: { headerName: "x-a" }, queryParameterHashOptions: { parameterName: "q" }, hashSourceIP: true }] } as const;

const ipFilters = [{ source: "Peer", cidr: "10.0.0.0/8" }, { source: "Remote", cidr: "2001:db8::1" }] as const;

/**
 * An HTTPProxy spec that sets every field of HTTPProxySpec. Not meaningful (tcpproxy and routes,
 * exact and prefix together), but it fits the schema, so the API server must store it unchanged.
 */
export const EVERY_FIELD_SPEC: Complete<HTTPProxySpec> = {
  virtualhost: {
    fqdn: "*.everything.example.com",
    tls: {
      secretName: "certs/everything-tls",
      minimumProtocolVersion: "1.2",
      maximumProtocolVersion: "1.3",
      passthrough: false,
      clientValidation: {
        caSecret: "client-ca",
        skipClientCertValidation: false,
        forwardClientCertificate: { subject: true, cert: true, chain: true, dns: true, uri: true },
        crlSecret: "client-crl",
        crlOnlyVerifyLeafCert: true,
        optionalClientCertificate: true,
      },
      enableFallbackCertificate: false,
    },
    authorization: {
      extensionRef: { apiVersion: "projectcontour.io/v1alpha1", namespace: "auth", name: "htpasswd" },
      authPolicy: { disabled: false, context: { team: "blog", tier: "gold" } },
      responseTimeout: "500ms",
      failOpen: false,
      withRequestBody: { maxRequestBytes: 2048, allowPartialMessage: true, packAsBytes: false },
    },
    corsPolicy: {
      allowCredentials: true,
      allowOrigin: ["https://example.com", "*"],
      allowMethods: ["GET", "POST", "OPTIONS"],
      allowHeaders: ["authorization", "cache-control"],
      exposeHeaders: ["Content-Length"],
      maxAge: "10m",
      allowPrivateNetwork: true,
    },
    rateLimitPolicy: rateLimit,
    jwtProviders: [
      {
        name: "provider-1",
        default: true,
        issuer: "https://issuer.example.com",
        audiences: ["audience-1"],
        remoteJWKS: { uri: "https://issuer.example.com/jwks.json", validation, timeout: "1s", cacheDuration: "5m", dnsLookupFamily: "v4" },
        forwardJWT: true,
      },
    ],
    ipAllowPolicy: ipFilters,
    ipDenyPolicy: ipFilters,
  },
  routes: [
    {
      conditions: [
        {
          prefix: "/",
          exact: "/exact",
          regex: "/re.*",
          header: headerMatch,
          queryParameter: { name: "q", exact: "1", prefix: "p", suffix: "s", regex: "^r$", contains: "c", ignoreCase: true, present: true },
        },
      ],
      services: [service],
      enableWebsockets: true,
      permitInsecure: true,
      authPolicy: { disabled: true, context: { route: "one" } },
      timeoutPolicy: { response: "15s", idle: "infinite", idleConnection: "1h" },
      retryPolicy: { count: 2, perTryTimeout: "1s", retryOn: ["gateway-error", "unavailable"], retriableStatusCodes: [502, 503] },
      healthCheckPolicy: {
        path: "/healthz",
        host: "health.example.com",
        intervalSeconds: 5,
        timeoutSeconds: 2,
        unhealthyThresholdCount: 3,
        healthyThresholdCount: 2,
        expectedStatuses: [{ start: 200, end: 300 }],
      },
      loadBalancerPolicy: loadBalancer,
      pathRewritePolicy: { replacePrefix: [{ prefix: "/api", replacement: "/" }] },
      requestHeadersPolicy: headersPolicy,
      responseHeadersPolicy: headersPolicy,
      cookieRewritePolicies: [cookieRewrite],
      rateLimitPolicy: rateLimit,
      requestRedirectPolicy: { scheme: "https", hostname: "www.example.com", port: 8443, statusCode: 308, path: "/moved", prefix: "/prefix" },
      directResponsePolicy: { statusCode: 200, body: "ok" },
      internalRedirectPolicy: { maxInternalRedirects: 3, redirectResponseCodes: [301, 302, 303, 307, 308], allowCrossSchemeRedirect: "SafeOnly", denyRepeatedRouteRedirect: true },
      jwtVerificationPolicy: { require: "provider-1", disabled: false },
      ipAllowPolicy: ipFilters,
      ipDenyPolicy: ipFilters,
    },
  ],
  tcpproxy: {
    loadBalancerPolicy: loadBalancer,
    services: [service],
    include: { name: "tcp-child", namespace: "tcp" },
    includes: { name: "tcp-child-old", namespace: "tcp" },
    healthCheckPolicy: { intervalSeconds: 10, timeoutSeconds: 3, unhealthyThresholdCount: 4, healthyThresholdCount: 2 },
  },
  includes: [{ name: "child", namespace: "marketing", conditions: [{ prefix: "/child", exact: "", regex: "", header: headerMatch, queryParameter: { name: "q", exact: "1", prefix: "", suffix: "", regex: "", contains: "", ignoreCase: false, present: false } }] }],
  ingressClassName: "contour",
};

const condition = {
  type: "Valid",
  status: "False",
  observedGeneration: 3,
  lastTransitionTime: "2024-01-02T03:04:05Z",
  reason: "ErrorPresent",
  message: "At least one error present, see Errors for details",
  errors: [{ type: "TLSError", status: "True", reason: "SecretNotValid", message: 'Secret "local-tls" is not a TLS Secret' }],
  warnings: [{ type: "example.com/RouteWarning", status: "True", reason: "Deprecated", message: "subjectName is deprecated" }],
} as const;

/** An HTTPProxy status that sets every field of HTTPProxyStatus. */
export const EVERY_FIELD_STATUS: Complete<HTTPProxyStatus> = {
  currentStatus: "invalid",
  description: "At least one error present, see Errors for details",
  loadBalancer: { ingress: [{ ip: "192.0.2.10", hostname: "lb.example.com", ipMode: "VIP", ports: [{ port: 443, protocol: "TCP", error: "Pending" }] }] },
  conditions: [condition],
};

/** A TLSCertificateDelegation status that sets every field. */
export const EVERY_FIELD_DELEGATION_STATUS: Complete<TLSCertificateDelegationStatus> = { conditions: [condition] };

/** The HTTPProxy of EVERY_FIELD_SPEC. */
export function everyFieldHTTPProxy(namespace = "projectcontour"): HTTPProxy {
  return { apiVersion: API_VERSION, kind: HTTPPROXY_KIND, metadata: { name: "every-field", namespace }, spec: EVERY_FIELD_SPEC };
}

/** A malformed manifest and the field the API server must name when refusing it. */
export interface InvalidManifest {
  readonly name: string;
  /** The field path as the API server reports it, e.g. spec.routes[0].services[0].port. */
  readonly field: string;
  readonly manifest: Record<string, unknown>;
  /** The rejection comes from a CEL rule, which the unit tests' validator does not evaluate. */
  readonly cel?: boolean;
}

function proxyWith(name: string, spec: Record<string, unknown>, namespace: string): Record<string, unknown> {
  return { apiVersion: API_VERSION, kind: HTTPPROXY_KIND, metadata: { name, namespace }, spec };
}

function routeWith(name: string, route: Record<string, unknown>, namespace: string): Record<string, unknown> {
  return proxyWith(name, { routes: [{ conditions: [{ prefix: "/" }], ...route }] }, namespace);
}

/**
 * HTTPProxies that upstream v1.33.6's CRD admits and an earlier, stricter schema of ours refused: a
 * route with 17 services, a load balancer strategy upstream falls back from (to RoundRobin), port
 * 65536 (upstream's bound), long values and long lists. Each must be admitted and get a status.
 */
export function upstreamAdmittedProxies(namespace = "marketing"): Array<Record<string, unknown>> {
  const services = Array.from({ length: 17 }, (_, i) => ({ name: `s${i + 1}`, port: 80 }));
  return [
    proxyWith("seventeen-services", { virtualhost: { fqdn: "seventeen.example.com" }, routes: [{ conditions: [{ prefix: "/" }], services }] }, namespace),
    proxyWith(
      "fallback-strategy",
      { virtualhost: { fqdn: "fallback.example.com" }, routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "s1", port: 80 }], loadBalancerPolicy: { strategy: "Fastest" } }] },
      namespace,
    ),
    proxyWith("port-65536", { routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "s1", port: 65536 }] }] }, namespace),
    proxyWith(
      "long-values",
      {
        virtualhost: { fqdn: "long.example.com", tls: { secretName: "s", minimumProtocolVersion: "1.2".padEnd(40, " ") } },
        routes: [
          {
            conditions: [{ prefix: `/${"a".repeat(5000)}` }, ...Array.from({ length: 70 }, (_, i) => ({ header: { name: `x-h${i}`, present: true } }))],
            services: [{ name: "s1", port: 80 }],
            requestHeadersPolicy: { set: Array.from({ length: 200 }, (_, i) => ({ name: `x-s${i}`, value: "v" })), remove: [""] },
            retryPolicy: { retriableStatusCodes: [42, 700] },
          },
        ],
      },
      namespace,
    ),
  ];
}

/** Malformed HTTPProxies and TLSCertificateDelegations. */
export function invalidManifests(namespace = "marketing"): InvalidManifest[] {
  const svc = { name: "s1", port: 80 };
  return [
    { name: "port 0", field: "spec.routes[0].services[0].port", manifest: routeWith("bad-port-0", { services: [{ name: "s1", port: 0 }] }, namespace) },
    { name: "port 65537", field: "spec.routes[0].services[0].port", manifest: routeWith("bad-port-high", { services: [{ name: "s1", port: 65537 }] }, namespace) },
    {
      name: "unknown protocol",
      field: "spec.routes[0].services[0].protocol",
      manifest: routeWith("bad-protocol", { services: [{ ...svc, protocol: "h3" }] }, namespace),
    },
    { name: "weight -1", field: "spec.routes[0].services[0].weight", manifest: routeWith("bad-weight", { services: [{ ...svc, weight: -1 }] }, namespace) },
    {
      name: "malformed response timeout",
      field: "spec.routes[0].timeoutPolicy.response",
      manifest: routeWith("bad-timeout", { services: [svc], timeoutPolicy: { response: "forever" } }, namespace),
    },
    {
      name: "service without a name",
      field: "spec.routes[0].services[0].name",
      manifest: routeWith("bad-service-name", { services: [{ port: 80 }] }, namespace),
    },
    {
      name: "unknown retryOn",
      field: "spec.routes[0].retryPolicy.retryOn[0]",
      manifest: routeWith("bad-retry-on", { services: [svc], retryPolicy: { retryOn: ["sometimes"] } }, namespace),
    },
    {
      name: "redirect status 304",
      field: "spec.routes[0].requestRedirectPolicy.statusCode",
      manifest: routeWith("bad-redirect", { requestRedirectPolicy: { statusCode: 304 } }, namespace),
    },
    {
      name: "upper-case fqdn",
      field: "spec.virtualhost.fqdn",
      manifest: proxyWith("bad-fqdn", { virtualhost: { fqdn: "Blog.Example.COM" } }, namespace),
    },
    {
      name: "subjectNames not starting with subjectName",
      field: "spec.routes[0].services[0].validation",
      cel: true,
      manifest: routeWith(
        "bad-subject-names",
        { services: [{ ...svc, protocol: "tls", validation: { caSecret: "ca", subjectName: "a.example.com", subjectNames: ["b.example.com"] } }] },
        namespace,
      ),
    },
    {
      name: "delegation without target namespaces",
      field: "spec.delegations[0].targetNamespaces",
      manifest: { apiVersion: API_VERSION, kind: TLS_CERTIFICATE_DELEGATION_KIND, metadata: { name: "bad-delegation", namespace }, spec: { delegations: [{ secretName: "s" }] } },
    },
  ];
}
