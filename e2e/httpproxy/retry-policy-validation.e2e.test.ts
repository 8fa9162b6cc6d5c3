// Port of upstream Contour v1.33.6's test/e2e/httpproxy/retry_policy_validation_test.go
// ("httpproxy-retry-policy-validation", "retry policy is validated on create"): a retryOn value outside
// the CRD's enum is refused.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { createRejectedHTTPProxy } from "../fixtures/upstream-echo.js";

const NS = "httpproxy-retry-policy-validation";

describe("httpproxy/retry_policy_validation_test.go", function () {
  const ctx = useStack({ crds: true });

  it("retry policy is validated on create", async () => {
    await ensureNamespace(ctx.stack.kube, NS);
    const err = await createRejectedHTTPProxy(ctx.stack, {
      apiVersion: "projectcontour.io/v1",
      kind: "HTTPProxy",
      metadata: { name: "invalid-retry-on-condition", namespace: NS },
      spec: { routes: [{ services: [{ name: "foo", port: 80 }], retryPolicy: { retryOn: ["foobar"] } }] },
    });
    // Kubernetes 1.24 adds array indexes to the error message, so either format is allowed.
    assert.ok(
      err !== undefined && (err.includes("spec.routes.retryPolicy.retryOn: Unsupported value") || err.includes("spec.routes[0].retryPolicy.retryOn[0]: Unsupported value")),
      `expected an Unsupported value error on retryOn, got: ${err ?? "admitted"}`,
    );
  });
});
