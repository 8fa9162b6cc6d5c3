// Port of upstream v1.33.6 test/e2e/httpproxy/client_cert_crl_test.go: client certificates checked
// against the CRLs of clientValidation.crlSecret, through a real Envoy. Upstream's chain has an
// intermediate CA (revoked or not); the bed's test CA signs leaves directly, so the cases here are
// the ones a one-level chain can state: full check and leaf-only check (an unrevoked client
// passes, a revoked one and one without a certificate are refused), and upstream's "CRL can be
// rotated": a proxy whose CRL Secret is missing is invalid until it appears, and a new CRL takes
// effect without touching the proxy.
import assert from "node:assert/strict";
import { before, describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert, type ServingCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { createTestCa, type TestCa } from "../fixtures/test-ca.js";
import { httpGet, waitFor } from "../harness/index.js";

const NS = "crl";

describe("HTTPProxy: client certificate revocation lists through Envoy", function () {
  const ctx = useStack({ pods: ["app-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  let ca: TestCa;
  let server: ServingCert;
  let good: ServingCert;
  let revoked: ServingCert;
  const hosts = ["crl-check-full.example.com", "crl-check-leaf-only.example.com", "crl-rotate.example.com"];

  before(async () => {
    ca = await createTestCa("client CA");
    good = await ca.issue({ commonName: "good-client", usage: "client" });
    revoked = await ca.issue({ commonName: "revoked-client", usage: "client" });
    server = await selfSignedCert(hosts);
  });

  /** "ok" when the request passed with 200, else what went wrong (status or connection error). */
  const attempt = async (host: string, client?: ServingCert): Promise<string> => {
    try {
      const res = await httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}/`, {
        host,
        servername: host,
        ca: server.certPem,
        timeoutMs: 3000,
        ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }),
      });
      return res.status === 200 ? "ok" : `status ${res.status}`;
    } catch (err) {
      return `error: ${err instanceof Error ? err.message : String(err)}`;
    }
  };
  const secret = (name: string, crl: string) =>
    ctx.stack.kube.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name, namespace: NS }, type: "Opaque", data: { "crl.pem": Buffer.from(crl).toString("base64") } } });
  const proxy = (name: string, fqdn: string, crlSecret: string, leafOnly: boolean) =>
    createHTTPProxy(kc(), NS, name, {
      virtualhost: { fqdn, tls: { secretName: "server", clientValidation: { caSecret: "client-ca", crlSecret, crlOnlyVerifyLeafCert: leafOnly } } },
      routes: [{ services: [{ name: "app", port: 80 }] }],
    });

  it("refuses a revoked client certificate and serves an unrevoked one (full and leaf-only checks)", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createTlsSecret(kube, NS, "server", server.certPem, server.keyPem);
    await kube.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "client-ca", namespace: NS }, type: "Opaque", data: { "ca.crt": Buffer.from(ca.certPem).toString("base64") } } });
    await secret("revoking", await ca.revoke([revoked]));
    await proxy("crl-check-full", hosts[0]!, "revoking", false);
    await proxy("crl-check-leaf-only", hosts[1]!, "revoking", true);
    await waitForProxyStatus(kc(), NS, "crl-check-full", "valid");
    await waitForProxyStatus(kc(), NS, "crl-check-leaf-only", "valid");
    for (const host of hosts.slice(0, 2)) {
      await waitFor(async () => (await attempt(host, good)) === "ok", { timeoutMs: 20_000, description: `${host} to serve an unrevoked client` });
      assert.notEqual(await attempt(host, revoked), "ok", `${host}: a revoked client certificate is refused`);
      assert.notEqual(await attempt(host), "ok", `${host}: no client certificate is refused`);
    }
  });

  it("rotates a CRL: invalid until the Secret exists, then each new CRL applies", async () => {
    await proxy("crl-rotate", hosts[2]!, "rotating", false);
    const p = await waitForProxyStatus(kc(), NS, "crl-rotate", "invalid");
    assert.equal(p.status?.conditions?.[0]?.errors?.[0]?.reason, "ClientValidationInvalid");
    await secret("rotating", await ca.revoke([good]));
    await waitForProxyStatus(kc(), NS, "crl-rotate", "valid");
    await waitFor(async () => (await attempt(hosts[2]!, revoked)) === "ok", { timeoutMs: 20_000, description: "the client the first CRL does not revoke to pass" });
    assert.notEqual(await attempt(hosts[2]!, good), "ok", "the client the first CRL revokes is refused");
    await ctx.stack.kube.core.replaceNamespacedSecret({
      name: "rotating",
      namespace: NS,
      body: { metadata: { name: "rotating", namespace: NS }, type: "Opaque", data: { "crl.pem": Buffer.from(await ca.revoke([revoked])).toString("base64") } },
    });
    await waitFor(async () => (await attempt(hosts[2]!, good)) === "ok", { timeoutMs: 20_000, description: "the rotated CRL to let the first client in" });
    assert.notEqual(await attempt(hosts[2]!, revoked), "ok", "and to refuse the newly revoked one");
  });
});
