// HTTPProxy JWT verification through Envoy. Upstream v1.33.6 has no e2e spec for it: its cases are
// upstream's internal/featuretests/v3/jwtverification_test.go (a default provider, a route that
// disables verification, a route that requires a non-default provider, forwardJWT), here run on the
// wire against a JWKS server of the harness (e2e/harness/jwks-server.ts, keys made per run):
// a valid token passes, a missing, foreign-signed, expired or wrong-audience one gets 401.
import assert from "node:assert/strict";
import { after, before, describe, it } from "mocha";
import type { HTTPProxy } from "../../crds/index.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert, type ServingCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, waitFor, type HttpResponse } from "../harness/index.js";
import { startJwksServer, type JwksServer } from "../harness/jwks-server.js";

const NS = "jwt";
const HOST = "jwt.example.com";
const ISSUER = "https://issuer.e2e.example";

describe("HTTPProxy: JWT verification through Envoy", function () {
  const ctx = useStack({ pods: ["app-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  let jwks: JwksServer;
  let cert: ServingCert;
  before(async () => {
    jwks = await startJwksServer();
  });
  after(async () => {
    await jwks?.close();
  });

  const get = (path: string, token?: string): Promise<HttpResponse> =>
    httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}${path}`, {
      host: HOST,
      servername: HOST,
      ca: cert.certPem,
      timeoutMs: 3000,
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    });
  const statusOf = (name: string, want: string): Promise<HTTPProxy> => waitForProxyStatus(kc(), NS, name, want);

  it("requires a valid token from the default provider, except on a route that disables it", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    cert = await selfSignedCert([HOST]);
    await createTlsSecret(kube, NS, "jwt-tls", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), NS, "jwt", {
      virtualhost: {
        fqdn: HOST,
        tls: { secretName: "jwt-tls" },
        jwtProviders: [
          { name: "provider-1", default: true, issuer: ISSUER, audiences: ["upstream-1"], remoteJWKS: { uri: jwks.jwksUrl, timeout: "2s", cacheDuration: "1m" } },
          { name: "provider-2", issuer: ISSUER, audiences: ["upstream-2"], forwardJWT: true, remoteJWKS: { uri: jwks.jwksUrl } },
        ],
      },
      routes: [
        { conditions: [{ prefix: "/public" }], services: [{ name: "app", port: 80 }], jwtVerificationPolicy: { disabled: true } },
        { conditions: [{ prefix: "/two" }], services: [{ name: "app", port: 80 }], jwtVerificationPolicy: { require: "provider-2" } },
        { services: [{ name: "app", port: 80 }] },
      ],
    });
    await statusOf("jwt", "valid");
    const good = jwks.token({ iss: ISSUER, aud: "upstream-1", sub: "alice" });
    const ok = await waitFor(async () => {
      const res = await get("/", good).catch(() => undefined);
      return res?.status === 200 ? res : undefined;
    }, { timeoutMs: 20_000, description: "a request with a valid token to reach the backend" });
    assert.equal(ok.status, 200);
    // forwardJWT is off for provider-1: Envoy strips the token before forwarding.
    assert.equal(ok.json<{ headers: Record<string, string> }>().headers["authorization"], undefined, "the token is not forwarded without forwardJWT");
    assert.ok(jwks.fetchCount() >= 1, "Envoy fetched the JWKS from the harness server");

    const missing = await get("/");
    assert.equal(missing.status, 401, "no token: 401");
    assert.equal((await get("/", jwks.foreignToken({ iss: ISSUER, aud: "upstream-1" }))).status, 401, "a token signed by another key: 401");
    assert.equal((await get("/", jwks.token({ iss: ISSUER, aud: "upstream-1", exp: Math.floor(Date.now() / 1000) - 600 }))).status, 401, "an expired token: 401");
    assert.equal((await get("/", jwks.token({ iss: ISSUER, aud: "someone-else" }))).status, 403, "a token for another audience: Envoy's 403 (audiences not allowed)");
    assert.equal((await get("/", jwks.token({ iss: "https://other-issuer", aud: "upstream-1" }))).status, 401, "a token of another issuer: 401");
    assert.equal((await get("/public/page")).status, 200, "jwtVerificationPolicy.disabled: served without a token");
  });

  it("verifies a route that requires another provider with that provider's audience, forwarding the token", async () => {
    const forTwo = jwks.token({ iss: ISSUER, aud: "upstream-2" });
    const res = await get("/two", forTwo);
    assert.equal(res.status, 200);
    assert.equal(res.json<{ headers: Record<string, string> }>().headers["authorization"], `Bearer ${forTwo}`, "forwardJWT passes the token on");
    assert.equal((await get("/two", jwks.token({ iss: ISSUER, aud: "upstream-1" }))).status, 403, "provider-1's audience is not provider-2's");
    assert.equal((await get("/two")).status, 401);
  });

  it("reports a route requiring an undefined provider and a host without TLS, serving neither", async () => {
    await createHTTPProxy(kc(), NS, "undefined-provider", {
      virtualhost: { fqdn: "undefined.jwt.example.com", tls: { secretName: "jwt-tls" }, jwtProviders: [{ name: "p", remoteJWKS: { uri: jwks.jwksUrl } }] },
      routes: [{ services: [{ name: "app", port: 80 }], jwtVerificationPolicy: { require: "nope" } }],
    });
    const undefinedProvider = await statusOf("undefined-provider", "invalid");
    const error = undefinedProvider.status?.conditions?.[0]?.errors?.[0];
    assert.deepEqual([error?.type, error?.reason], ["JWTVerificationError", "JWTProviderNotDefined"]);
    await createHTTPProxy(kc(), NS, "no-tls", {
      virtualhost: { fqdn: "notls.jwt.example.com", jwtProviders: [{ name: "p", remoteJWKS: { uri: jwks.jwksUrl } }] },
      routes: [{ services: [{ name: "app", port: 80 }] }],
    });
    const noTls = await statusOf("no-tls", "invalid");
    assert.equal(noTls.status?.conditions?.[0]?.errors?.[0]?.reason, "JWTVerificationNotPermitted");
    assert.equal((await ctx.stack.http("notls.jwt.example.com", "/")).status, 404, "not served at all");
  });
});
