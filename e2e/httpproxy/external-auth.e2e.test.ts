// Port of upstream Contour v1.33.6's test/e2e/httpproxy/external_auth_test.go ("external auth can be
// configured on an HTTPRoute"), through a real kube-apiserver, contour and Envoy. Upstream's
// `testserver` (ghcr.io/projectcontour/contour-authserver) is the bed's authorization server
// (e2e/harness/authz-server.ts) on its TLS gRPC port, reached through an ExtensionService with the
// default protocol (h2, TLS without validation), as upstream's Deployment serves it on :9443 with its
// own certificate. It allows paths containing "allow", answers 401 otherwise, and sends each context
// entry back as an Auth-Context-<Key> header, which the echo backend shows.
import assert from "node:assert/strict";
import { before, describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { createExtensionService, waitForExtensionValid } from "../fixtures/extension-services.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert, type ServingCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, startAuthzServers, waitFor, type BackendReply, type HttpResponse } from "../harness/index.js";

const NS = "httpproxy-external-auth";
const FQDN = "externalauth.projectcontour.io";

describe("HTTPProxy: external_auth_test.go", function () {
  const ctx = useStack({ pods: ["echo-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  let cert: ServingCert;

  /** Upstream's SecureRequestUntil: HTTPS through Envoy with SNI, polled until the status is `status`. */
  async function secureRequestUntil(path: string, status: number): Promise<HttpResponse> {
    let last: HttpResponse | string = "no response yet";
    return waitFor(
      async () => {
        try {
          last = await httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}${path}`, { host: FQDN, servername: FQDN, ca: cert.certPem, timeoutMs: 3000 });
          return last.status === status ? last : undefined;
        } catch (err) {
          last = err instanceof Error ? err.message : String(err);
          return undefined;
        }
      },
      { timeoutMs: 20_000, description: () => `expected ${status} response code for ${path}, got ${typeof last === "string" ? last : last.status}` },
    );
  }

  before(async function () {
    this.timeout(60_000);
    const { kube, bed } = ctx.stack;
    await ensureNamespace(kube, NS);
    // f.Fixtures.Echo.Deploy(namespace, "echo")
    const echo = bed.pods.find((p) => p.name === "echo-1")!;
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: echo.ip, port: echo.port }]);
    // f.Certs.CreateSelfSignedCert(namespace, "echo", "echo", "externalauth.projectcontour.io")
    cert = await selfSignedCert([FQDN]);
    await createTlsSecret(kube, NS, "echo", cert.certPem, cert.keyPem);
    // The testserver Deployment with its own certificate, its Service "testserver" (port "auth" 9443).
    const authz = await startAuthzServers(bed, "testserver", await selfSignedCert(["testserver"]));
    await createService(kube, NS, "testserver", [{ name: "auth", port: 9443 }]);
    await applyEndpointSlice(kube, NS, "testserver", "auth", [{ ip: authz.ip, port: authz.grpcTlsPort }]);
    await createExtensionService(kc(), NS, "testserver", { services: [{ name: "testserver", port: 9443 }] });
    await waitForExtensionValid(kc(), NS, "testserver");
  });

  it("external auth can be configured on an HTTPRoute", async () => {
    const spec: HTTPProxySpec = {
      virtualhost: {
        fqdn: FQDN,
        tls: { secretName: "echo" },
        authorization: {
          responseTimeout: "500ms",
          extensionRef: { name: "testserver", namespace: NS },
          authPolicy: { context: { hostname: FQDN } },
        },
      },
      routes: [
        { conditions: [{ prefix: "/first" }], authPolicy: { context: { target: "first" } }, services: [{ name: "echo", port: 80 }] },
        { conditions: [{ prefix: "/second" }], authPolicy: { disabled: true }, services: [{ name: "echo", port: 80 }] },
        { conditions: [{ prefix: "/direct-response-auth-enabled" }], directResponsePolicy: { statusCode: 418 } },
        { conditions: [{ prefix: "/direct-response-auth-disabled" }], directResponsePolicy: { statusCode: 418 }, authPolicy: { disabled: true } },
        { authPolicy: { context: { target: "default" } }, services: [{ name: "echo", port: 80 }] },
      ],
    };
    await createHTTPProxy(kc(), NS, "external-auth", spec);
    await waitForProxyStatus(kc(), NS, "external-auth", "valid");

    // By default requests to /first should not be authorized.
    await secureRequestUntil("/first", 401);

    // The testserver accepts any request with "allow" in the path; the context headers it injects
    // show that it processed the request.
    let res = await secureRequestUntil("/first/allow", 200);
    let body = res.json<BackendReply>();
    assert.equal(body.headers["auth-context-target"], "first");
    assert.equal(body.headers["auth-context-hostname"], FQDN);

    // The /second route disables authorization so this request should succeed.
    await secureRequestUntil("/second", 200);

    // The default route should not authorize by default.
    await secureRequestUntil("/matches-default-route", 401);

    res = await secureRequestUntil("/matches-default-route/allow", 200);
    body = res.json<BackendReply>();
    assert.equal(body.headers["auth-context-target"], "default");
    assert.equal(body.headers["auth-context-hostname"], FQDN);

    // Direct response with external auth enabled should get a 401.
    await secureRequestUntil("/direct-response-auth-enabled", 401);
    // Direct response with external auth enabled with "allow" in the path should succeed.
    await secureRequestUntil("/direct-response-auth-enabled/allow", 418);
    // Direct response with external auth disabled should succeed.
    await secureRequestUntil("/direct-response-auth-disabled", 418);

    await assertNoRejectedUpdates(ctx.stack.envoy);
  });
});
