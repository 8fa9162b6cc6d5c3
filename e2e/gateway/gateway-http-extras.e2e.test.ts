// Gateway API HTTP features through a real Envoy, each against a backend that misbehaves on purpose:
// retries of a try that outlives timeouts.backendRequest (HTTPRouteRetryBackendTimeout) and of a
// connection that is refused or dropped (HTTPRouteRetryConnectionError), each beside a rule without a
// retry block that fails the same way; and an HTTPS listener with several certificateRefs, every valid
// one served and picked by the client's SNI, with the one that does not resolve named in ResolvedRefs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KeyObject, X509Certificate } from "node:crypto";
import { createServer } from "node:net";
import { connect as tlsConnect, type PeerCertificate } from "node:tls";
import { after, before, describe, it } from "mocha";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, resolveToolFile, waitFor, type HttpResponse } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { adminClient, applyManifests, getOrUndefined } from "../cluster/objects.js";
import { nodeCrypto, x509 } from "../../operator/certgen/x509.js";
import type { ServingCert } from "../fixtures/serving-cert.js";

const NS = "gw-extras";
const GW_API = "/apis/gateway.networking.k8s.io/v1";

interface Cond {
  type: string;
  status: string;
  reason: string;
  message?: string;
}
interface GatewayView {
  status?: { conditions?: Cond[]; listeners?: { name: string; conditions: Cond[] }[] };
}
interface RouteView {
  status?: { parents?: { conditions: Cond[] }[] };
}
interface ServiceView {
  spec: { ports: { port: number; targetPort: number }[] };
}
/** A self-signed RSA certificate for one DNS name (serving-cert.ts makes ECDSA ones). */
async function rsaCert(dnsName: string): Promise<ServingCert> {
  const alg = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" } as const;
  const keys = await nodeCrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    { name: `CN=${dnsName}`, keys, signingAlgorithm: alg, notBefore: new Date(now - 5 * 60_000), notAfter: new Date(now + 24 * 3600_000), extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: dnsName }])] },
    nodeCrypto,
  );
  return { certPem: cert.toString("pem") + "\n", keyPem: KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }) as string };
}

/** The certificate a TLS server presents for an SNI name, to a client offering only the given signature algorithms (default: any). */
function presented(port: number, servername: string, sigalgs?: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, servername, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"], ...(sigalgs === undefined ? {} : { sigalgs }) }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.setTimeout(5000, () => socket.destroy(new Error("TLS handshake timed out")));
    socket.once("error", reject);
  });
}

/** SHA-256 fingerprint of a PEM certificate as Node's getPeerCertificate() prints it. */
function certFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

const cond = (conds: readonly Cond[] | undefined, type: string): Cond | undefined => conds?.find((c) => c.type === type);

describe("Gateway API: retries on backend timeouts and connection errors, and several listener certificates, through Envoy", function () {
  const contourArgs: string[] = [];
  before(async () => {
    // Two Envoy ports for the Gateway's two listener ports (HTTP and HTTPS): a free one and the next.
    const bindable = (port: number): Promise<boolean> =>
      new Promise((resolve) => {
        const server = createServer();
        server.once("error", () => resolve(false));
        server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
      });
    // Below the kernel's ephemeral range, so no outgoing connection of another process takes the second one meanwhile.
    for (let attempt = 0; attempt < 50 && contourArgs.length === 0; attempt++) {
      const first = 20000 + Math.floor(Math.random() * 12000);
      if ((await bindable(first)) && (await bindable(first + 1))) contourArgs.push(`--gateway-port-range=${first}-${first + 1}`);
    }
    assert.equal(contourArgs.length, 1, "two consecutive free ports");
  });
  const ctx = useStack({ pods: ["retry-1", "retry-2"], crds: true, cluster: true, contourArgs });
  let api: ApiClient;
  const ports = new Map<number, number>();
  before(() => {
    api = adminClient(ctx.stack.bed);
  });
  after(() => api?.close());
  const get = <T>(path: string): Promise<T | undefined> => getOrUndefined<T>(api, path);
  const apply = async (o: object): Promise<void> => {
    await applyManifests(api, JSON.stringify(o));
  };
  const via = (listenerPort: number, host: string, path: string, timeoutMs = 10_000): Promise<HttpResponse> =>
    httpGet(`http://127.0.0.1:${ports.get(listenerPort) ?? 0}${path}`, { host, timeoutMs });

  const route = (name: string, rules: object[]) => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace: NS },
    spec: { parentRefs: [{ name: "web", sectionName: "http" }], hostnames: [`${name}.extras.example.com`], rules },
  });

  it("serves a Gateway with an HTTP and an HTTPS listener on its allocated ports", async function () {
    this.timeout(120_000);
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await applyManifests(api, readFileSync(resolveToolFile("gateway-api-crds"), "utf8"));
    // One backend; "flaky" also has an endpoint on a port nothing listens on (connections refused).
    await createService(kube, NS, "app", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createService(kube, NS, "flaky", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "flaky", "http", [{ ip: bed.pods[1]!.ip, port: bed.pods[1]!.port }]);
    await applyEndpointSlice(kube, NS, "flaky", "http", [{ ip: bed.pods[1]!.ip, port: 9 }], "refused");
    const a = await selfSignedCert(["a.multi.example.com"]);
    const b = await selfSignedCert(["b.multi.example.com"]);
    const aRsa = await rsaCert("a.multi.example.com");
    await createTlsSecret(kube, NS, "cert-a", a.certPem, a.keyPem);
    await createTlsSecret(kube, NS, "cert-b", b.certPem, b.keyPem);
    await createTlsSecret(kube, NS, "cert-a-rsa", aRsa.certPem, aRsa.keyPem);
    await apply({ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "contour" }, spec: { controllerName: "projectcontour.io/gateway-controller" } });
    await apply({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "web", namespace: NS },
      spec: {
        gatewayClassName: "contour",
        listeners: [
          { name: "http", port: 80, protocol: "HTTP" },
          { name: "https", port: 443, protocol: "HTTPS", tls: { certificateRefs: [{ name: "cert-a-rsa" }, { name: "cert-a" }, { name: "not-there" }, { name: "cert-b" }] } },
        ],
      },
    });
    const svc = await waitFor(
      async () => {
        const s = await get<ServiceView>(`/api/v1/namespaces/${NS}/services/envoy-web`);
        return s !== undefined && s.spec.ports.length === 2 ? s : undefined;
      },
      { timeoutMs: 60_000, description: "the Service envoy-web with both listener ports" },
    );
    for (const p of svc.spec.ports) ports.set(p.port, p.targetPort);
  });

  // Rules told apart by a query parameter: the backend's misbehaving paths (/delay-first, /reset-first) are matched whole.
  const byMode = (mode: string, rest: object, backend = "app") => ({ matches: [{ queryParams: [{ name: "mode", value: mode }] }], ...rest, backendRefs: [{ name: backend, port: 80 }] });
  const everythingElse = { backendRefs: [{ name: "app", port: 80 }] };
  const seen = async (host: string, path: string): Promise<number> => (await via(80, host, `/__requests?path=${encodeURIComponent(path)}`)).json<{ count: number }>().count;

  it("retries a try that outlives timeouts.backendRequest, and a rule without retry answers 504", async function () {
    this.timeout(60_000);
    await apply(
      route("timeout", [
        byMode("retried", { timeouts: { request: "5s", backendRequest: "400ms" }, retry: { attempts: 2 } }),
        byMode("once", { timeouts: { request: "5s", backendRequest: "400ms" } }),
        everythingElse,
      ]),
    );
    const host = "timeout.extras.example.com";
    await waitFor(async () => (await via(80, host, "/ready?mode=retried").catch(() => undefined))?.status === 200, { timeoutMs: 30_000, description: "the timeout route to be served" });
    // The backend holds the first request of each path for 3 s, far past the 400 ms per-try timeout.
    for (let i = 0; i < 3; i++) {
      const path = `/delay-first/1/3000?mode=retried&n=${i}`;
      const started = Date.now();
      const res = await via(80, host, path);
      assert.equal(res.status, 200, `try ${i}: ${res.status} ${res.body.slice(0, 200)}`);
      assert.ok(Date.now() - started < 3000, "answered by the retry, not by the held first try");
      assert.equal(await seen(host, path), 2, "the backend saw the first try and the retry");
    }
    const once = await via(80, host, "/delay-first/1/3000?mode=once");
    assert.equal(once.status, 504, once.body.slice(0, 200));
    assert.equal(await seen(host, "/delay-first/1/3000?mode=once"), 1);
  });

  it("retries a dropped connection and a refused one, and a rule without retry answers 503", async function () {
    this.timeout(60_000);
    await apply(
      route("conn", [
        byMode("retried", { retry: { attempts: 2 } }),
        byMode("once", {}),
        byMode("flaky-retried", { retry: { attempts: 2 } }, "flaky"),
        byMode("flaky-once", {}, "flaky"),
        everythingElse,
      ]),
    );
    const host = "conn.extras.example.com";
    await waitFor(async () => (await via(80, host, "/ready?mode=retried").catch(() => undefined))?.status === 200, { timeoutMs: 30_000, description: "the connection-error route to be served" });
    // The backend closes the connection without an answer for the first request of each path.
    for (let i = 0; i < 3; i++) {
      const path = `/reset-first/1?mode=retried&n=${i}`;
      const res = await via(80, host, path);
      assert.equal(res.status, 200, `try ${i}: ${res.status} ${res.body.slice(0, 200)}`);
      assert.equal(await seen(host, path), 2, "the backend saw the dropped try and the retry");
    }
    const once = await via(80, host, "/reset-first/1?mode=once");
    assert.equal(once.status, 503, once.body.slice(0, 200));
    // Half of "flaky"'s endpoints refuse connections: without retries some requests fail, with them none.
    const count = async (mode: string): Promise<number> => {
      let ok = 0;
      for (let i = 0; i < 8; i++) if ((await via(80, host, `/n${i}?mode=${mode}`)).status === 200) ok++;
      return ok;
    };
    assert.equal(await count("flaky-retried"), 8);
    assert.ok((await count("flaky-once")) < 8, "a refused connection is not retried without a retry block");
  });

  it("serves every valid certificateRef of an HTTPS listener, picked by SNI, and names the one that does not resolve", async function () {
    this.timeout(60_000);
    const { kube } = ctx.stack;
    const gw = await waitFor(
      async () => {
        const g = await get<GatewayView>(`${GW_API}/namespaces/${NS}/gateways/web`);
        return cond(g?.status?.listeners?.find((l) => l.name === "https")?.conditions, "ResolvedRefs")?.status === "False" ? g : undefined;
      },
      { timeoutMs: 30_000, description: "the HTTPS listener's ResolvedRefs condition" },
    );
    const https = gw.status?.listeners?.find((l) => l.name === "https")?.conditions;
    assert.equal(cond(https, "ResolvedRefs")?.reason, "InvalidCertificateRef");
    assert.match(cond(https, "ResolvedRefs")?.message ?? "", /certificateRefs\[2\]: Secret "gw-extras\/not-there" not found; the other 3 certificates are served/);
    assert.equal(cond(https, "Programmed")?.status, "True");
    await apply({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "secure", namespace: NS },
      spec: { parentRefs: [{ name: "web", sectionName: "https" }], rules: [{ backendRefs: [{ name: "app", port: 80 }] }] },
    });
    const secrets = await Promise.all(["cert-a", "cert-b", "cert-a-rsa"].map((n) => kube.core.readNamespacedSecret({ namespace: NS, name: n })));
    const pem = (i: number): string => Buffer.from(secrets[i]?.data?.["tls.crt"] ?? "", "base64").toString("utf8");
    // Each client trusts only the certificate for its own name: a wrong pick fails the handshake.
    const viaTls = (name: string, ca: string): Promise<HttpResponse> => httpGet(`https://127.0.0.1:${ports.get(443) ?? 0}/`, { host: name, servername: name, ca, timeoutMs: 5000 });
    let last = "";
    await waitFor(
      async () => {
        const res = await viaTls("a.multi.example.com", pem(0)).catch((e: Error) => e);
        last = res instanceof Error ? res.message : `${res.status}`;
        return res instanceof Error ? undefined : res.status === 200;
      },
      { timeoutMs: 30_000, description: () => `a.multi.example.com to answer 200 over TLS with certificate a (last: ${last})` },
    );
    const second = await viaTls("b.multi.example.com", pem(1));
    assert.equal(second.status, 200, second.body.slice(0, 200));
    await assert.rejects(viaTls("b.multi.example.com", pem(0)), "certificate b is served for b, not a");
    // Two certificates for a: the ECDSA one for a client that can verify it, the RSA one for a client that cannot.
    const port = ports.get(443) ?? 0;
    const ecdsa = await presented(port, "a.multi.example.com");
    assert.equal(ecdsa.fingerprint256, certFingerprint(pem(0)));
    assert.ok(ecdsa.modulus === undefined, "an ECDSA certificate");
    const rsa = await presented(port, "a.multi.example.com", "rsa_pss_rsae_sha256:rsa_pkcs1_sha256");
    assert.equal(rsa.fingerprint256, certFingerprint(pem(2)));
    assert.ok(rsa.modulus !== undefined, "an RSA certificate");
    const status = await get<RouteView>(`${GW_API}/namespaces/${NS}/httproutes/secure`);
    assert.equal(cond(status?.status?.parents?.[0]?.conditions, "Accepted")?.status, "True");
  });
});
