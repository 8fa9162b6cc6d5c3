// Port of upstream Contour v1.33.6's test/e2e/httpproxy/http_health_checks_test.go
// ("httpproxy-http-health-checks", "HTTP healthchecks are configurable"): a health check path the echo
// server always fails (/status/418) takes the only endpoint out (503), one it passes (/status/200) brings it back.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, describeResponse, editHTTPProxy, hasStatusCode, requestUntil } from "../fixtures/upstream-echo.js";

const NS = "httpproxy-http-health-checks";

describe("httpproxy/http_health_checks_test.go", function () {
  const ctx = useStack({ crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("HTTP healthchecks are configurable", async () => {
    const { stack } = ctx;
    await deployEcho(stack, NS, "echo");
    const fqdn = "healthchecks.projectcontour.io";
    await createHTTPProxy(kc(), NS, "health-checks", { virtualhost: { fqdn }, routes: [{ services: [{ name: "echo", port: 80 }] }] });
    await waitForProxyStatus(kc(), NS, "health-checks", "valid");

    let { res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);

    // set the health check policy to always fail
    await editHTTPProxy(stack, NS, "health-checks", (s) => void (s.routes![0]!["healthCheckPolicy"] = { path: "/status/418" }));
    // the health check is set to always fail so the service should be unavailable.
    ({ res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(503)));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 503 response code, got ${describeResponse(res)}`);

    // set the health check policy to always pass
    await editHTTPProxy(stack, NS, "health-checks", (s) => void (s.routes![0]!["healthCheckPolicy"] = { path: "/status/200" }));
    // the health check is set to always pass so the service should return a 200.
    ({ res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(200)));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);
  });
});
