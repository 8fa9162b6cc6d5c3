// Port of upstream Contour v1.33.6's test/e2e/httpproxy/local_rate_limiting_test.go
// ("httpproxy-local-rate-limiting-vhost": "local rate limiting can be specified at the virtualhost",
// "httpproxy-local-rate-limiting-route": "local rate limits can be specified on a route"): one request
// an hour, so the first request after the policy lands answers 200 and the next 429.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, describeResponse, editHTTPProxy, hasStatusCode, requestUntil } from "../fixtures/upstream-echo.js";

describe("httpproxy/local_rate_limiting_test.go", function () {
  const ctx = useStack({ crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  const expect = async (host: string, status: number, path = "/", what = "") => {
    const { res, ok } = await requestUntil(ctx.stack, { host, path }, hasStatusCode(status));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected ${status} response code${what}, got ${describeResponse(res)}`);
  };

  it("local rate limiting can be specified at the virtualhost", async () => {
    const ns = "httpproxy-local-rate-limiting-vhost";
    const fqdn = "vhostlocalratelimit.projectcontour.io";
    await deployEcho(ctx.stack, ns, "echo");
    await createHTTPProxy(kc(), ns, "vhostlocalratelimit", { virtualhost: { fqdn }, routes: [{ services: [{ name: "echo", port: 80 }] }] });
    await waitForProxyStatus(kc(), ns, "vhostlocalratelimit", "valid");
    // Wait until we get a 200 from the proxy confirming the pods are up and serving traffic.
    await expect(fqdn, 200);

    // Add a local rate limit policy on the virtual host.
    await editHTTPProxy(ctx.stack, ns, "vhostlocalratelimit", (s) => void (s.virtualhost!["rateLimitPolicy"] = { local: { requests: 1, unit: "hour" } }));
    // A 200, since we're allowed one request per hour.
    await expect(fqdn, 200);
    // Then a 429, since we've exceeded the rate limit.
    await expect(fqdn, 429);
  });

  it("local rate limits can be specified on a route", async () => {
    const ns = "httpproxy-local-rate-limiting-route";
    const fqdn = "routelocalratelimit.projectcontour.io";
    await deployEcho(ctx.stack, ns, "echo");
    await createHTTPProxy(kc(), ns, "routelocalratelimit", {
      virtualhost: { fqdn },
      routes: [{ services: [{ name: "echo", port: 80 }] }, { services: [{ name: "echo", port: 80 }], conditions: [{ prefix: "/unlimited" }] }],
    });
    await waitForProxyStatus(kc(), ns, "routelocalratelimit", "valid");
    await expect(fqdn, 200);

    // Add a local rate limit policy on the first route.
    await editHTTPProxy(ctx.stack, ns, "routelocalratelimit", (s) => void (s.routes![0]!["rateLimitPolicy"] = { local: { requests: 1, unit: "hour" } }));
    await expect(fqdn, 200);
    await expect(fqdn, 429);
    // The route that doesn't have rate limiting still answers 200.
    await expect(fqdn, 200, "/unlimited", " for non-rate-limited route");
  });
});
