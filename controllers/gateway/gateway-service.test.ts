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
    assert.deepEqual(svc.metadata?.annotations, { "example.com/lb": "internal", "lbipam.cilium.io/ips": "198.18.0.50" });
    assert.deepEqual(svc.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]), [["Gateway", "public", "u-1", true]]);
    assert.deepEqual(svc.spec?.ports?.map((p) => [p.name, p.port, p.targetPort]), [["http-80", 80, 10000], ["https-443", 443, 10001]]);
    assert.equal(svc.spec?.type, "LoadBalancer");
    assert.equal(svc.spec?.loadBalancerIP, "198.18.0.50");
  });

  it("asks for several requested IPs through the annotation only, and clears spec.loadBalancerIP without a single one", () => {
    const two = gateway("infra", "public", [http("http", 80)], { addresses: [{ value: "198.19.254.1" }, { value: "198.19.255.201" }], infrastructure: { annotations: { "lbipam.cilium.io/ips": "198.19.255.9" } } });
    const r2 = reconcileGateway(objectsOf(gatewayClass("contour"), two), two, {});
    assert.ok(r2.ours);
    const s2 = desiredGatewayService(two, r2, allocations, { envoySelector: { app: "envoy" } });
    // spec.addresses wins over an infrastructure annotation of the same name.
    assert.equal(s2.metadata?.annotations?.["lbipam.cilium.io/ips"], "198.19.254.1,198.19.255.201");
    assert.ok("loadBalancerIP" in (s2.spec ?? {}));
    assert.equal(s2.spec?.loadBalancerIP, undefined);
    assert.equal(JSON.parse(JSON.stringify(s2)).spec.loadBalancerIP, undefined);
    const none = gateway("infra", "public", [http("http", 80)]);
    const r0 = reconcileGateway(objectsOf(gatewayClass("contour"), none), none, {});
    assert.ok(r0.ours);
    assert.deepEqual(desiredGatewayService(none, r0, allocations, { envoySelector: { app: "envoy" } }).metadata?.annotations, {});
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
