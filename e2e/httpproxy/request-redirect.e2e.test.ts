// Port of upstream Contour v1.33.6's test/e2e/httpproxy/request_redirect_test.go
// ("httpproxy-request-redirect-policy-nosvc" and "-invalid"): redirects on routes without services
// (host, scheme, port, code, path and prefix rewrites), and a policy giving both path and prefix is
// admitted but invalid. Upstream runs the two in namespaces deleted in between; here the first
// test's proxy is deleted at its end, so the second's fqdn is not claimed twice.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, deleteHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, hasStatusCode, requestUntil } from "./upstream-port-fixture.js";

const FQDN = "requestredirectrule.projectcontour.io";

/** Upstream's getRedirectHTTPProxy(namespace, removeServices). */
function redirectProxy(removeServices: boolean): HTTPProxySpec {
  const services = removeServices ? {} : { services: [{ name: "echo", port: 80 }] };
  return {
    virtualhost: { fqdn: FQDN },
    routes: [
      { conditions: [{ prefix: "/basic-redirect" }], ...services, requestRedirectPolicy: { hostname: "projectcontour.io" } },
      { conditions: [{ prefix: "/complex-redirect" }], ...services, requestRedirectPolicy: { scheme: "https", hostname: "envoyproxy.io", port: 8080, statusCode: 301 } },
      { conditions: [{ prefix: "/path-rewrite" }], ...services, requestRedirectPolicy: { path: "/path" } },
      { conditions: [{ prefix: "/prefix-rewrite" }], ...services, requestRedirectPolicy: { prefix: "/v2" } },
      { conditions: [{ prefix: "/prefix-rewrite-trailing-slash/" }], ...services, requestRedirectPolicy: { prefix: "/v2" } },
    ],
  } as HTTPProxySpec;
}

describe("httpproxy/request_redirect_test.go", function () {
  const ctx = useStack({ pods: ["echo"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  async function assertRequest(path: string, expectedLocation: string, expectedStatusCode: number): Promise<void> {
    // The harness client never follows redirects (upstream: OptDontFollowRedirects).
    const res = await requestUntil(ctx.stack, { host: FQDN, path }, hasStatusCode(expectedStatusCode), `expected ${expectedStatusCode} response code on ${path}`);
    assert.equal(res.headers["location"], expectedLocation);
  }

  it("redirects can be specified on route rule", async () => {
    const ns = "httpproxy-request-redirect-policy-nosvc";
    const proxy = redirectProxy(true);
    for (const route of proxy.routes ?? []) assert.equal(route.services, undefined);
    await deployEcho(ctx.stack, ns, "echo");
    await createHTTPProxy(kc(), ns, "redirect", proxy);
    await waitForProxyStatus(kc(), ns, "redirect", "valid");
    // Only a host name to redirect to.
    await assertRequest("/basic-redirect", "http://projectcontour.io/basic-redirect", 302);
    // A host name, scheme, port and response code.
    await assertRequest("/complex-redirect", "https://envoyproxy.io:8080/complex-redirect", 301);
    // A path to redirect to.
    await assertRequest("/path-rewrite", `http://${FQDN}/path`, 302);
    // A prefix to redirect to.
    await assertRequest("/prefix-rewrite/foo/bar/zed", `http://${FQDN}/v2/foo/bar/zed`, 302);
    // A prefix with a trailing slash and a prefix redirect.
    await assertRequest("/prefix-rewrite-trailing-slash/foo/bar", `http://${FQDN}/v2foo/bar`, 302);
    await deleteHTTPProxy(kc(), ns, "redirect");
  });

  it("invalid policy specified on route rule", async () => {
    const ns = "httpproxy-request-redirect-policy-invalid";
    await deployEcho(ctx.stack, ns, "echo");
    await createHTTPProxy(kc(), ns, "invalid", {
      virtualhost: { fqdn: FQDN },
      routes: [{ conditions: [{ prefix: "/basic-redirect" }], services: [{ name: "echo", port: 80 }], requestRedirectPolicy: { path: "/path", prefix: "/path" } }],
    } as HTTPProxySpec);
    await waitForProxyStatus(kc(), ns, "invalid", "invalid");
  });
});
