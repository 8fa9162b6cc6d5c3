// Port of upstream Contour v1.33.6's test/e2e/httpproxy/internal_redirect_test.go
// ("httpproxy-internal-redirect-validation", and "httpproxy-internal-redirect-policy" with the config file's
// enableExternalNameService: true): a route whose backend is Envoy itself (an ExternalName Service naming
// the Envoy Service upstream; here 127.0.0.1 at the port of Envoy's HTTP listener, the only address the bed
// reaches) answers a 302 that Envoy follows internally, while a policy that allows only 301 passes the 302 on.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { contourConfigFile, deployEcho, hasStatusCode, requestUntil } from "./upstream-port-fixture.js";

describe("httpproxy/internal_redirect_test.go", function () {
  describe("httpproxy-internal-redirect-validation", function () {
    const ctx = useStack({ crds: true });
    const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
    const ns = "httpproxy-internal-redirect-validation";
    const proxy = (internalRedirectPolicy: Record<string, unknown>) =>
      ({ virtualhost: { fqdn: "example.com" }, routes: [{ services: [{ name: "ingress-conformance-echo", port: 80 }], internalRedirectPolicy }] }) as unknown as HTTPProxySpec;

    it("invalid cross scheme mode", async () => {
      await ensureNamespace(ctx.stack.kube, ns);
      // Creation should fail the CRD validations.
      await assert.rejects(createHTTPProxy(kc(), ns, "invalid-cross-scheme", proxy({ allowCrossSchemeRedirect: "MaybeSafe" })), "Expected invalid AllowCrossSchemeRedirect to be rejected.");
    });

    it("invalid redirect code", async () => {
      await ensureNamespace(ctx.stack.kube, ns);
      await assert.rejects(createHTTPProxy(kc(), ns, "invalid-redirect-code", proxy({ redirectResponseCodes: [301, 310] })), "Expected invalid RedirectResponseCodes to be rejected.");
    });
  });

  describe("httpproxy-internal-redirect-policy: with ExternalName Services enabled", function () {
    const ctx = useStack({ pods: ["echo"], crds: true, contourArgs: [`--config-path=${contourConfigFile("enableExternalNameService: true\n")}`] });
    const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
    const ns = "httpproxy-internal-redirect-policy";
    const fqdn = "internalredirectpolicy.projectcontour.io";

    async function assertInternalRedirectRequest(path: string, expectedLocation: string, expectedStatusCode: number): Promise<void> {
      const res = await requestUntil(ctx.stack, { host: fqdn, path }, hasStatusCode(expectedStatusCode), `expected ${expectedStatusCode} response code on ${path}`);
      assert.equal(res.headers["location"], expectedLocation);
    }

    it("internal redirect policy", async () => {
      const { stack } = ctx;
      await deployEcho(stack, ns, "echo");
      const envoyPort = stack.envoyPorts.http;
      await stack.kube.core.createNamespacedService({
        namespace: ns,
        body: { metadata: { name: "envoy-service", namespace: ns }, spec: { type: "ExternalName", externalName: "127.0.0.1", ports: [{ name: "http", port: envoyPort, protocol: "TCP" }] } },
      });
      await createHTTPProxy(kc(), ns, "internal-redirect", {
        virtualhost: { fqdn },
        routes: [
          // Forwards to the echo service.
          { conditions: [{ prefix: "/echo" }], services: [{ name: "echo", port: 80 }] },
          // Answers a 302 to the /echo route.
          { conditions: [{ prefix: "/redirect" }], requestRedirectPolicy: { hostname: fqdn, statusCode: 302, path: "/echo" } },
          {
            conditions: [{ prefix: "/internal-redirect" }],
            services: [{ name: "envoy-service", port: envoyPort }],
            pathRewritePolicy: { replacePrefix: [{ prefix: "/internal-redirect", replacement: "/redirect" }] },
            internalRedirectPolicy: {},
          },
          {
            conditions: [{ prefix: "/internal-redirect-301" }],
            services: [{ name: "envoy-service", port: envoyPort }],
            pathRewritePolicy: { replacePrefix: [{ prefix: "/internal-redirect-301", replacement: "/redirect" }] },
            // Only 301 is followed.
            internalRedirectPolicy: { redirectResponseCodes: [301] },
          },
        ],
      });
      await waitForProxyStatus(kc(), ns, "internal-redirect", "valid");
      // The redirect itself.
      await assertInternalRedirectRequest("/redirect", `http://${fqdn}/echo`, 302);
      // A 302 is not followed by a policy that allows only 301.
      await assertInternalRedirectRequest("/internal-redirect-301", `http://${fqdn}/echo`, 302);
      // The redirect is followed by Envoy.
      await requestUntil(stack, { host: fqdn, path: "/internal-redirect" }, hasStatusCode(200), "expected 200 response code on /internal-redirect");
    });
  });
});
