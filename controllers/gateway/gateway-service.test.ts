import assert from "node:assert/strict";
import type { V1Service } from "@kubernetes/client-node";
import { allocationsFromServices, desiredGatewayService, gatewayAddresses, staleGatewayServices } from "./gateway-service.js";
import { allocateGatewayPorts } from "./port-allocation.js";
import { reconcileGateway } from "./reconcile-gateway.js";
import { gateway, gatewayClass, http, https, objectsOf, secret } from "./testdata/fixtures.js";

describe("the owned Gateway Service", () => {
  const gw = gateway("infra", "public", [http("http", 80), https("https", "cert", 443)], { infrastructure: { labels: { team: "edge", "gateway.networking.k8s.io/gateway-name": "spoof" }, annotations: { "example.com/lb": "internal" } }, addresses: [{ value: "198.18.0.50" }] }, { uid: "u-1" });
  const r = reconcileGateway(objectsOf(gatewayClass("contour"), gw, secret("infra", "cert")), gw, { assignedAddresses: [{ value: "198.18.0.50" }] });
  assert.ok(r.ours);
  const claims = [...new Set(r.model.map((l) => l.port))].map((port) => ({ gateway: "infra/public", port }));
  const allocations = allocateGatewayPorts(claims, [], { min: 10000, max: 10100 }).allocations;
  const svc = desiredGatewayService(gw, r, allocations, { envoySelector: { app: "envoy" } });

  it("maps listener ports to allocated Envoy ports, owned by the Gateway, with infrastructure labels and annotations", () => {
    assert.equal(svc.metadata?.name, "envoy-public");
    assert.deepEqual(svc.metadata?.labels, { team: "edge", "gateway.networking.k8s.io/gateway-name": "public", "app.kubernetes.io/managed-by": "contour" });
    assert.deepEqual(svc.metadata?.annotations, { "example.com/lb": "internal" });
    assert.deepEqual(svc.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]), [["Gateway", "public", "u-1", true]]);
    assert.deepEqual(svc.spec?.ports?.map((p) => [p.name, p.port, p.targetPort]), [["http-80", 80, 10000], ["https-443", 443, 10001]]);
    assert.equal(svc.spec?.type, "LoadBalancer");
    assert.equal(svc.spec?.loadBalancerIP, "198.18.0.50");
  });

  it("reads allocations back from owned Services, so a restart keeps them", () => {
    const previous = allocationsFromServices([svc]);
    assert.deepEqual(previous, allocations);
    assert.deepEqual(allocateGatewayPorts([...claims, { gateway: "a/first", port: 80 }], previous, { min: 10000, max: 10100 }).allocations.filter((a) => a.gateway === "infra/public"), allocations);
  });

  it("takes addresses from the load-balancer status and finds stale Services", () => {
    const withStatus: V1Service = { ...svc, status: { loadBalancer: { ingress: [{ ip: "198.18.0.50" }, { hostname: "lb.example" }] } } };
    assert.deepEqual(gatewayAddresses(withStatus), [{ type: "IPAddress", value: "198.18.0.50" }, { type: "Hostname", value: "lb.example" }]);
    assert.deepEqual(gatewayAddresses(undefined), []);
    assert.deepEqual(staleGatewayServices([svc], new Set(["infra/public"])), []);
    assert.deepEqual(staleGatewayServices([svc], new Set()).map((s) => s.metadata?.name), ["envoy-public"]);
    const foreign: V1Service = { metadata: { namespace: "infra", name: "x", labels: { "gateway.networking.k8s.io/gateway-name": "public" } } };
    assert.deepEqual(staleGatewayServices([foreign], new Set()), []);
  });
});
