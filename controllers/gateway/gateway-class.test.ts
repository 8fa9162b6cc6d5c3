import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { reconcileGatewayClass, type GatewayClassOptions } from "./gateway-class.js";
import { gatewayClass, objectsOf } from "./testdata/fixtures.js";
import type { GatewayClass } from "../../crds/types/gateway-api/gateway.js";

const contourDeployment: KubernetesObject = { apiVersion: "projectcontour.io/v1alpha1", kind: "ContourDeployment", metadata: { namespace: "projectcontour", name: "params" } };
const summary = (gc: GatewayClass, options: GatewayClassOptions = {}, objs: KubernetesObject[] = []): string[] | "not ours" => {
  const r = reconcileGatewayClass(objectsOf(...objs), gc, options);
  return r.ours ? r.conditions.map((c) => `${c.type}=${c.status}:${c.reason}`) : "not ours";
};

describe("reconcileGatewayClass", () => {
  const ok = ["Accepted=True:Accepted", "SupportedVersion=True:SupportedVersion"];
  const table: { name: string; gc: GatewayClass; options?: GatewayClassOptions; objs?: KubernetesObject[]; want: string[] | "not ours" }[] = [
    { name: "default controller name", gc: gatewayClass("contour"), want: ok },
    { name: "another controller's class is never touched", gc: gatewayClass("other", "example.com/other"), want: "not ours" },
    { name: "configured controller name", gc: gatewayClass("mine", "example.com/mine"), options: { controllerName: "example.com/mine" }, want: ok },
    { name: "default name not ours when configured otherwise", gc: gatewayClass("contour"), options: { controllerName: "example.com/mine" }, want: "not ours" },
    {
      name: "parametersRef resolved",
      gc: gatewayClass("p", undefined, { parametersRef: { group: "projectcontour.io", kind: "ContourDeployment", name: "params", namespace: "projectcontour" } }),
      objs: [contourDeployment],
      want: ok,
    },
    { name: "parametersRef to a missing object", gc: gatewayClass("p", undefined, { parametersRef: { group: "projectcontour.io", kind: "ContourDeployment", name: "nope", namespace: "projectcontour" } }), want: ["Accepted=False:InvalidParameters", "SupportedVersion=True:SupportedVersion"] },
    { name: "parametersRef of an unsupported kind", gc: gatewayClass("p", undefined, { parametersRef: { group: "", kind: "ConfigMap", name: "x", namespace: "default" } }), want: ["Accepted=False:InvalidParameters", "SupportedVersion=True:SupportedVersion"] },
    { name: "namespaced kind without namespace", gc: gatewayClass("p", undefined, { parametersRef: { group: "projectcontour.io", kind: "ContourDeployment", name: "params" } }), objs: [contourDeployment], want: ["Accepted=False:InvalidParameters", "SupportedVersion=True:SupportedVersion"] },
    { name: "supported CRD versions", gc: gatewayClass("contour"), options: { crdBundleVersions: ["v1.6.1", "v1.6.0"] }, want: ok },
    { name: "unsupported CRD version: best effort", gc: gatewayClass("contour"), options: { crdBundleVersions: ["v1.6.1", "v1.2.0", ""] }, want: ["Accepted=True:Accepted", "SupportedVersion=False:UnsupportedVersion"] },
  ];
  for (const t of table) it(t.name, () => assert.deepEqual(summary(t.gc, t.options, t.objs), t.want));

  it("messages name the field; features are sorted; the parameters object is a dependency", () => {
    const r = reconcileGatewayClass(objectsOf(), gatewayClass("p", undefined, { parametersRef: { group: "projectcontour.io", kind: "ContourDeployment", name: "nope", namespace: "projectcontour" } }), { supportedFeatures: ["HTTPRoute", "Gateway"] });
    assert.ok(r.ours);
    assert.match(r.conditions[0]?.message ?? "", /^spec\.parametersRef: ContourDeployment "projectcontour\/nope" not found$/);
    assert.deepEqual(r.supportedFeatures, [{ name: "Gateway" }, { name: "HTTPRoute" }]);
    assert.deepEqual(r.dependencies, [{ kind: "ContourDeployment", namespace: "projectcontour", name: "nope" }]);
    assert.equal(r.accepted, false);
  });
});
