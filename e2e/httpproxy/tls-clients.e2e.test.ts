// HTTPProxy TLS towards clients and towards backends, through a real Envoy: a virtual host's minimum
// and maximum TLS versions, client certificate validation against a CA Secret (required, optional,
// forwarded to the backend in x-forwarded-client-cert), and upstream TLS whose certificate Envoy
// verifies against a CA Secret and a subject name.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { request as httpsRequest } from "node:https";
import type { SecureVersion, TLSSocket } from "node:tls";
import { after, before, describe, it } from "mocha";
import type { HTTPProxy, HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy } from "../fixtures/contour-objects.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert, type ServingCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { createTestCa, type TestCa } from "../fixtures/test-ca.js";
import { startTlsBackend, type TlsBackend } from "../fixtures/tls-backend.js";
import { errorMessage, waitFor, type BackendReply, type HttpResponse } from "../harness/index.js";

const NS = "tls-clients";
const HOSTS = ["min13.example.com", "max12.example.com", "mtls.example.com", "optional.example.com"] as const;
const BACKEND_NAME = `backend.${NS}.svc`;

/** An HTTPS answer and the TLS version it came over. */
interface TlsAnswer extends HttpResponse {
  readonly protocol: string | null;
}

/** How a test client connects. */
interface ClientOptions {
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
  readonly clientCert?: ServingCert;
  readonly headers?: Record<string, string>;
}

describe("HTTPProxy: TLS versions, client certificates and upstream validation through Envoy", function () {
  const ctx = useStack({ pods: ["app-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  const backends: TlsBackend[] = [];
  let serving: ServingCert;
  let clientCa: TestCa;
  let otherCa: TestCa;
  let client: ServingCert;
  let stranger: ServingCert;

  after(async () => {
    for (const b of backends) await b.close();
  });

  /** GET https://<host>/<path> through Envoy with SNI `host`, trusting the serving certificate. */
  function tlsGet(host: string, path: string, options: ClientOptions = {}): Promise<TlsAnswer> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port: ctx.stack.envoyPorts.https,
          path,
          servername: host,
          headers: { host, ...options.headers },
          ca: serving.certPem,
          agent: false,
          signal: AbortSignal.timeout(3000),
          ...(options.minVersion !== undefined ? { minVersion: options.minVersion } : {}),
          ...(options.maxVersion !== undefined ? { maxVersion: options.maxVersion } : {}),
          ...(options.clientCert !== undefined ? { cert: options.clientCert.certPem, key: options.clientCert.keyPem } : {}),
        },
        (res) => {
          const protocol = (res.socket as TLSSocket).getProtocol();
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, protocol, json: <T>() => JSON.parse(body) as T });
          });
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  /** Resolves with the error message of a request that must fail (at the handshake or right after it). */
  async function refused(host: string, options: ClientOptions): Promise<string> {
    try {
      const res = await tlsGet(host, "/", options);
      assert.fail(`expected ${host} to refuse the connection, got HTTP ${res.status} over ${res.protocol}`);
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      return errorMessage(err);
    }
  }

  async function proxy(name: string, spec: HTTPProxySpec): Promise<void> {
    await createHTTPProxy(kc(), NS, name, spec);
    let last: HTTPProxy | undefined;
    await waitFor(
      async () => {
        last = await readHTTPProxy(kc(), NS, name);
        return last.status?.currentStatus === "valid";
      },
      { timeoutMs: 20_000, description: () => `${NS}/${name} to be valid (status: ${JSON.stringify(last?.status)})` },
    );
  }

  async function caSecret(name: string, ca: TestCa): Promise<void> {
    await ctx.stack.kube.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name, namespace: NS }, type: "Opaque", stringData: { "ca.crt": ca.certPem } } });
  }

  /** Waits until `host` answers a client with `options` (its filter chain and secrets have arrived). */
  async function served(host: string, options: ClientOptions = {}): Promise<TlsAnswer> {
    let last = "";
    return waitFor(
      async () => {
        try {
          const res = await tlsGet(host, "/", options);
          last = `HTTP ${res.status}`;
          return res.status === 200 ? res : undefined;
        } catch (err) {
          last = errorMessage(err);
          return undefined;
        }
      },
      { timeoutMs: 20_000, description: () => `https://${host} to answer 200 (last: ${last})` },
    );
  }

  before(async function () {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    serving = await selfSignedCert(HOSTS);
    await createTlsSecret(kube, NS, "serving", serving.certPem, serving.keyPem);
    clientCa = await createTestCa("client CA");
    otherCa = await createTestCa("other CA");
    client = await clientCa.issue({ commonName: "client-1", dnsNames: ["client-1.example.com"], usage: "client" });
    stranger = await otherCa.issue({ commonName: "stranger", usage: "client" });
    await caSecret("client-ca", clientCa);
  });

  const routes: HTTPProxySpec["routes"] = [{ services: [{ name: "app", port: 80 }] }];

  it("refuses a TLS 1.2-only client when the minimum is 1.3, and serves a TLS 1.3 one", async () => {
    await proxy("min13", { virtualhost: { fqdn: "min13.example.com", tls: { secretName: "serving", minimumProtocolVersion: "1.3" } }, routes });
    const ok = await served("min13.example.com", { minVersion: "TLSv1.3" });
    assert.equal(ok.protocol, "TLSv1.3");
    const why = await refused("min13.example.com", { maxVersion: "TLSv1.2" });
    assert.match(why, /protocol version|unsupported protocol/iu);
  });

  it("refuses a TLS 1.3-only client when the maximum is 1.2, and serves others over TLS 1.2", async () => {
    await proxy("max12", { virtualhost: { fqdn: "max12.example.com", tls: { secretName: "serving", maximumProtocolVersion: "1.2" } }, routes });
    const ok = await served("max12.example.com");
    assert.equal(ok.protocol, "TLSv1.2", "a client offering 1.2 and 1.3 gets 1.2");
    const why = await refused("max12.example.com", { minVersion: "TLSv1.3" });
    assert.match(why, /protocol version|unsupported protocol/iu);
  });

  it("requires a client certificate from the CA Secret and forwards its details in x-forwarded-client-cert", async () => {
    await proxy("mtls", {
      virtualhost: {
        fqdn: "mtls.example.com",
        tls: { secretName: "serving", clientValidation: { caSecret: "client-ca", forwardClientCertificate: { subject: true, cert: true, dns: true } } },
      },
      routes,
    });
    // A client forging the header: Envoy must replace it, not append to it.
    const res = await served("mtls.example.com", { clientCert: client, headers: { "x-forwarded-client-cert": "By=spoofed;Subject=\"CN=admin\"" } });
    const xfcc = String(res.json<BackendReply>().headers["x-forwarded-client-cert"]);
    const hash = new X509Certificate(client.certPem).fingerprint256.replaceAll(":", "").toLowerCase();
    assert.match(xfcc, new RegExp(`^Hash=${hash};`, "u"), xfcc);
    assert.match(xfcc, /;Subject="[^"]*CN=client-1[^"]*"/u, xfcc);
    assert.equal(decodeURIComponent(/;Cert="([^"]*)"/u.exec(xfcc)?.[1] ?? ""), client.certPem, "Cert is the client's certificate, URL-encoded PEM");
    assert.match(xfcc, /;DNS=client-1\.example\.com$/u, xfcc);
    assert.doesNotMatch(xfcc, /spoofed|admin/u, "the client's own header is dropped");

    // Over TLS 1.2 the handshake itself fails; a TLS 1.3 client finishes its side of the handshake
    // first, so Envoy's refusal arrives as an alert right after it.
    assert.match(await refused("mtls.example.com", { maxVersion: "TLSv1.2" }), /alert handshake failure/u);
    assert.match(await refused("mtls.example.com", {}), /alert certificate required/u);
    assert.match(await refused("mtls.example.com", { clientCert: stranger }), /alert unknown ca/u);
  });

  it("lets a client without a certificate in when the certificate is optional, but still refuses an untrusted one", async () => {
    await proxy("optional", {
      virtualhost: { fqdn: "optional.example.com", tls: { secretName: "serving", clientValidation: { caSecret: "client-ca", optionalClientCertificate: true } } },
      routes,
    });
    const anonymous = await served("optional.example.com", { headers: { "x-forwarded-client-cert": "By=spoofed" } });
    assert.equal(anonymous.json<BackendReply>().headers["x-forwarded-client-cert"], undefined, "nothing is forwarded unless asked for, and a client's own header is dropped");
    assert.equal((await tlsGet("optional.example.com", "/", { clientCert: client })).status, 200);
    assert.match(await refused("optional.example.com", { clientCert: stranger }), /alert unknown ca/u);
  });

  it("verifies a TLS backend against the CA Secret and subject name: the right ones pass, a wrong subject or CA answers 503", async () => {
    const { bed, kube } = ctx.stack;
    const backendCa = await createTestCa("backend CA");
    const backend = await startTlsBackend(bed, "tls-backend", await backendCa.issue({ commonName: BACKEND_NAME, dnsNames: [BACKEND_NAME], usage: "server" }));
    backends.push(backend);
    await caSecret("backend-ca", backendCa);
    await caSecret("other-ca", otherCa);
    await createService(kube, NS, "tls-app", [{ name: "https", port: 443 }]);
    await applyEndpointSlice(kube, NS, "tls-app", "https", [{ ip: backend.ip, port: backend.port }]);
    const to = (caSecret: string, subjectName: string) => [{ name: "tls-app", port: 443, protocol: "tls" as const, validation: { caSecret, subjectName } }];
    await proxy("upstream", {
      virtualhost: { fqdn: "upstream.example.com" },
      routes: [
        { conditions: [{ prefix: "/right" }], services: to("backend-ca", BACKEND_NAME) },
        { conditions: [{ prefix: "/wrong-name" }], services: to("backend-ca", `someone-else.${NS}.svc`) },
        { conditions: [{ prefix: "/wrong-ca" }], services: to("other-ca", BACKEND_NAME) },
      ],
    });
    const right = await ctx.stack.waitForHttp("upstream.example.com", "/right/x", (r) => r.status === 200, "the verified TLS backend to answer");
    assert.deepEqual(right.json<{ name: string; path: string }>(), { name: "tls-backend", path: "/right/x" });
    // The answer does not say why the connection failed; the cluster's TLS stats do.
    const sslStat = async (name: string): Promise<number> => (await ctx.stack.envoy.admin.stat(`cluster.${NS}_tls-app_443.ssl.${name}`)) ?? 0;
    for (const [path, stat] of [["/wrong-name", "fail_verify_san"], ["/wrong-ca", "fail_verify_error"]] as const) {
      const before = await sslStat(stat);
      const res = await ctx.stack.http("upstream.example.com", path);
      assert.equal(res.status, 503, `${path}: ${res.body}`);
      assert.equal(res.headers["x-backend-name"], undefined, `${path}: no answer from the backend`);
      assert.ok((await sslStat(stat)) > before, `${path}: Envoy counted ssl.${stat}`);
    }
  });

  it("ends with Envoy having accepted every update", async () => {
    await assertNoRejectedUpdates(ctx.stack.envoy);
  });
});
