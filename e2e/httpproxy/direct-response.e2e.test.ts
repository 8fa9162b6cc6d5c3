// Port of upstream Contour v1.33.6's test/e2e/httpproxy/direct_response_test.go
// ("httpproxy-direct-response-policy"): routes answered by Envoy itself, with and without a body.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, hasStatusCode, requestUntil } from "./upstream-port-fixture.js";

const NS = "httpproxy-direct-response-policy";

describe("httpproxy/direct_response_test.go", function () {
  const ctx = useStack({ pods: ["echo"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  async function assertDirectResponseRequest(fqdn: string, path: string, expectedBody: string, expectedStatusCode: number): Promise<void> {
    const res = await requestUntil(ctx.stack, { host: fqdn, path }, hasStatusCode(expectedStatusCode), `expected ${expectedStatusCode} response code on ${path}`);
    assert.equal(res.body, expectedBody);
  }

  it("direct response can be specified on route rule", async () => {
    await deployEcho(ctx.stack, NS, "echo");
    const fqdn = "directresponse.projectcontour.io";
    await createHTTPProxy(kc(), NS, "direct-response", {
      virtualhost: { fqdn },
      routes: [
        { conditions: [{ prefix: "/directresponse-nobody" }], directResponsePolicy: { statusCode: 200 } },
        { conditions: [{ prefix: "/directresponse" }], directResponsePolicy: { statusCode: 200, body: "directResponse success" } },
        { conditions: [{ prefix: "/directresponse-notfound" }], directResponsePolicy: { statusCode: 404, body: "not found" } },
      ],
    });
    await waitForProxyStatus(kc(), NS, "direct-response", "valid");
    await assertDirectResponseRequest(fqdn, "/directresponse-nobody", "", 200);
    await assertDirectResponseRequest(fqdn, "/directresponse", "directResponse success", 200);
    await assertDirectResponseRequest(fqdn, "/directresponse-notfound", "not found", 404);
  });
});
