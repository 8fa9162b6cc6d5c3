import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPProxy, JWTProvider } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { cacheOf, port, secret, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, CA_CRT } from "../source/testdata/certs.js";
import { delegation, include, httpProxy, prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80)], { namespace: "app" });
const cert = tlsSecret("cert", A_CRT, A_KEY, { namespace: "app" });
const ca = secret("jwks-ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: "app" });
const otherCa = secret("jwks-ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: "certs" });

const provider = (name: string, extra: Partial<JWTProvider> = {}): JWTProvider => ({ name, remoteJWKS: { uri: "http://127.0.0.1:8099/jwks.json" }, ...extra });
const jwtRoot = (providers: unknown[], routes = [prefixRoute("/", [to("web", 80)])], tls: object = { secretName: "cert" }): HTTPProxy =>
  rootProxy("p", "jwt.example.com", { vhost: { tls, jwtProviders: providers as JWTProvider[] }, routes }, { namespace: "app" });
function run(proxy: HTTPProxy, ...objects: KubernetesObject[]): Fragment {
  return reconcileHTTPProxy(cacheOf(web, cert, ca, ...objects, proxy), proxy);
}
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);

describe("reconcileHTTPProxy: JWT verification", () => {
  it("serves providers on the secure host, the default required by every route that does not opt out", () => {
    const f = run(
      jwtRoot(
        [provider("main", { default: true, issuer: "https://issuer", audiences: ["a", "b"], forwardJWT: true, remoteJWKS: { uri: "http://127.0.0.1:8099/jwks.json", timeout: "5s", cacheDuration: "1m" } }), provider("other")],
        [
          prefixRoute("/open", [to("web", 80)], { jwtVerificationPolicy: { disabled: true } }),
          prefixRoute("/other", [to("web", 80)], { jwtVerificationPolicy: { require: "other" } }),
          prefixRoute("/", [to("web", 80)]),
        ],
      ),
    );
    assert.deepEqual(reasons(f), ["Valid"]);
    const v = f.virtualHosts[0];
    assert.deepEqual(v?.jwtProviders?.map((p) => p.name), ["main", "other"]);
    assert.deepEqual(v?.jwtProviders?.[0], {
      name: "main",
      issuer: "https://issuer",
      audiences: ["a", "b"],
      forwardJwt: true,
      remoteJwks: { uri: "http://127.0.0.1:8099/jwks.json", timeoutMs: 5000, cacheDurationMs: 60000, cluster: { name: "dnsname/http/127.0.0.1", scheme: "http", address: "127.0.0.1", port: 8099 } },
    });
    assert.equal(v?.jwtProviders?.[1]?.remoteJwks.timeoutMs, 1000, "upstream's default JWKS timeout");
    const byPath = new Map(v?.routes.map((r) => [r.match.path.value, r.jwtProvider]));
    assert.deepEqual([byPath.get("/open"), byPath.get("/other"), byPath.get("/")], [undefined, "other", "main"]);
  });

  it("passes the default provider down the include tree", () => {
    const child = httpProxy("child", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "app" });
    const root = rootProxy("p", "jwt.example.com", { vhost: { tls: { secretName: "cert" }, jwtProviders: [provider("main", { default: true })] }, includes: [include("child", "/c")] }, { namespace: "app" });
    const f = run(root, child);
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.deepEqual(f.virtualHosts[0]?.routes.map((r) => r.jwtProvider), ["main"]);
  });

  it("uses an https JWKS with a CA of the proxy's namespace, or of another one delegated to it", () => {
    const https = (caSecret: string): unknown[] => [provider("p", { remoteJWKS: { uri: "https://localhost:9443/keys", validation: { caSecret, subjectName: "localhost" }, dnsLookupFamily: "v4" } })];
    const f = run(jwtRoot(https("jwks-ca")));
    assert.deepEqual(reasons(f), ["Valid"]);
    const cluster = f.virtualHosts[0]?.jwtProviders?.[0]?.remoteJwks.cluster;
    assert.equal(cluster?.name, "dnsname/https/localhost");
    assert.deepEqual([cluster?.port, cluster?.dnsLookupFamily, cluster?.upstreamValidation?.subjectName], [9443, "v4", "localhost"]);
    assert.ok(f.secrets.some((s) => s.name === cluster?.upstreamValidation?.caSecret), "the CA is sent");
    assert.deepEqual(reasons(run(jwtRoot(https("certs/jwks-ca")), otherCa)), ["RemoteJWKSCACertificateNotDelegated"]);
    const delegated = run(jwtRoot(https("certs/jwks-ca")), otherCa, delegation("d", "certs", [{ secretName: "jwks-ca", targetNamespaces: ["app"] }]));
    assert.deepEqual(reasons(delegated), ["Valid"]);
    assert.deepEqual(reasons(run(jwtRoot(https("missing")))), ["RemoteJWKSUpstreamValidationInvalid"]);
  });

  const refused: { name: string; proxy: HTTPProxy; reason: string }[] = [
    { name: "a host without TLS", proxy: rootProxy("p", "jwt.example.com", { vhost: { jwtProviders: [provider("a")] }, routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "app" }), reason: "JWTVerificationNotPermitted" },
    { name: "a passthrough host", proxy: jwtRoot([provider("a")], undefined, { passthrough: true }), reason: "JWTVerificationNotPermitted" },
    { name: "two providers of one name", proxy: jwtRoot([provider("a"), provider("a")]), reason: "DuplicateProviderName" },
    { name: "two defaults", proxy: jwtRoot([provider("a", { default: true }), provider("b", { default: true })]), reason: "MultipleDefaultProvidersSpecified" },
    { name: "a scheme other than http(s)", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "ftp://127.0.0.1/jwks" } })]), reason: "RemoteJWKSSchemeInvalid" },
    { name: "no scheme", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "127.0.0.1/jwks" } })]), reason: "RemoteJWKSSchemeInvalid" },
    { name: "a URI that does not parse", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "http://[::1/jwks" } })]), reason: "RemoteJWKSURIInvalid" },
    { name: "validation of an http JWKS", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "http://127.0.0.1/jwks", validation: { caSecret: "jwks-ca", subjectName: "x" } } })]), reason: "RemoteJWKSUpstreamValidationInvalid" },
    { name: "a bad timeout", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "http://127.0.0.1/jwks", timeout: "soon" } })]), reason: "RemoteJWKSTimeoutInvalid" },
    { name: "a negative timeout", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "http://127.0.0.1/jwks", timeout: "-1s" } })]), reason: "RemoteJWKSTimeoutInvalid" },
    { name: "a bad cache duration", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "http://127.0.0.1/jwks", cacheDuration: "1x" } })]), reason: "RemoteJWKSCacheDurationInvalid" },
    { name: "a zero cache duration (Envoy wants 1 ms or more)", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "http://127.0.0.1/jwks", cacheDuration: "0s" } })]), reason: "RemoteJWKSCacheDurationInvalid" },
    { name: "an unknown DNS lookup family", proxy: jwtRoot([provider("a", { remoteJWKS: { uri: "http://127.0.0.1/jwks", dnsLookupFamily: "v5" as "v4" } })]), reason: "RemoteJWKSDNSLookupFamilyInvalid" },
    { name: "a provider without a name", proxy: jwtRoot([{ remoteJWKS: { uri: "http://127.0.0.1/jwks" } }]), reason: "ProviderNameInvalid" },
    { name: "a route requiring a provider the host lacks", proxy: jwtRoot([provider("a")], [prefixRoute("/", [to("web", 80)], { jwtVerificationPolicy: { require: "b" } })]), reason: "JWTProviderNotDefined" },
    { name: "require and disabled together", proxy: jwtRoot([provider("a")], [prefixRoute("/", [to("web", 80)], { jwtVerificationPolicy: { require: "a", disabled: true } })]), reason: "InvalidJWTVerificationPolicy" },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} (${c.reason}) and serves nothing unverified`, () => {
      const f = run(c.proxy);
      assert.deepEqual(reasons(f), [c.reason]);
      assert.equal(f.conditions[0]?.category, "JWTVerificationError");
      assert.ok(f.virtualHosts.every((v) => v.routes.every((r) => r.jwtProvider === undefined || v.jwtProviders !== undefined)));
      if (c.reason !== "InvalidJWTVerificationPolicy") assert.deepEqual(f.virtualHosts, []);
    });
  }
});
