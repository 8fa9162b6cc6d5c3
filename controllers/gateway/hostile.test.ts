import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Gateway } from "../../crds/types/gateway-api/gateway.js";
import type { HTTPRoute } from "../../crds/types/gateway-api/httproute.js";
import type { BackendTLSPolicy } from "../../crds/types/gateway-api/backendtlspolicy.js";
import type { GatewayClass } from "../../crds/types/gateway-api/gateway.js";
import { reconcileGateway } from "./reconcile-gateway.js";
import { reconcileHTTPRoute } from "./reconcile-httproute.js";
import { reconcileBackendTLSPolicy } from "./backend-tls-policy.js";
import { reconcileGatewayClass } from "./gateway-class.js";
import { gateway, gatewayClass, http, objectsOf } from "./testdata/fixtures.js";

// Objects the API server's schema would refuse can still reach the cache (an older CRD, a
// hand-edited etcd): every reconcile must turn them into conditions, never throw.
const junkSpecs: unknown[] = [undefined, null, 42, "x", [], { listeners: null }, { listeners: [null, 7, { name: null, port: "80", protocol: 5 }] }, { rules: [null, { matches: "x", filters: [null], backendRefs: [null, { port: "x" }] }], parentRefs: [null, 1, { name: 3 }] }, { targetRefs: [null], validation: null }];
const withSpec = (kind: string, spec: unknown, ns = "apps"): KubernetesObject => ({ apiVersion: "gateway.networking.k8s.io/v1", kind, metadata: { namespace: ns, name: "junk", generation: 1, creationTimestamp: "not a time" }, spec } as unknown as KubernetesObject);

describe("Gateway API reconcilers on hostile input", () => {
  it("serves a route whose creationTimestamp cannot be read (it sorts as the oldest)", () => {
    const gw = gateway("apps", "gw", [http("http")]);
    const objects = objectsOf(gatewayClass("contour"), gw);
    const g = reconcileGateway(objects, gw);
    const route = { ...withSpec("HTTPRoute", { parentRefs: [{ name: "gw" }], rules: [{}] }), metadata: { namespace: "apps", name: "r", creationTimestamp: "yesterday" } } as unknown as HTTPRoute;
    const r = reconcileHTTPRoute(objects, route, { gateways: () => g });
    assert.equal(r.parents[0]?.conditions[0]?.reason, "Accepted");
    assert.equal(r.virtualHosts[0]?.virtualHost.routes[0]?.action.kind, "direct");
  });

  const gw = gateway("apps", "gw", [http("http", 80, { allowedRoutes: { namespaces: { from: "All" } } })]);
  it("refuses a listener of the wrong types with a condition, keeping the Gateway's other listeners", () => {
    const bad = { ...gw, spec: { ...gw.spec, listeners: [...gw.spec.listeners, { name: "odd", port: "81", protocol: 5, hostname: 7 } as unknown as Gateway["spec"]["listeners"][number]] } };
    const r = reconcileGateway(objectsOf(gatewayClass("contour"), bad), bad);
    assert.ok(r.ours);
    assert.deepEqual(r.listeners.map((l) => [l.name, l.conditions[0]?.reason]), [["http", "Accepted"], ["odd", "UnsupportedProtocol"]]);
    assert.deepEqual(r.model.map((l) => l.name), ["http"]);
  });

  for (const [i, spec] of junkSpecs.entries()) {
    it(`never throw (case ${i})`, () => {
      const objs = [gatewayClass("contour"), gw];
      const objects = objectsOf(...objs, withSpec("ListenerSet", spec), withSpec("ReferenceGrant", spec));
      const g = reconcileGateway(objects, { ...(withSpec("Gateway", spec) as Gateway), spec: { ...((spec ?? {}) as object), gatewayClassName: "contour" } as Gateway["spec"] });
      assert.ok(g.ours === false || Array.isArray(g.conditions));
      reconcileGatewayClass(objects, withSpec("GatewayClass", spec) as GatewayClass);
      const good = reconcileGateway(objects, gw);
      const r = reconcileHTTPRoute(objects, withSpec("HTTPRoute", spec) as HTTPRoute, { gateways: () => good });
      assert.ok(Array.isArray(r.parents));
      const p = reconcileBackendTLSPolicy(objects, withSpec("BackendTLSPolicy", spec) as BackendTLSPolicy);
      assert.ok(Array.isArray(p.conditions));
    });
  }
});
