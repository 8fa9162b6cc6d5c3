// External authorization beyond upstream's two ported specs, through a real kube-apiserver, contour
// and Envoy, against the bed's authorization servers (e2e/harness/authz-server.ts): a proxy naming a
// missing ExtensionService gets upstream's AuthError reason and recovers when it appears; failOpen
// decides what an unreachable server means; withRequestBody sends the body along; the context of
// each route reaches the server; and the HTTP authorization server answers as the gRPC one.
import assert from "node:assert/strict";
import { before, describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy, updateHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { createExtensionService, waitForExtensionValid } from "../fixtures/extension-services.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert, type ServingCert } from "../fixtures/serving-cert.js";
import { createTestCa } from "../fixtures/test-ca.js";
import { useStack } from "../fixtures/stack.js";
import { freePort, httpGet, httpRequest, startAuthzServers, waitFor, type AuthzServers, type HttpRequestOptions, type HttpResponse } from "../harness/index.js";

const NS = "authz";

describe("external authorization: status, fail-open, request body, HTTP server", function () {
  const ctx = useStack({ pods: ["echo-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  let authz: AuthzServers;
  const certs = new Map<string, ServingCert>();

  async function secure(host: string, path: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    return httpRequest(`https://127.0.0.1:${ctx.stack.envoyPorts.https}${path}`, { host, servername: host, ca: certs.get(host)!.certPem, timeoutMs: 3000, ...options });
  }
  async function secureUntil(host: string, path: string, status: number, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    let last: HttpResponse | string = "no response yet";
    return waitFor(
      async () => {
        last = await secure(host, path, options).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
        return typeof last !== "string" && last.status === status ? last : undefined;
      },
      { timeoutMs: 20_000, description: () => `${status} from https://${host}${path} (last: ${typeof last === "string" ? last : last.status})` },
    );
  }
  async function tlsHost(fqdn: string): Promise<string> {
    const cert = await selfSignedCert([fqdn]);
    certs.set(fqdn, cert);
    const secret = fqdn.split(".")[0]!;
    await createTlsSecret(ctx.stack.kube, NS, secret, cert.certPem, cert.keyPem);
    return secret;
  }
  const echo = [{ name: "echo", port: 80 }];

  before(async function () {
    this.timeout(60_000);
    const { kube, bed } = ctx.stack;
    await ensureNamespace(kube, NS);
    const pod = bed.pods.find((p) => p.name === "echo-1")!;
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: pod.ip, port: pod.port }]);
    authz = await startAuthzServers(bed, "authz-servers", await selfSignedCert(["authz"]));
    await createService(kube, NS, "authz", [{ name: "grpc", port: 9000 }]);
    await applyEndpointSlice(kube, NS, "authz", "grpc", [{ ip: authz.ip, port: authz.grpcPort }]);
    await createExtensionService(kc(), NS, "authz", { protocol: "h2c", services: [{ name: "authz", port: 9000 }] });
    // An authorization server nobody listens for: a free port at the authz servers' address.
    await createService(kube, NS, "gone", [{ name: "grpc", port: 9000 }]);
    await applyEndpointSlice(kube, NS, "gone", "grpc", [{ ip: authz.ip, port: await freePort() }]);
    await createExtensionService(kc(), NS, "gone", { protocol: "h2c", services: [{ name: "gone", port: 9000 }], timeoutPolicy: { response: "200ms" } });
    await waitForExtensionValid(kc(), NS, "authz");
    await waitForExtensionValid(kc(), NS, "gone");
  });

  it("a proxy naming a missing ExtensionService is invalid (AuthError, ExtensionServiceNotFound) until it appears", async () => {
    const fqdn = "late.authz.example.com";
    const secretName = await tlsHost(fqdn);
    const spec: HTTPProxySpec = { virtualhost: { fqdn, tls: { secretName }, authorization: { extensionRef: { name: "late" } } }, routes: [{ services: echo }] };
    await createHTTPProxy(kc(), NS, "late", spec);
    const invalid = await waitForProxyStatus(kc(), NS, "late", "invalid");
    const valid = invalid.status?.conditions?.find((c) => c.type === "Valid");
    assert.deepEqual(valid?.errors?.map((e) => [e.type, e.reason]), [["AuthError", "ExtensionServiceNotFound"]]);
    assert.match(valid?.errors?.[0]?.message ?? "", /spec\.virtualhost\.authorization\.extensionRef: extension service "authz\/late" not found/u);
    await assert.rejects(secure(fqdn, "/allow"), "an invalid host is not served");

    await createExtensionService(kc(), NS, "late", { protocol: "h2c", services: [{ name: "authz", port: 9000 }] });
    await waitForProxyStatus(kc(), NS, "late", "valid");
    await secureUntil(fqdn, "/denied", 401);
    await secureUntil(fqdn, "/allow", 200);
  });

  it("an unreachable server refuses with 403, or lets requests through with failOpen", async () => {
    const fqdn = "gone.authz.example.com";
    const secretName = await tlsHost(fqdn);
    const spec = (failOpen: boolean): HTTPProxySpec => ({ virtualhost: { fqdn, tls: { secretName }, authorization: { extensionRef: { name: "gone" }, failOpen } }, routes: [{ services: echo }] });
    await createHTTPProxy(kc(), NS, "gone", spec(false));
    await waitForProxyStatus(kc(), NS, "gone", "valid");
    await secureUntil(fqdn, "/allow", 403);
    await updateHTTPProxy(kc(), NS, "gone", spec(true));
    await secureUntil(fqdn, "/anything", 200);
    assert.equal((await readHTTPProxy(kc(), NS, "gone")).status?.currentStatus, "valid");
  });

  it("sends the request body with withRequestBody, and each route's context", async () => {
    const fqdn = "body.authz.example.com";
    const secretName = await tlsHost(fqdn);
    await createHTTPProxy(kc(), NS, "body", {
      virtualhost: { fqdn, tls: { secretName }, authorization: { extensionRef: { name: "authz" }, withRequestBody: { maxRequestBytes: 64, allowPartialMessage: true }, authPolicy: { context: { scope: "vhost" } } } },
      routes: [{ conditions: [{ prefix: "/upload" }], authPolicy: { context: { route: "upload" } }, services: echo }],
    });
    await waitForProxyStatus(kc(), NS, "body", "valid");
    await secureUntil(fqdn, "/upload/allow", 200, { method: "POST", body: "x".repeat(200) });
    const checks = (await authz.checks()).filter((c) => c.host === fqdn && c.path === "/upload/allow" && c.method === "POST");
    assert.ok(checks.length > 0, "the server saw the check");
    // allowPartialMessage: the first 64 bytes go along, not the whole body.
    assert.equal(checks.at(-1)?.bodyBytes, 64);
    assert.deepEqual(checks.at(-1)?.context, { route: "upload", scope: "vhost" });
    await assertNoRejectedUpdates(ctx.stack.envoy);
  });

  it("verifies the server's certificate with the ExtensionService's validation: the right name passes, another fails closed", async () => {
    const { kube, bed } = ctx.stack;
    const ca = await createTestCa("authz-ca");
    const verified = await startAuthzServers(bed, "authz-verified", await ca.issue({ commonName: "authz.authz.svc", dnsNames: ["authz.authz.svc"], usage: "server" }));
    await createService(kube, NS, "verified", [{ name: "grpc", port: 9443 }]);
    await applyEndpointSlice(kube, NS, "verified", "grpc", [{ ip: verified.ip, port: verified.grpcTlsPort }]);
    await kube.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "authz-ca", namespace: NS }, type: "Opaque", stringData: { "ca.crt": ca.certPem } } });
    await createExtensionService(kc(), NS, "verified", { services: [{ name: "verified", port: 9443 }], validation: { caSecret: "authz-ca", subjectName: "authz.authz.svc" } });
    await createExtensionService(kc(), NS, "misnamed", { services: [{ name: "verified", port: 9443 }], validation: { caSecret: "authz-ca", subjectName: "other.authz.svc" } });
    await waitForExtensionValid(kc(), NS, "verified");
    await waitForExtensionValid(kc(), NS, "misnamed");
    for (const [name, ext] of [["verified", "verified"], ["misnamed", "misnamed"]] as const) {
      const fqdn = `${name}.tls.authz.example.com`;
      const secretName = await tlsHost(fqdn);
      await createHTTPProxy(kc(), NS, `tls-${name}`, { virtualhost: { fqdn, tls: { secretName }, authorization: { extensionRef: { name: ext } } }, routes: [{ services: echo }] });
      await waitForProxyStatus(kc(), NS, `tls-${name}`, "valid");
    }
    await secureUntil("verified.tls.authz.example.com", "/private", 401);
    await secureUntil("verified.tls.authz.example.com", "/allow", 200);
    // Envoy refuses the server's certificate for the wrong name: no check is answered, 403 (status_on_error).
    await secureUntil("misnamed.tls.authz.example.com", "/allow", 403);
    assert.ok((await verified.checks()).every((c) => c.host !== "misnamed.tls.authz.example.com"), "the misnamed ExtensionService never reached the server");
  });

  it("the HTTP authorization server allows paths with \"allow\" and refuses others with 403", async () => {
    const refused = await httpGet(`http://${authz.ip}:${authz.httpPort}/private`, { timeoutMs: 3000 });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers["auth-handler"], "testserver-http");
    const allowed = await httpGet(`http://${authz.ip}:${authz.httpPort}/allow/this`, { timeoutMs: 3000 });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers["auth-path"], "/allow/this");
    const seen = (await authz.checks()).filter((c) => c.server === "http").map((c) => [c.path, c.allowed]);
    assert.deepEqual(seen, [["/private", false], ["/allow/this", true]]);
  });
});
