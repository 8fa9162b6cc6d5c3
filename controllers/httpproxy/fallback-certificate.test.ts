import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy, type HTTPProxyReconcileOptions } from "./reconcile-httpproxy.js";
import { cacheOf, port, secret, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, B_KEY, CA_CRT } from "../source/testdata/certs.js";
import { delegation, prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80)], { namespace: "app" });
const cert = tlsSecret("cert", A_CRT, A_KEY, { namespace: "app" });
const ca = secret("ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: "app" });
const fallback = tlsSecret("fallback", A_CRT, A_KEY, { namespace: "admin" });
const configured: HTTPProxyReconcileOptions = { fallbackCertificate: { namespace: "admin", name: "fallback" } };
const delegated = delegation("fb", "admin", [{ secretName: "fallback", targetNamespaces: ["app"] }]);

function run(objects: KubernetesObject[], proxy: HTTPProxy, options: HTTPProxyReconcileOptions = configured): Fragment {
  return reconcileHTTPProxy(cacheOf(...objects, proxy), proxy, options);
}
const root = (tls: Record<string, unknown>, vhost: Record<string, unknown> = {}): HTTPProxy =>
  rootProxy("p", "secure.example.com", { vhost: { tls, ...vhost } as never, routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "app" });
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);

describe("reconcileHTTPProxy: fallback certificate", () => {
  it("serves the configured, delegated fallback Secret beside the host's own", () => {
    const f = run([web, cert, fallback, delegated], root({ secretName: "cert", enableFallbackCertificate: true }));
    assert.deepEqual(reasons(f), ["Valid"]);
    const tls = f.virtualHosts[0]?.tls;
    assert.match(tls?.fallbackCertificate ?? "", /^admin\/fallback\/[0-9a-f]{10}$/u);
    assert.match(tls?.secret ?? "", /^app\/cert\//u);
    assert.deepEqual(f.secrets.map((s) => s.source.name).sort(), ["cert", "fallback"]);
    assert.ok(f.dependencies.some((d) => d.kind === "Secret" && d.namespace === "admin" && d.name === "fallback"), "a changed fallback Secret re-runs the root");
  });

  it("needs no delegation when the Secret is in the proxy's own namespace", () => {
    const f = run([web, cert], root({ secretName: "cert", enableFallbackCertificate: true }), { fallbackCertificate: { namespace: "app", name: "cert" } });
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.equal(f.virtualHosts[0]?.tls?.fallbackCertificate, f.virtualHosts[0]?.tls?.secret);
  });

  it("leaves a host without enableFallbackCertificate off the fallback chain", () => {
    const f = run([web, cert, fallback, delegated], root({ secretName: "cert" }));
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.equal(f.virtualHosts[0]?.tls?.fallbackCertificate, undefined);
    assert.deepEqual(f.secrets.map((s) => s.source.name), ["cert"]);
  });

  it("refuses what upstream refuses, with its reasons, and serves nothing of the host", () => {
    const table: [string, KubernetesObject[], Record<string, unknown>, Record<string, unknown>, HTTPProxyReconcileOptions, string, RegExp][] = [
      ["not configured", [fallback, delegated], { enableFallbackCertificate: true }, {}, {}, "FallbackNotPresent", /not configured in Contour configuration file/u],
      ["not delegated", [fallback], { enableFallbackCertificate: true }, {}, configured, "FallbackNotDelegated", /"admin\/fallback" is not configured for certificate delegation/u],
      ["delegated elsewhere", [fallback, delegation("fb", "admin", [{ secretName: "fallback", targetNamespaces: ["other"] }])], { enableFallbackCertificate: true }, {}, configured, "FallbackNotDelegated", /delegation/u],
      ["missing", [delegated], { enableFallbackCertificate: true }, {}, configured, "FallbackNotValid", /"admin\/fallback" fallback certificate is invalid/u],
      ["key mismatch", [tlsSecret("fallback", A_CRT, B_KEY, { namespace: "admin" }), delegated], { enableFallbackCertificate: true }, {}, configured, "FallbackNotValid", /invalid/u],
      ["with clientValidation", [fallback, delegated, ca], { enableFallbackCertificate: true, clientValidation: { caSecret: "ca" } }, {}, configured, "TLSIncompatibleFeatures", /fallback & client validation are incompatible/u],
      ["with JWT providers", [fallback, delegated], { enableFallbackCertificate: true }, { jwtProviders: [{ name: "p", remoteJWKS: { uri: "https://jwks.example.com/k" } }] }, configured, "TLSIncompatibleFeatures", /fallback & JWT providers are incompatible/u],
    ];
    for (const [what, objects, tls, vhost, options, reason, message] of table) {
      const f = run([web, cert, ...objects], root({ secretName: "cert", ...tls }, vhost), options);
      assert.deepEqual(reasons(f), [reason], what);
      assert.equal(f.conditions[0]?.category, "TLSError", what);
      assert.match(f.conditions[0]?.message ?? "", /^spec\.virtualhost\.tls/u, what);
      assert.match(f.conditions[0]?.message ?? "", message, what);
      assert.deepEqual(f.virtualHosts, [], what);
    }
  });
});
