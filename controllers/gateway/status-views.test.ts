import assert from "node:assert/strict";
import type { Condition } from "../store/fragment.js";
import { countAttachedRoutes, gatewayStatus, httpRouteStatus, metaConditions } from "./status-views.js";
import { listenerOwnHostnames } from "./gateway-listener.js";
import { reconcileGateway } from "./reconcile-gateway.js";
import { reconcileHTTPRoute } from "./reconcile-httproute.js";
import { gateway, gatewayClass, http, httpRoute, objectsOf, service } from "./testdata/fixtures.js";

const c = (type: string, status: boolean): Condition => ({ type, status: status ? "True" : "False", reason: type, message: "" });

describe("status views", () => {
  it("keeps lastTransitionTime while a condition's status holds", () => {
    const first = metaConditions([c("Accepted", true), c("Programmed", false)], undefined, { generation: 1, now: "T1" });
    const second = metaConditions([c("Accepted", true), c("Programmed", true)], first, { generation: 2, now: "T2" });
    assert.deepEqual(second.map((m) => [m.type, m.lastTransitionTime, m.observedGeneration]), [["Accepted", "T1", 2], ["Programmed", "T2", 2]]);
  });

  it("counts attached routes per listener and writes route status beside other controllers'", () => {
    const gw = gateway("infra", "gw", [http("a", 80, { allowedRoutes: { namespaces: { from: "All" } } }), http("b", 8080)]);
    const objects = objectsOf(gatewayClass("contour"), gw, service("apps", "web", [{ port: 80 }]));
    const gr = reconcileGateway(objects, gw, { assignedAddresses: [{ value: "198.18.0.1" }] });
    assert.ok(gr.ours);
    const routes = ["r1", "r2"].map((n) => reconcileHTTPRoute(objects, httpRoute("apps", n, [{ name: "gw", namespace: "infra" }], [{ backendRefs: [{ name: "web", port: 80 }] }]), { gateways: () => gr }));
    const counts = countAttachedRoutes(routes);
    assert.deepEqual(listenerOwnHostnames(gr.model), [{ listener: "Gateway/infra/gw/a", fqdn: "*" }, { listener: "Gateway/infra/gw/b", fqdn: "*" }]);
    const st = gatewayStatus(gr, counts, [{ type: "IPAddress", value: "198.18.0.1" }], undefined, { generation: 1, now: "T" });
    assert.deepEqual(st.listeners?.map((l) => [l.name, l.attachedRoutes]), [["a", 2], ["b", 0]]);
    assert.deepEqual(st.addresses, [{ type: "IPAddress", value: "198.18.0.1" }]);
    const theirs = { parentRef: { name: "x" }, controllerName: "example.com/other", conditions: [] };
    const rs = httpRouteStatus(routes[0]!, "projectcontour.io/gateway-controller", { parents: [theirs, { parentRef: { name: "removed" }, controllerName: "projectcontour.io/gateway-controller", conditions: [] }] }, { generation: 1, now: "T" });
    assert.deepEqual(rs.parents.map((p) => [p.controllerName, p.parentRef.name]), [["example.com/other", "x"], ["projectcontour.io/gateway-controller", "gw"]]);
  });
});
