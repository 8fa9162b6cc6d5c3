// Port of upstream Contour v1.33.6's test/e2e/httpproxy/required_field_validation_test.go
// ("httpproxy-required-field-validation", "required fields are validated on creation"): the CRD schema
// refuses a header condition without a name, a virtual host without an fqdn, an include without a name
// and a service port out of range, with the API server's field paths.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { createRejectedHTTPProxy } from "../fixtures/upstream-echo.js";

const NS = "httpproxy-required-field-validation";
const proxy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: { name, namespace: NS }, spec });
/** Kubernetes 1.24 adds array indexes to the error message, so either format is allowed. */
const either = (err: string | undefined, a: string, b: string) => assert.ok(err !== undefined && (err.includes(a) || err.includes(b)), `expected "${a}" or "${b}", got: ${err ?? "admitted"}`);

describe("httpproxy/required_field_validation_test.go", function () {
  const ctx = useStack({ crds: true });

  it("required fields are validated on creation", async () => {
    const { stack } = ctx;
    await ensureNamespace(stack.kube, NS);

    let err = await createRejectedHTTPProxy(stack, proxy("missing-condition-header-name", { routes: [{ conditions: [{ header: { present: true } }], services: [{ name: "foo", port: 80 }] }] }));
    either(err, "spec.routes.conditions.header.name: Required value", "spec.routes[0].conditions[0].header.name: Required value");

    err = await createRejectedHTTPProxy(stack, proxy("missing-virtualhost-name", { virtualhost: { tls: { passthrough: true } } }));
    assert.ok(err !== undefined, "missing-virtualhost-name was admitted");
    assert.ok(err.includes("spec.virtualhost.fqdn: Required value"), err);

    err = await createRejectedHTTPProxy(stack, proxy("missing-includes-name", { includes: [{ namespace: "foo" }] }));
    either(err, "spec.includes.name: Required value", "spec.includes[0].name: Required value");

    err = await createRejectedHTTPProxy(stack, proxy("service-port-range", { virtualhost: { fqdn: "ports.projectcontour.io" }, routes: [{ services: [{ name: "any-service-name", port: 80000 }] }] }));
    either(err, "spec.routes.services.port: Invalid value", "spec.routes[0].services[0].port: Invalid value");
  });
});
