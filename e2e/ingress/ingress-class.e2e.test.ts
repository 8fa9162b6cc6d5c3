// Port of upstream Contour v1.33.6's test/e2e/ingress/ingress_class_test.go ("ingress with class"), wired
// as ingress_test.go does: "ingress-multiple-ingress-classes-contour" and "…-team1", contour started with
// --ingress-class-name=contour,team1 (a list, as upstream accepts) and an Ingress of each class.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createIngress, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, describeResponse, hasStatusCode, requestUntil } from "../fixtures/upstream-echo.js";

function ingressWithClass(namespace: string, cls: string): void {
  const ctx = useStack({ contourArgs: ["--ingress-class-name=contour,team1"] });

  it("ingress with class", async () => {
    const { stack } = ctx;
    const name = `${cls}ingress`;
    await deployEcho(stack, namespace, "echo");
    const host = `${name}.projectcontour.io`;
    await createIngress(stack.kube, namespace, name, { ingressClassName: cls, ...simpleIngressSpec(host, "echo", 80, "/") });
    const { res, ok } = await requestUntil(stack, { host }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `${name}: expected 200 response code, got ${describeResponse(res)}`);
  });
}

describe("ingress/ingress_class_test.go: multiple ingress classes with contour ingress ClassName set", function () {
  ingressWithClass("ingress-multiple-ingress-classes-contour", "contour");
});

describe("ingress/ingress_class_test.go: multiple ingress classes with team1 ingress ClassName set", function () {
  ingressWithClass("ingress-multiple-ingress-classes-team1", "team1");
});
