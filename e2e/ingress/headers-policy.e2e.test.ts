// Port of upstream Contour v1.33.6's test/e2e/ingress/headers_policy_test.go ("with global headers policy
// defined": "when ApplyToIngress is false" / "when ApplyToIngress is true"), wired as ingress_test.go
// does: contour's config file sets policy.request-headers / policy.response-headers and
// policy.applyToIngress, one contour per context.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createIngress, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, describeResponse, echoBody, echoHeader, hasStatusCode, requestUntil, writeContourConfig } from "../fixtures/upstream-echo.js";

function globalHeadersPolicy(applyToIngress: boolean): void {
  const config = writeContourConfig(
    [
      "policy:",
      "  request-headers:",
      "    set:",
      "      X-Contour-GlobalRequestHeader: foo",
      "  response-headers:",
      "    set:",
      "      X-Contour-GlobalResponseHeader: bar",
      `  applyToIngress: ${applyToIngress}`,
      "",
    ].join("\n"),
  );
  const ctx = useStack({ contourArgs: [`--config-path=${config}`] });
  const namespace = `global-headers-policy-apply-to-ingress-${applyToIngress}`;

  it(applyToIngress ? "global headers policy is applied to ingress objects" : "global headers policy is not applied to ingress objects", async () => {
    const { stack } = ctx;
    await deployEcho(stack, namespace, "echo");
    // Upstream names the hosts the other way round; kept as written.
    const host = applyToIngress ? "global-headers-policy-apply-to-ingress-false.ingress.projectcontour.io" : "global-headers-policy-apply-to-ingress-true.ingress.projectcontour.io";
    await createIngress(stack.kube, namespace, "global-headers-policy", simpleIngressSpec(host, "echo", 80, "/"));

    const { res, ok } = await requestUntil(stack, { host }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);
    const body = echoBody(res);
    if (applyToIngress) {
      assert.equal(echoHeader(body, "X-Contour-GlobalRequestHeader"), "foo");
      assert.equal(res.headers["x-contour-globalresponseheader"], "bar");
    } else {
      assert.equal(echoHeader(body, "X-Contour-GlobalRequestHeader"), "");
      assert.equal(res.headers["x-contour-globalresponseheader"] ?? "", "");
    }
  });
}

describe("ingress/headers_policy_test.go: when ApplyToIngress is false", function () {
  globalHeadersPolicy(false);
});

describe("ingress/headers_policy_test.go: when ApplyToIngress is true", function () {
  globalHeadersPolicy(true);
});
