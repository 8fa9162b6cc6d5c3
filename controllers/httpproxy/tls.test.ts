import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy, type HTTPProxyReconcileOptions } from "./reconcile-httpproxy.js";
import { cacheOf, port, secret, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, B_KEY, CA_CRT } from "../source/testdata/certs.js";
import { delegation, httpProxy, prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80), port(443, "https")], { namespace: "app" });
const cert = tlsSecret("cert", A_CRT, A_KEY, { namespace: "app" });
const shared = tlsSecret("wild", A_CRT, A_KEY, { namespace: "certs" });
const ca = secret("ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: "app" });

function run(objects: KubernetesObject[], proxy: HTTPProxy, options: HTTPProxyReconcileOptions = {}): Fragment {
  return reconcileHTTPProxy(cacheOf(...objects, proxy), proxy, options);
}
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);
const tlsRoot = (tls: NonNullable<NonNullable<Parameters<typeof rootProxy>[2]["vhost"]>["tls"]>, extra: Partial<Parameters<typeof rootProxy>[2]> = {}): HTTPProxy =>
  rootProxy("p", "secure.example.com", { vhost: { tls }, routes: [prefixRoute("/", [to("web", 80)])], ...extra }, { namespace: "app" });

describe("reconcileHTTPProxy: virtual host TLS", () => {
  it("serves a secure host with a Secret of its own namespace and redirects plain HTTP", () => {
    const f = run([web, cert], tlsRoot({ secretName: "cert", minimumProtocolVersion: "1.3" }));
    assert.deepEqual(reasons(f), ["Valid"]);
    const v = f.virtualHosts[0];
    assert.match(v?.tls?.secret ?? "", /^app\/cert\/[0-9a-f]{10}$/u);
    assert.deepEqual([v?.tls?.minimumProtocolVersion, v?.tls?.maximumProtocolVersion], ["1.3", "1.3"]);
    assert.equal(v?.routes[0]?.httpsRedirect, true);
    assert.deepEqual(f.secrets.map((s) => s.source.name), ["cert"]);
    assert.ok(f.dependencies.some((d) => d.kind === "Secret" && d.name === "cert"));
  });

  it("uses another namespace's Secret only when a TLSCertificateDelegation permits it", () => {
    const denied = run([web, shared], tlsRoot({ secretName: "certs/wild" }));
    assert.deepEqual(reasons(denied), ["DelegationNotPermitted"]);
    assert.equal(denied.conditions[0]?.category, "TLSError");
    assert.match(denied.conditions[0]?.message ?? "", /^spec\.virtualhost\.tls\.secretName: Secret "certs\/wild" is not delegated to namespace "app"/u);
    assert.deepEqual(denied.virtualHosts, []);
    assert.deepEqual(denied.secrets, []);
    assert.ok(denied.dependencies.some((d) => d.kind === "TLSCertificateDelegation" && d.namespace === "certs" && d.name === "*"), "a delegation created later re-runs the root");
    const allowed = run([web, shared, delegation("d", "certs", [{ secretName: "wild", targetNamespaces: ["app"] }])], tlsRoot({ secretName: "certs/wild" }));
    assert.deepEqual(reasons(allowed), ["Valid"]);
    assert.match(allowed.virtualHosts[0]?.tls?.secret ?? "", /^certs\/wild\//u);
  });

  it("reports a missing or mismatched Secret as SecretNotValid", () => {
    assert.deepEqual(reasons(run([web], tlsRoot({ secretName: "nope" }))), ["SecretNotValid"]);
    assert.deepEqual(reasons(run([web, tlsSecret("bad", A_CRT, B_KEY, { namespace: "app" })], tlsRoot({ secretName: "bad" }))), ["SecretNotValid"]);
  });

  it("refuses inconsistent TLS settings", () => {
    const table: [Parameters<typeof tlsRoot>[0], string][] = [
      [{ secretName: "cert", passthrough: true }, "TLSConfigNotValid"],
      [{}, "TLSConfigNotValid"],
      [{ passthrough: true, clientValidation: { caSecret: "ca" } }, "TLSIncompatibleFeatures"],
      [{ secretName: "cert", minimumProtocolVersion: "1.3", maximumProtocolVersion: "1.2" }, "TLSConfigNotValid"],
      [{ secretName: "cert", enableFallbackCertificate: true }, "FallbackNotPresent"],
      [{ secretName: "cert", clientValidation: {} }, "ClientValidationInvalid"],
      [{ secretName: "cert", clientValidation: { caSecret: "ca", crlSecret: "crl" } }, "ClientValidationInvalid"],
      [{ secretName: "cert", clientValidation: { caSecret: "missing" } }, "ClientValidationInvalid"],
    ];
    for (const [tls, reason] of table) assert.deepEqual(reasons(run([web, cert, ca], tlsRoot(tls))), [reason], JSON.stringify(tls));
  });

  it("warns about an unknown protocol version and uses the default", () => {
    const f = run([web, cert], tlsRoot({ secretName: "cert", minimumProtocolVersion: "1.1" }));
    assert.deepEqual(reasons(f), ["Valid", "IgnoredField"]);
    assert.equal(f.virtualHosts[0]?.tls?.minimumProtocolVersion, "1.2");
  });

  it("validates client certificates against a CA Secret", () => {
    const f = run([web, cert, ca], tlsRoot({ secretName: "cert", clientValidation: { caSecret: "ca", optionalClientCertificate: true, forwardClientCertificate: { subject: true, dns: true } } }));
    assert.deepEqual(reasons(f), ["Valid"]);
    const cv = f.virtualHosts[0]?.tls?.clientValidation;
    assert.match(cv?.caSecret ?? "", /^app\/ca\//u);
    assert.deepEqual({ ...cv, caSecret: undefined }, { caSecret: undefined, optional: true, skipVerification: false, forwardClientCertificate: { subject: true, cert: false, chain: false, dns: true, uri: false } });
    assert.deepEqual(f.secrets.map((s) => [s.source.name, s.caCertificate !== undefined]), [["ca", true], ["cert", false]].sort());
    const skip = run([web, cert], tlsRoot({ secretName: "cert", clientValidation: { skipClientCertValidation: true } }));
    assert.deepEqual(skip.virtualHosts[0]?.tls?.clientValidation, { optional: false, skipVerification: true });
  });

  it("verifies a TLS upstream against a delegated CA Secret with its subject name", () => {
    const route = prefixRoute("/", [to("web", 443, { protocol: "tls", validation: { caSecret: "ca", subjectName: "web.app.svc" } })]);
    const f = run([web, ca], rootProxy("p", "a.com", { routes: [route] }, { namespace: "app" }));
    assert.deepEqual(reasons(f), ["Valid"]);
    const c = f.clusters[0];
    assert.equal(c?.protocol, "tls");
    assert.equal(c?.upstreamValidation?.subjectName, "web.app.svc");
    assert.deepEqual(f.secrets.map((s) => s.name), [c?.upstreamValidation?.caSecret]);
    const foreign = prefixRoute("/", [to("web", 443, { protocol: "tls", validation: { caSecret: "other/ca", subjectName: "x" } })]);
    const denied = run([web, secret("ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: "other" })], rootProxy("p", "a.com", { routes: [foreign] }, { namespace: "app" }));
    assert.deepEqual(reasons(denied), ["CACertificateNotDelegated"]);
    assert.deepEqual(denied.virtualHosts, []);
  });
});

describe("reconcileHTTPProxy: tcpproxy", () => {
  it("passes TLS through to weighted services by SNI, without a secret", () => {
    const f = run([web], rootProxy("p", "tcp.example.com", { vhost: { tls: { passthrough: true } }, tcpproxy: { services: [to("web", 443, { weight: 3 }), to("web", 80, { weight: 1 })] } }, { namespace: "app" }));
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.deepEqual(f.tcpProxies.map((t) => [t.fqdn, t.tls, t.clusters.map((c) => c.weight)]), [["tcp.example.com", undefined, [3, 1]]]);
    assert.deepEqual(f.virtualHosts, []);
    assert.deepEqual(f.secrets, []);
  });

  it("terminates TLS then proxies TCP, and health-checks over TCP", () => {
    const f = run([web, cert], rootProxy("p", "tcp.example.com", { vhost: { tls: { secretName: "cert" } }, tcpproxy: { services: [to("web", 80)], healthCheckPolicy: { intervalSeconds: 7 } } }, { namespace: "app" }));
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.match(f.tcpProxies[0]?.tls?.secret ?? "", /^app\/cert\//u);
    assert.deepEqual(f.clusters[0]?.healthCheck, { kind: "tcp", intervalMs: 7000, timeoutMs: 2000, unhealthyThreshold: 3, healthyThreshold: 2 });
  });

  it("follows tcpproxy.include, detecting cycles and refusing what upstream refuses", () => {
    const holder = httpProxy("holder", { tcpproxy: { services: [to("web", 80)] } }, { namespace: "app" });
    const ok = run([web, holder], rootProxy("p", "t.com", { vhost: { tls: { passthrough: true } }, tcpproxy: { include: { name: "holder" } } }, { namespace: "app" }));
    assert.deepEqual(reasons(ok), ["Valid"]);
    assert.equal(ok.tcpProxies.length, 1);
    assert.deepEqual(ok.related?.map((r) => [r.key.name, r.conditions[0]?.reason]), [["holder", "Valid"]]);
    const loopA = httpProxy("a", { tcpproxy: { include: { name: "b" } } }, { namespace: "app" });
    const loopB = httpProxy("b", { tcpproxy: { include: { name: "a" } } }, { namespace: "app" });
    const loop = run([web, loopA, loopB], rootProxy("p", "t.com", { vhost: { tls: { passthrough: true } }, tcpproxy: { include: { name: "a" } } }, { namespace: "app" }));
    assert.deepEqual(loop.tcpProxies, []);
    assert.ok(loop.related?.some((r) => r.conditions.some((c) => c.reason === "IncludeCreatesCycle" && c.category === "TCPProxyIncludeError")));
    const table: [Parameters<typeof rootProxy>[2], string][] = [
      [{ tcpproxy: { services: [to("web", 80)] } }, "TLSMustBeConfigured"],
      [{ vhost: { tls: { passthrough: true } }, tcpproxy: { services: [to("web", 80)], include: { name: "holder" } } }, "NoServicesAndInclude"],
      [{ vhost: { tls: { passthrough: true } }, tcpproxy: {} }, "NothingDefined"],
      [{ vhost: { tls: { passthrough: true } }, tcpproxy: { include: { name: "ghost" } } }, "IncludeNotFound"],
      [{ vhost: { tls: { passthrough: true } }, tcpproxy: { services: [to("ghost", 80)] } }, "ServiceUnresolvedReference"],
    ];
    for (const [spec, reason] of table) assert.deepEqual(reasons(run([web, holder], rootProxy("p", "t.com", spec, { namespace: "app" }))), [reason], reason);
  });

  it("ignores Cookie and RequestHash balancing for TCP with a warning", () => {
    const f = run([web], rootProxy("p", "t.com", { vhost: { tls: { passthrough: true } }, tcpproxy: { services: [to("web", 80)], loadBalancerPolicy: { strategy: "Cookie" } } }, { namespace: "app" }));
    assert.deepEqual(reasons(f), ["Valid", "IgnoredField"]);
    assert.equal(f.clusters[0]?.loadBalancer, "RoundRobin");
  });
});
