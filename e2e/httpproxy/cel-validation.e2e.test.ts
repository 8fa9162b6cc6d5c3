// Port of upstream Contour v1.33.6's test/e2e/httpproxy/cel_validation_test.go ("httpproxy-cel-validation",
// "UpstreamValidation is validated by CEL rule on creation"): subjectNames[0] must equal subjectName.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { createRejectedHTTPProxy } from "../fixtures/upstream-echo.js";

const NS = "httpproxy-cel-validation";

describe("httpproxy/cel_validation_test.go", function () {
  const ctx = useStack({ crds: true });

  it("UpstreamValidation is validated by CEL rule on creation", async () => {
    await ensureNamespace(ctx.stack.kube, NS);
    const err = await createRejectedHTTPProxy(ctx.stack, {
      apiVersion: "projectcontour.io/v1",
      kind: "HTTPProxy",
      metadata: { name: "subjectname-no-match", namespace: NS },
      spec: {
        virtualhost: { fqdn: "example.com" },
        routes: [{ services: [{ name: "any-service-name", port: 80000, validation: { caSecret: "namespace/name", subjectNames: ["wrong.com", "example.com"], subjectName: "example.com" } }] }],
      },
    });
    assert.ok(err !== undefined && err.includes("subjectNames[0] must equal subjectName if set"), `expected the CEL rule's message, got: ${err ?? "admitted"}`);
  });
});
