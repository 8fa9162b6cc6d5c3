/**
 * Structure-aware fast-check generators of the objects a hostile (or careless) tenant can write:
 * HTTPProxies and Ingresses built field by field from values chosen near the edges Envoy cares about
 * (uint32 and int64 bounds, durations at Go's limit, regexes RE2 and JavaScript disagree on, header
 * names and values with odd characters, certificates Envoy refuses), plus the Services and Secrets
 * they reference. The CRD schema (admission) is applied by the caller (admission.ts); the generators
 * stay close to it so few objects are filtered out.
 */
import fc from "fast-check";
import type { KubernetesObject, V1Ingress, V1Secret, V1Service } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";

/** Names of the Services every generated batch may reference ("missing" never exists). */
export const SERVICE_NAMES = ["svc-a", "svc-b", "svc-c", "missing"] as const;

/** Names of the TLS Secrets a batch may reference (made by the caller; "missing-cert" never exists). */
export const SECRET_NAMES = ["cert-rsa2048", "cert-p256", "cert-rsa1024", "cert-secp256k1", "missing-cert"] as const;

/** Secrets a batch may name as a CA bundle: an Opaque one with ca.crt, a TLS one without, a missing one. */
export const CA_SECRET_NAMES = ["ca-bundle", "cert-rsa2048", "missing-ca"] as const;

/** The Services of a fuzz namespace: svc-a on ports 80 and 443, svc-b on 80 with upstream annotations. */
export function fuzzServices(namespace: string): V1Service[] {
  const svc = (name: string, ports: number[], annotations: Record<string, string> = {}): V1Service => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, annotations },
    spec: { type: "ClusterIP", ports: ports.map((p) => ({ name: `p${p}`, port: p, protocol: "TCP", targetPort: p as never })) },
  });
  return [
    svc("svc-a", [80, 443]),
    svc("svc-b", [80], { "projectcontour.io/max-connections": "4294967295", "projectcontour.io/max-requests": "1024" }),
    // Upstream protocols by port name and number, and circuit breakers out of range (ignored with a warning).
    svc("svc-c", [80, 443], { "projectcontour.io/upstream-protocol.tls": "443,p80", "projectcontour.io/upstream-protocol.h2c": "80", "projectcontour.io/max-pending-requests": "4294967296", "projectcontour.io/max-retries": "-1" }),
  ];
}

/** An Opaque Secret holding only a CA bundle (ca.crt), for upstream and client certificate validation. */
export function fuzzCaSecret(name: string, namespace: string, caPem: string): V1Secret {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: "Opaque", data: { "ca.crt": Buffer.from(caPem, "utf8").toString("base64") } };
}

/** A kubernetes.io/tls Secret from PEM text. */
export function fuzzTlsSecret(name: string, namespace: string, cert: string, key: string): V1Secret {
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: "kubernetes.io/tls", data: { "tls.crt": b64(cert), "tls.key": b64(key) } };
}

/** Mostly an ordinary value, sometimes an edge one: batches must have valid objects for the translator to meet. */
function mostly<T>(ordinary: fc.Arbitrary<T>, edge: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 4, arbitrary: ordinary }, { weight: 1, arbitrary: edge });
}

/** Undefined `1 - 1/oneIn` of the time, else a value (fc.option is the other way round: undefined 1 in freq). */
function sometimes<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** Integers around the bounds of Envoy's fields (uint32, int32, percent, HTTP status). */
const edgeInt = fc.constantFrom<number>(0, 1, 2, 99, 100, 101, 599, 600, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1);

/** Durations in Go's syntax, inside and past what Envoy takes; all fit the CRD's duration pattern. */
export const durationArb = mostly(
  fc.constantFrom("1s", "30s", "250ms", "1m", "infinity", "0s"),
  fc.oneof(
  fc.constantFrom("0s", "1ms", "1s", "30s", "1.5h", "infinity", "infinite", "2562047h47m16.854775807s", "2562047h", "9223372035s", "9223372036s", "9223372035.999s", "0.0001ns", "1000000h"),
  fc.tuple(fc.nat({ max: 100000 }), fc.constantFrom("ns", "us", "µs", "ms", "s", "m", "h")).map(([n, u]) => `${n}${u}`),
  ),
);

/** Pieces regexes are made of: RE2 syntax, JavaScript-only syntax, and repetition that grows programs. */
const REGEX_TOKENS = [
  "a", "b", "/", "-", ".", ".*", "+", "?", "*", "|", "^", "$", "(", ")", "(?:", "[a-z]", "[^/]", "[", "]", "\\d", "\\w", "\\W", "\\s", "\\b", "\\B",
  "{2}", "{2,}", "{2,5}", "{30}", "{40}", "{1000}", "{1001}", "\\p{L}", "\\p{Greek}", "\\p{Letter}", "\\pN", "\\cA", "\\u0041", "[\\b]", "\\x41",
  "\\x{41}", "\\Q", "\\E", "(?i)", "(?P<n>", "(?<n>", "\\1", "\\k<n>", "(?=", "(?!", "(?<=", "\\z", "\\Z", "\\A", "\\C", "[[:alpha:]]", "é", "%", "\\.",
];

/** A regex-like string of 1-12 tokens (most do not compile; that is the point). */
export const regexBodyArb = mostly(
  fc.constantFrom("api/.*", "v[0-9]+/users", "a(b|c)*d", "[^/]+/x", "(?i)abc", "\\d{3}-\\d{4}", "(?P<id>[0-9]+)", "\\p{Greek}+"),
  fc.array(fc.constantFrom(...REGEX_TOKENS), { minLength: 1, maxLength: 12 }).map((t) => t.join("")),
);

/** A path regex: "/" and a regex body. */
const pathRegexArb = regexBodyArb.map((r) => `/${r}`);

/** Plain paths with odd but printable characters. */
const plainPathArb = mostly(fc.constantFrom("/", "/api", "/api/v1", "/static/"), fc.constantFrom("/", "/api", "/api/", "/a b", "/%41", "/%", "/é", "/a?b", "/a#b", "/*", "//", "/x".repeat(20), "/\u00a0", "/\\"));

/** Header names: tokens, case variants, pseudo-headers, Host, and invalid ones the CRD still admits. */
const headerNameArb = mostly(fc.constantFrom("x-a", "x-b", "x-request-id"), fc.constantFrom("x-a", "X-A", "x-forwarded-for", "host", "Host", ":authority", ":path", "content-length", "te", "x_y", "x y", "x\u00e9", "a".repeat(200), "transfer-encoding", "connection", "upgrade"));

/** Header values: ordinary, long, with %, tabs, non-ASCII, and Envoy command-like text. */
const headerValueArb = mostly(fc.constantFrom("v", "a-b", "1"), fc.constantFrom("v", "", " ", "a\tb", "%", "%REQ(:path)%", "%DOWNSTREAM_REMOTE_ADDRESS%", "%CONTOUR_NAMESPACE%", "é", "x".repeat(5000), "\u2028", "\"quoted\""));

const pathConditionArb = fc.oneof(plainPathArb.map((prefix) => ({ prefix })), plainPathArb.map((exact) => ({ exact })), pathRegexArb.map((regex) => ({ regex })));

const otherConditionArb = fc.oneof(
  fc
    .record({
      name: headerNameArb,
      m: fc.oneof(
        fc.constant({ present: true }),
        fc.constant({ notpresent: true }),
        headerValueArb.map((v) => ({ exact: v })),
        headerValueArb.map((v) => ({ contains: v })),
        headerValueArb.map((v) => ({ notexact: v })),
        regexBodyArb.map((v) => ({ regex: v })),
      ),
      ignoreCase: fc.boolean(),
    })
    .map(({ name, m, ignoreCase }) => ({ header: { name, ...m, ...(ignoreCase ? { ignoreCase } : {}) } })),
  fc
    .record({
      name: fc.constantFrom("q", "Q", "a b", "é", "%"),
      m: fc.oneof(
        fc.constant({ present: true }),
        headerValueArb.map((v) => ({ exact: v })),
        headerValueArb.map((v) => ({ prefix: v })),
        regexBodyArb.map((v) => ({ regex: v })),
      ),
    })
    .map(({ name, m }) => ({ queryParameter: { name, ...m } })),
);

/** A route's conditions: at most one path condition (mostly), then header and query matches. */
const conditionsArb = fc
  .tuple(fc.option(pathConditionArb, { nil: undefined }), fc.array(otherConditionArb, { maxLength: 2 }), fc.array(pathConditionArb, { maxLength: 1 }), fc.nat(9))
  .map(([path, others, extra, dice]) => [...(path !== undefined ? [path] : []), ...others, ...(dice === 0 ? extra : [])]);

const serviceArb = fc.record(
  {
    name: mostly(fc.constantFrom("svc-a", "svc-b", "svc-c"), fc.constantFrom(...SERVICE_NAMES)),
    port: mostly(fc.constant(80), fc.constantFrom(443, 8080, 1, 65535)),
    validation: mostly(fc.record({ caSecret: fc.constant("ca-bundle"), subjectName: fc.constant("a.test") }), fc.record({ caSecret: fc.constantFrom(...CA_SECRET_NAMES), subjectName: fc.constantFrom("a.test", "*.fuzz.test") })),
    weight: mostly(fc.nat(100), edgeInt),
    mirror: fc.boolean(),
    protocol: fc.constantFrom("h2", "h2c", "tls"),
    requestHeadersPolicy: fc.record({ set: fc.array(fc.record({ name: headerNameArb, value: headerValueArb }), { maxLength: 2 }), remove: fc.array(headerNameArb, { maxLength: 2 }) }, { requiredKeys: [] }),
    responseHeadersPolicy: fc.record({ set: fc.array(fc.record({ name: headerNameArb, value: headerValueArb }), { maxLength: 2 }), remove: fc.array(headerNameArb, { maxLength: 2 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ["name", "port"] },
).map(sparse);

/** Keeps about a third of an object's optional settings, so one bad setting does not hide the others' translation. */
function sparse<T extends object>(value: T): T {
  const keys = Object.keys(value);
  // Deterministic from the value itself: the same input always thins the same way (shrinking stays stable).
  const seed = JSON.stringify(value).length;
  return Object.fromEntries(Object.entries(value).filter(([k], i) => k === "name" || k === "port" || k === "services" || k === "conditions" || (seed + i * 7) % 3 === 0 || keys.length <= 2)) as T;
}

/** IP filter rules: addresses and CIDRs, some out of range or of mixed families. */
const ipFiltersArb = fc.array(
  fc.record({
    source: fc.constantFrom("Peer", "Remote"),
    cidr: mostly(fc.constantFrom("10.0.0.0/8", "192.168.1.1", "::1/128", "2001:db8::/32"), fc.constantFrom("0.0.0.0/0", "10.0.0.0/33", "300.1.1.1/8", "::/0", "1.2.3.4/32", "fe80::1%eth0", "10.0.0.1/8")),
  }),
  { minLength: 1, maxLength: 3 },
);

const headersPolicyArb = fc.record(
  { set: fc.array(fc.record({ name: headerNameArb, value: headerValueArb }), { maxLength: 3 }), remove: fc.array(headerNameArb, { maxLength: 3 }) },
  { requiredKeys: [] },
);

const routeArb = fc.record(
  {
    conditions: conditionsArb,
    services: fc.array(serviceArb, { minLength: 1, maxLength: 3 }),
    enableWebsockets: fc.boolean(),
    permitInsecure: fc.boolean(),
    timeoutPolicy: fc.record({ response: durationArb, idle: durationArb, idleConnection: durationArb }, { requiredKeys: [] }),
    retryPolicy: fc.record(
      {
        count: mostly(fc.constantFrom(-1, 0, 1, 3), fc.constantFrom(2 ** 31 - 1, 2 ** 32, 2 ** 53 - 1)),
        perTryTimeout: durationArb,
        retryOn: fc.subarray(["5xx", "gateway-error", "reset", "retriable-status-codes", "cancelled"]),
        retriableStatusCodes: fc.array(fc.constantFrom(100, 503, 599), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    healthCheckPolicy: fc.record(
      { path: plainPathArb, host: fc.constantFrom("health.test", "a-b.c"), intervalSeconds: mostly(fc.nat(60), edgeInt), timeoutSeconds: mostly(fc.nat(60), edgeInt), unhealthyThresholdCount: mostly(fc.nat(10), edgeInt), healthyThresholdCount: mostly(fc.nat(10), edgeInt) },
      { requiredKeys: ["path"] },
    ),
    loadBalancerPolicy: fc.record(
      {
        strategy: fc.constantFrom("RoundRobin", "WeightedLeastRequest", "Random", "Cookie", "RequestHash"),
        requestHashPolicies: fc.array(
          fc.oneof(
            fc.constant({ hashSourceIP: true }),
            headerNameArb.map((headerName) => ({ headerHashOptions: { headerName } })),
            fc.constantFrom("q", "é").map((parameterName) => ({ queryParameterHashOptions: { parameterName } })),
          ),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
    pathRewritePolicy: fc.record({ replacePrefix: fc.array(fc.record({ prefix: plainPathArb, replacement: plainPathArb }, { requiredKeys: ["replacement"] }), { minLength: 1, maxLength: 2 }) }),
    requestHeadersPolicy: headersPolicyArb,
    responseHeadersPolicy: headersPolicyArb,
    ipAllowPolicy: ipFiltersArb,
    ipDenyPolicy: ipFiltersArb,
    rateLimitPolicy: fc.record({
      local: fc.record(
        { requests: mostly(fc.constantFrom(1, 100), fc.constantFrom(2 ** 32 - 1, 2 ** 32)), unit: fc.constantFrom("second", "minute", "hour"), burst: mostly(fc.nat(100), edgeInt), responseStatusCode: fc.constantFrom(400, 429, 599) },
        { requiredKeys: ["requests", "unit"] },
      ),
    }),
  },
  { requiredKeys: ["services"] },
).map(sparse);

/** A route answered by Envoy itself (redirect or direct response), without services. */
const actionRouteArb = fc.oneof(
  fc.record({
    conditions: conditionsArb,
    directResponsePolicy: fc.record({ statusCode: fc.constantFrom(200, 404, 599), body: fc.constantFrom("", "ok", "%", "x".repeat(5000)) }, { requiredKeys: ["statusCode"] }),
  }),
  fc.record({
    conditions: conditionsArb,
    requestRedirectPolicy: fc.record({ scheme: fc.constantFrom("http", "https"), hostname: fc.constantFrom("r.test", "a-b.c"), port: fc.constantFrom(1, 443, 65535), statusCode: fc.constantFrom(301, 302) }, { requiredKeys: [] }),
  }),
);

const corsArb = fc.record(
  {
    allowOrigin: fc.array(mostly(fc.constantFrom("*", "https://a.test", "http://a.test:8080"), regexBodyArb), { minLength: 1, maxLength: 3 }),
    allowMethods: fc.array(fc.constantFrom("GET", "POST", "OPTIONS"), { minLength: 1, maxLength: 2 }),
    allowHeaders: fc.array(fc.constantFrom("x-a", "authorization"), { maxLength: 2 }),
    maxAge: mostly(fc.constantFrom("0", "10m"), fc.constantFrom("2562047h47m16.854775807s", "9223372036s")),
    allowCredentials: fc.boolean(),
  },
  { requiredKeys: ["allowOrigin", "allowMethods"] },
);

/** An include of another object of the batch (by index; it may be a root, an Ingress or itself). */
const includeArb = fc.record({ target: fc.nat(40), conditions: fc.array(fc.oneof(plainPathArb.map((prefix) => ({ prefix })), otherConditionArb), { maxLength: 2 }) });

/** The parts of one HTTPProxy; its name and fqdn are given by the batch (unique per object, some shared or wildcard on purpose). */
const proxySpecArb = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("child" as const), routes: fc.array(routeArb, { minLength: 1, maxLength: 2 }), includes: fc.array(includeArb, { maxLength: 1 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("http" as const), tls: sometimes(mostly(fc.constantFrom("cert-rsa2048", "cert-p256"), fc.constantFrom(...SECRET_NAMES)), 3), minimumProtocolVersion: fc.constantFrom(undefined, "1.2", "1.3"), cors: sometimes(corsArb, 4), clientCa: sometimes(fc.constantFrom(...CA_SECRET_NAMES), 6), includes: fc.array(includeArb, { maxLength: 2 }), host: fc.constantFrom("own", "own", "own", "own", "own", "own", "shared", "wildcard"), routes: fc.array(fc.oneof({ weight: 4, arbitrary: routeArb }, { weight: 1, arbitrary: actionRouteArb }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("tcp" as const), services: fc.array(serviceArb.map(({ name, port, weight }) => ({ name, port, ...(weight !== undefined ? { weight } : {}) })), { minLength: 1, maxLength: 3 }) }) },
);

/** Generated parts of one HTTPProxy, made into an object by `toHttpProxy`. */
export type ProxyParts = typeof proxySpecArb extends fc.Arbitrary<infer T> ? T : never;

/** An HTTPProxy root from generated parts. */
export function toHttpProxy(parts: ProxyParts, name: string, namespace: string, fqdn: string, count = 1): HTTPProxy {
  const meta = { name, namespace };
  // Includes name other objects of the batch by index: children, roots (an error), Ingresses (missing) or itself (a cycle).
  const includes = (list: readonly { target: number; conditions: readonly object[] }[]) => list.map((i) => ({ name: `${name.replace(/-\d+$/u, "")}-${i.target % Math.max(count, 1)}`, conditions: i.conditions }));
  if (parts.kind === "child") {
    return { apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: meta, spec: { routes: parts.routes, ...(parts.includes.length > 0 ? { includes: includes(parts.includes) } : {}) } } as HTTPProxy;
  }
  if (parts.kind === "tcp") {
    return { apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: meta, spec: { virtualhost: { fqdn, tls: { passthrough: true } }, tcpproxy: { services: parts.services } } } as HTTPProxy;
  }
  const clientValidation = parts.clientCa !== undefined ? { clientValidation: { caSecret: parts.clientCa } } : {};
  const tls = parts.tls !== undefined ? { tls: { secretName: parts.tls, ...(parts.minimumProtocolVersion !== undefined ? { minimumProtocolVersion: parts.minimumProtocolVersion } : {}), ...clientValidation } } : {};
  const cors = parts.cors !== undefined ? { corsPolicy: parts.cors } : {};
  const host = parts.host === "shared" ? "shared.fuzz.test" : parts.host === "wildcard" ? `*.${fqdn}` : fqdn;
  const spec = { virtualhost: { fqdn: host, ...tls, ...cors }, routes: parts.routes, ...(parts.includes.length > 0 ? { includes: includes(parts.includes) } : {}) };
  return { apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: meta, spec } as HTTPProxy;
}

/** Ingress paths: plain, regex-marked (ImplementationSpecific), with the three path types. */
const ingressPathArb = fc.record({
  path: mostly(plainPathArb, fc.oneof(pathRegexArb, fc.constantFrom("/\\cA*", "/[\\b]*", "/a+", "/%", "/["))),
  pathType: fc.constantFrom("Prefix", "Exact", "ImplementationSpecific"),
  service: mostly(fc.constantFrom("svc-a", "svc-b", "svc-c"), fc.constantFrom(...SERVICE_NAMES)),
  port: mostly(fc.constant(80), fc.constantFrom(443, 8080)),
});

const ingressAnnotationsArb = fc.record(
  {
    "projectcontour.io/response-timeout": durationArb,
    "projectcontour.io/retry-on": mostly(fc.constantFrom("5xx", "gateway-error,reset"), fc.constant("bogus")),
    "projectcontour.io/num-retries": mostly(fc.constantFrom("-1", "0", "3"), fc.constantFrom("4294967296", "x")),
    "projectcontour.io/per-try-timeout": durationArb,
    "projectcontour.io/websocket-routes": fc.constantFrom("/", "/ws, /x", "/%"),
    "projectcontour.io/tls-minimum-protocol-version": fc.constantFrom("1.2", "1.3", "1.1", "bogus"),
    "ingress.kubernetes.io/force-ssl-redirect": fc.constantFrom("true", "false"),
  },
  { requiredKeys: [] },
).map(sparse);

const ingressPartsArb = fc.record({
  annotations: ingressAnnotationsArb,
  host: fc.constantFrom("own", "own", "own", "own", "own", "shared", "wildcard", "none"),
  defaultBackend: sometimes(fc.constantFrom(...SERVICE_NAMES), 8),
  paths: fc.array(ingressPathArb, { minLength: 1, maxLength: 4 }),
  tls: sometimes(mostly(fc.constantFrom("cert-rsa2048", "cert-p256"), fc.constantFrom(...SECRET_NAMES)), 3),
});

/** Generated parts of one Ingress. */
export type IngressParts = typeof ingressPartsArb extends fc.Arbitrary<infer T> ? T : never;

/** An Ingress (class contour) from generated parts. */
export function toIngress(parts: IngressParts, name: string, namespace: string, ownHost: string): V1Ingress {
  // Some share a host with HTTPProxies ("shared.fuzz.test"), are wildcards, or have no host at all (every host).
  const host = parts.host === "shared" ? "shared.fuzz.test" : parts.host === "wildcard" ? `*.${ownHost}` : ownHost;
  const backend = (service: string, port: number) => ({ service: { name: service, port: { number: port } } });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace, annotations: { "kubernetes.io/ingress.class": "contour", ...(parts.annotations as Record<string, string>) } },
    spec: {
      ...(parts.tls !== undefined ? { tls: [{ hosts: [host], secretName: parts.tls }] } : {}),
      ...(parts.defaultBackend !== undefined ? { defaultBackend: backend(parts.defaultBackend, 80) } : {}),
      rules: [
        {
          ...(parts.host !== "none" ? { host } : {}),
          http: { paths: parts.paths.map((p) => ({ path: p.path, pathType: p.pathType, backend: backend(p.service, p.port) })) },
        },
      ],
    },
  };
}

/** One generated object's parts: an HTTPProxy root or an Ingress. */
export type ObjectParts = { readonly kind: "HTTPProxy"; readonly parts: ProxyParts } | { readonly kind: "Ingress"; readonly parts: IngressParts };

/** One object's parts. */
export const objectPartsArb: fc.Arbitrary<ObjectParts> = fc.oneof(
  { weight: 3, arbitrary: proxySpecArb.map((parts) => ({ kind: "HTTPProxy" as const, parts })) },
  { weight: 2, arbitrary: ingressPartsArb.map((parts) => ({ kind: "Ingress" as const, parts })) },
);

/** The objects of generated parts, named `<prefix>-<i>` with host `<prefix>-<i>.fuzz.test` (unique, so they never conflict). */
export function toObjects(parts: readonly ObjectParts[], namespace: string, prefix: string): KubernetesObject[] {
  return parts.map((p, i) => {
    const name = `${prefix}-${i}`;
    const host = `${name}.fuzz.test`;
    return p.kind === "HTTPProxy" ? toHttpProxy(p.parts, name, namespace, host, parts.length) : toIngress(p.parts, name, namespace, host);
  });
}
