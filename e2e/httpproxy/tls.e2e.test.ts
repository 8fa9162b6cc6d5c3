// HTTPProxy TLS through Envoy: certificates chosen by SNI, the default redirect of plain HTTP to HTTPS
// (and permitInsecure), Secrets of other namespaces only through a TLSCertificateDelegation, TLS
// termination in front of a TCP proxy, and TLS passthrough to a backend that holds the certificate.
import assert from "node:assert/strict";
import { after, describe, it } from "mocha";
import type { HTTPProxy } from "../../crds/index.js";
import { createHTTPProxy, createTlsDelegation, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { startTlsBackend, type TlsBackend } from "../fixtures/tls-backend.js";
import { httpGet, waitFor, type HttpResponse } from "../harness/index.js";
import { connect } from "node:tls";

const NS = "secure";
const CERTS = "certs";

describe("HTTPProxy: TLS through Envoy", function () {
  const ctx = useStack({ pods: ["app-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  const backends: TlsBackend[] = [];
  after(async () => {
    for (const b of backends) await b.close();
  });

  const https = (host: string, ca: string, path = "/"): Promise<HttpResponse> =>
    httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}${path}`, { host, servername: host, ca, timeoutMs: 3000 });

  const statusOf = (namespace: string, name: string, want: string): Promise<HTTPProxy> => waitForProxyStatus(kc(), namespace, name, want);

  it("serves HTTPS by SNI and redirects plain HTTP to HTTPS unless a route permits insecure", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    const cert = await selfSignedCert(["www.example.com"]);
    await createTlsSecret(kube, NS, "www-tls", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), NS, "www", {
      virtualhost: { fqdn: "www.example.com", tls: { secretName: "www-tls" } },
      routes: [
        { conditions: [{ prefix: "/public" }], services: [{ name: "app", port: 80 }], permitInsecure: true },
        { services: [{ name: "app", port: 80 }] },
      ],
    });
    await waitFor(async () => (await https("www.example.com", cert.certPem).catch(() => undefined))?.status === 200, { timeoutMs: 20_000, description: "https://www.example.com to answer" });
    const redirect = await ctx.stack.http("www.example.com", "/private?x=1");
    assert.equal(redirect.status, 301, "HTTPProxy redirects plain HTTP by default");
    assert.equal(redirect.headers["location"], "https://www.example.com/private?x=1");
    assert.equal((await ctx.stack.http("www.example.com", "/public/a")).status, 200, "permitInsecure serves plain HTTP");
    await statusOf(NS, "www", "valid");
  });

  it("uses a Secret of another namespace only once a TLSCertificateDelegation allows it", async () => {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, CERTS);
    const cert = await selfSignedCert(["shared.example.com"]);
    await createTlsSecret(kube, CERTS, "shared-tls", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), NS, "shared", {
      virtualhost: { fqdn: "shared.example.com", tls: { secretName: `${CERTS}/shared-tls` } },
      routes: [{ services: [{ name: "app", port: 80 }] }],
    });
    const denied = await statusOf(NS, "shared", "invalid");
    const error = denied.status?.conditions?.[0]?.errors?.[0];
    assert.deepEqual([error?.type, error?.reason], ["TLSError", "DelegationNotPermitted"]);
    assert.match(error?.message ?? "", /^spec\.virtualhost\.tls\.secretName: /u);
    await assert.rejects(https("shared.example.com", cert.certPem), "not served over HTTPS");
    assert.equal((await ctx.stack.http("shared.example.com", "/")).status, 404, "nor over plain HTTP");

    await createTlsDelegation(kc(), CERTS, "to-secure", [{ secretName: "shared-tls", targetNamespaces: [NS] }]);
    await statusOf(NS, "shared", "valid");
    await waitFor(async () => (await https("shared.example.com", cert.certPem).catch(() => undefined))?.status === 200, { timeoutMs: 20_000, description: "the delegated certificate to be served" });
  });

  it("terminates TLS in front of a TCP proxy", async () => {
    const { kube } = ctx.stack;
    const cert = await selfSignedCert(["tcp.example.com"]);
    await createTlsSecret(kube, NS, "tcp-tls", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), NS, "tcp", { virtualhost: { fqdn: "tcp.example.com", tls: { secretName: "tcp-tls" } }, tcpproxy: { services: [{ name: "app", port: 80 }] } });
    // The TCP proxy forwards the decrypted bytes: an HTTP request inside TLS reaches the plain HTTP backend.
    const res = await waitFor(async () => (await https("tcp.example.com", cert.certPem, "/through-tcp").catch(() => undefined)) ?? undefined, { timeoutMs: 20_000, description: "the TCP proxy to answer" });
    assert.equal(res.status, 200);
    assert.equal(res.json<{ path: string }>().path, "/through-tcp");
  });

  it("passes TLS through to a backend that terminates it with its own certificate", async () => {
    const { kube } = ctx.stack;
    const cert = await selfSignedCert(["pass.example.com"]);
    const backend = await startTlsBackend(ctx.stack.bed, "tls-backend", cert);
    backends.push(backend);
    await createService(kube, NS, "tls-app", [{ name: "https", port: 443 }]);
    await applyEndpointSlice(kube, NS, "tls-app", "https", [{ ip: backend.ip, port: backend.port }]);
    await createHTTPProxy(kc(), NS, "pass", {
      virtualhost: { fqdn: "pass.example.com", tls: { passthrough: true } },
      tcpproxy: { services: [{ name: "tls-app", port: 443 }] },
      routes: [{ services: [{ name: "app", port: 80 }] }],
    });
    const res = await waitFor(async () => (await https("pass.example.com", cert.certPem).catch(() => undefined)) ?? undefined, { timeoutMs: 20_000, description: "the passthrough host to answer" });
    assert.equal(res.json<{ name: string }>().name, "tls-backend", "the backend itself answered over TLS");
    // The certificate the client saw is the backend's own: Envoy never terminated the connection.
    const peer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: ctx.stack.envoyPorts.https, servername: "pass.example.com", ca: cert.certPem }, () => {
        resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? "");
        socket.end();
      });
      socket.on("error", reject);
    });
    assert.equal(peer, new (await import("node:crypto")).X509Certificate(cert.certPem).fingerprint256);
    // Plain HTTP to a passthrough host redirects to HTTPS (the route does not permit insecure).
    assert.equal((await ctx.stack.http("pass.example.com", "/")).status, 301);
  });
});
