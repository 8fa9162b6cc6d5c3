// TLS Ingress through Envoy: certificates from Secrets served by SNI, redirects, and a bad Secret
// that costs only its own host its HTTPS.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { applyEndpointSlice, createIngress, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, waitFor, type HttpResponse } from "../harness/index.js";
import type { V1IngressSpec } from "@kubernetes/client-node";

const NS = "secure";

function tlsSpec(host: string, secretName: string): V1IngressSpec {
  return {
    tls: [{ hosts: [host], secretName }],
    rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "app", port: { number: 80 } } } }] } }],
  };
}

describe("Ingress: TLS through Envoy", function () {
  const ctx = useStack({ pods: ["app-1"] });

  const https = (host: string, ca: string): Promise<HttpResponse> =>
    httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}/`, { host, servername: host, ca, timeoutMs: 3000 });

  it("serves HTTPS with the Secret's certificate for its SNI name, and redirects plain HTTP with force-ssl-redirect", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", undefined, [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);

    const one = await selfSignedCert(["one.example.com"]);
    const two = await selfSignedCert(["two.example.com"]);
    await createTlsSecret(kube, NS, "one-tls", one.certPem, one.keyPem);
    await createTlsSecret(kube, NS, "two-tls", two.certPem, two.keyPem);
    await createIngress(kube, NS, "one", tlsSpec("one.example.com", "one-tls"), { "ingress.kubernetes.io/force-ssl-redirect": "true" });
    await createIngress(kube, NS, "two", tlsSpec("two.example.com", "two-tls"));

    const res = await waitFor(async () => (await https("one.example.com", one.certPem).catch(() => undefined))?.status === 200, {
      timeoutMs: 20_000,
      description: "https://one.example.com to answer 200",
    });
    assert.ok(res);
    // The certificate is chosen by SNI: two.example.com's client trusts only two's certificate.
    await waitFor(async () => (await https("two.example.com", two.certPem).catch(() => undefined))?.status === 200, {
      timeoutMs: 20_000,
      description: "https://two.example.com to answer 200 with its own certificate",
    });
    await assert.rejects(https("two.example.com", one.certPem), /certificate|self.signed|verify/i, "two.example.com must not present one's certificate");

    const redirect = await ctx.stack.http("one.example.com", "/path?q=1");
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers["location"], "https://one.example.com/path?q=1");
    // Without force-ssl-redirect upstream Contour serves a TLS Ingress on plain HTTP too.
    assert.equal((await ctx.stack.http("two.example.com")).status, 200);
  });

  it("serves a host whose Secret is missing over plain HTTP only, leaving other TLS hosts alone", async () => {
    const { kube } = ctx.stack;
    await createIngress(kube, NS, "three", tlsSpec("three.example.com", "no-such-secret"));
    await ctx.stack.waitForHttp("three.example.com", "/", (r) => r.status === 200, "three.example.com over plain HTTP");
    await assert.rejects(https("three.example.com", "unused"), "no certificate is served for three.example.com");
    const secret = await kube.core.readNamespacedSecret({ namespace: NS, name: "one-tls" });
    const oneCert = Buffer.from(secret.data?.["tls.crt"] ?? "", "base64").toString("utf8");
    const one = await https("one.example.com", oneCert);
    assert.equal(one.status, 200);
  });
});
