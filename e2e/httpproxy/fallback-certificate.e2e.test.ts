// Port of upstream v1.33.6 test/e2e/httpproxy/https_fallback_certificate_test.go (with the config of
// httpproxy_test.go's "httpproxy-https-fallback-certificate": tls.fallback-certificate names a Secret
// of the test namespace). Upstream asserts that a request with an SNI no host serves still gets a
// 200; this port also checks which certificate Envoy presented, that a client sending no SNI at all
// is served the same way, that a host without enableFallbackCertificate is not reachable through the
// fallback chain, and that a fallback Secret of another namespace needs a TLSCertificateDelegation.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { describe, it } from "mocha";
import { createHTTPProxy, createTlsDelegation, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, waitFor } from "../harness/index.js";

const NS = "fallback-cert";
const OTHER = "fallback-other";

/** One HTTP/1.1 request over TLS to Envoy, with the given SNI or none; the status and the certificate Envoy presented. */
function tlsRequest(port: number, host: string, servername: string | undefined): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    // Connecting to an IP without `servername` sends no SNI at all. The certificate is checked by fingerprint below.
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...(servername === undefined ? {} : { servername }) }, () => {
      socket.write(`GET /fallback HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    const timer = setTimeout(() => socket.destroy(new Error("no answer within 3 s")), 3000);
    let fingerprint = "";
    socket.once("secureConnect", () => (fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? ""));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on("end", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3})/u.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4), fingerprint });
    });
  });
}

const fingerprintOf = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe("HTTPProxy: fallback certificate (tls.fallback-certificate)", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-fallback-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(configPath, `tls:\n  fallback-certificate:\n    name: fallback-cert\n    namespace: ${NS}\n`);
  const ctx = useStack({ pods: ["echo"], crds: true, contourArgs: [`--config-path=${configPath}`] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  const port = () => ctx.stack.envoyPorts.https;
  let fallbackPem = "";

  it("requests with invalid SNI are accepted when a fallback cert is configured", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    const fallback = await selfSignedCert(["fallback.projectcontour.io"]);
    fallbackPem = fallback.certPem;
    await createTlsSecret(kube, NS, "fallback-cert", fallback.certPem, fallback.keyPem);
    const echo = await selfSignedCert(["fallback-cert-echo.projectcontour.io"]);
    await createTlsSecret(kube, NS, "echo", echo.certPem, echo.keyPem);
    const fqdn = "fallback-cert-echo.projectcontour.io";
    await createHTTPProxy(kc(), NS, "echo", {
      virtualhost: { fqdn, tls: { secretName: "echo", enableFallbackCertificate: true } },
      routes: [{ services: [{ name: "echo", port: 80 }] }],
    });
    await waitForProxyStatus(kc(), NS, "echo", "valid");

    // A valid SNI: the host's own certificate and route.
    const res = await waitFor(
      async () => {
        const r = await httpGet(`https://127.0.0.1:${port()}/`, { host: fqdn, servername: fqdn, ca: echo.certPem, timeoutMs: 3000 }).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      { timeoutMs: 20_000, description: "the host to answer with its SNI" },
    );
    assert.equal(res.json<{ name: string }>().name, "echo");

    // An SNI no host serves: the fallback chain, its certificate, the host's route.
    const invalid = await waitFor(async () => {
      const r = await tlsRequest(port(), fqdn, "invalid-sni-should-use-fallback.projectcontour.io").catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, { timeoutMs: 20_000, description: "the fallback chain to answer an unknown SNI" });
    assert.equal(invalid.fingerprint, fingerprintOf(fallback.certPem), "Envoy presents the fallback certificate");
    assert.equal((JSON.parse(invalid.body) as { name: string }).name, "echo");
  });

  it("serves a client that sends no SNI at all with the fallback certificate and the host's route", async () => {
    const r = await tlsRequest(port(), "fallback-cert-echo.projectcontour.io", undefined);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.fingerprint, fingerprintOf(fallbackPem));
    assert.equal((JSON.parse(r.body) as { name: string }).name, "echo");
  });

  it("does not serve a host without enableFallbackCertificate through the fallback chain", async () => {
    const { kube } = ctx.stack;
    const fqdn = "sni-only.projectcontour.io";
    const own = await selfSignedCert([fqdn]);
    await createTlsSecret(kube, NS, "sni-only", own.certPem, own.keyPem);
    await createHTTPProxy(kc(), NS, "sni-only", { virtualhost: { fqdn, tls: { secretName: "sni-only" } }, routes: [{ services: [{ name: "echo", port: 80 }] }] });
    await waitForProxyStatus(kc(), NS, "sni-only", "valid");
    await waitFor(async () => (await tlsRequest(port(), fqdn, fqdn).catch(() => undefined))?.status === 200, { timeoutMs: 20_000, description: "the host to answer with its SNI" });
    const withoutSni = await tlsRequest(port(), fqdn, undefined);
    assert.equal(withoutSni.fingerprint, fingerprintOf(fallbackPem), "the fallback chain took the connection");
    assert.equal(withoutSni.status, 404, "but has no route for a host that did not enable it");
  });

  it("needs a TLSCertificateDelegation for a proxy of another namespace", async () => {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, OTHER);
    await createService(kube, OTHER, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, OTHER, "echo", "http", [{ ip: ctx.stack.bed.pods[0]!.ip, port: ctx.stack.bed.pods[0]!.port }]);
    const fqdn = "other.projectcontour.io";
    const own = await selfSignedCert([fqdn]);
    await createTlsSecret(kube, OTHER, "own", own.certPem, own.keyPem);
    await createHTTPProxy(kc(), OTHER, "other", { virtualhost: { fqdn, tls: { secretName: "own", enableFallbackCertificate: true } }, routes: [{ services: [{ name: "echo", port: 80 }] }] });
    const denied = await waitForProxyStatus(kc(), OTHER, "other", "invalid");
    const error = denied.status?.conditions?.[0]?.errors?.[0];
    assert.deepEqual([error?.type, error?.reason], ["TLSError", "FallbackNotDelegated"], JSON.stringify(denied.status));
    assert.match(error?.message ?? "", /^spec\.virtualhost\.tls\.enableFallbackCertificate: /u);

    await createTlsDelegation(kc(), NS, "fallback-to-other", [{ secretName: "fallback-cert", targetNamespaces: [OTHER] }]);
    await waitForProxyStatus(kc(), OTHER, "other", "valid");
    const r = await waitFor(async () => {
      const got = await tlsRequest(port(), fqdn, undefined).catch(() => undefined);
      return got?.status === 200 ? got : undefined;
    }, { timeoutMs: 20_000, description: "the delegated host to answer without SNI" });
    assert.equal(r.fingerprint, fingerprintOf(fallbackPem));
  });
});
