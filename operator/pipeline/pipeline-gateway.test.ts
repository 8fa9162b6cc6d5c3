// The pipeline with Gateway API objects: a Gateway of our class and its HTTPRoute become an Envoy
// listener on the allocated port beside ingress_http; another controller's class is ignored; the
// owned Service is wanted, and its load-balancer address makes the Gateway Programmed.
import assert from "node:assert/strict";
import type { KubernetesObject, V1Service } from "@kubernetes/client-node";
import { createPipeline } from "./pipeline.js";
import { port, service } from "../../controllers/source/testdata/fixtures.js";

const gatewayClass = (name: string, controllerName: string): KubernetesObject => ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name, generation: 1 }, spec: { controllerName } } as KubernetesObject);
const gateway = (name: string, className: string): KubernetesObject =>
  ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name, namespace: "gw", generation: 1, uid: `uid-${name}` }, spec: { gatewayClassName: className, listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } }) as KubernetesObject;
const route = (name: string, parent: string, host: string): KubernetesObject =>
  ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace: "gw", generation: 1 },
    spec: { parentRefs: [{ name: parent }], hostnames: [host], rules: [{ backendRefs: [{ name: "echo", port: 80 }] }] },
  }) as KubernetesObject;

function setup() {
  const pipeline = createPipeline({
    translate: {},
    gateway: { controllerName: "projectcontour.io/gateway-controller", portRange: { min: 10000, max: 10009 }, envoySelector: { app: "envoy" }, envoyService: { namespace: "projectcontour", name: "envoy" } },
  });
  const add = (...objects: KubernetesObject[]): void => {
    for (const o of objects) pipeline.apply(o.kind as Parameters<typeof pipeline.apply>[0], "add", o);
  };
  return { pipeline, add };
}

describe("pipeline: Gateway API", () => {
  it("serves a Gateway of our class on its allocated port and ignores another controller's", () => {
    const t = setup();
    t.add(service("echo", [port(80)], { namespace: "gw" }), gatewayClass("contour", "projectcontour.io/gateway-controller"), gatewayClass("other", "example.com/other"));
    t.add(gateway("web", "contour"), gateway("theirs", "other"), route("echo", "web", "gw.example.com"), route("theirs", "theirs", "theirs.example.com"));
    const r = t.pipeline.build();
    assert.ok(r.gatewayChanged);
    const names = r.resources.listeners.map((l) => l.name);
    assert.deepEqual(names, ["gateway/gw/web/80", "ingress_http"]);
    const gl = r.resources.listeners.find((l) => l.name === "gateway/gw/web/80");
    const addr = gl?.address?.address;
    assert.equal(addr?.case === "socketAddress" ? addr.value.portSpecifier.value : undefined, 10000);
    const rc = r.resources.routes.find((x) => x.name === "gateway/gw/web/80");
    assert.deepEqual(rc?.virtualHosts.map((v) => [v.name, v.domains, v.routes.map((x) => x.name)]), [
      ["Gateway/gw/web/http/*", ["*"], []],
      ["Gateway/gw/web/http/gw.example.com", ["gw.example.com", "gw.example.com:*"], ["httproute/gw/echo/rule/0/match/0"]],
    ]);
    const state = t.pipeline.gatewayState();
    assert.deepEqual(state.classes.map((c) => c.gatewayClass.metadata?.name), ["contour"]);
    assert.deepEqual(state.gateways.map((g) => g.result.source.name), ["web"]);
    assert.deepEqual(state.routes.filter((x) => x.result.parents.length > 0).map((x) => x.route.metadata?.name), ["echo"]);
    assert.deepEqual(state.services.map((s) => [s.metadata?.name, s.spec?.ports?.map((p) => [p.port, p.targetPort])]), [["envoy-web", [[80, 10000]]]]);
    // No address yet: accepted, not programmed.
    const programmed = state.gateways[0]?.result.conditions.find((c) => c.type === "Programmed");
    assert.equal(programmed?.status, "False");
  });

  it("makes the Gateway Programmed once its Service has a load-balancer address, keeping the port", () => {
    const t = setup();
    t.add(service("echo", [port(80)], { namespace: "gw" }), gatewayClass("contour", "projectcontour.io/gateway-controller"), gateway("web", "contour"));
    t.pipeline.build();
    const wanted = t.pipeline.gatewayState().services[0] as V1Service;
    const owned: V1Service = { ...wanted, spec: { ...wanted.spec, ports: [{ port: 80, targetPort: 10007 as never, protocol: "TCP" }] }, status: { loadBalancer: { ingress: [{ ip: "198.19.255.1" }] } } };
    t.add({ ...owned, kind: "Service" } as KubernetesObject);
    const r = t.pipeline.build();
    assert.ok(r.gatewayChanged);
    const g = t.pipeline.gatewayState().gateways[0];
    assert.equal(g?.result.conditions.find((c) => c.type === "Programmed")?.status, "True");
    assert.deepEqual(g?.addresses, [{ type: "IPAddress", value: "198.19.255.1" }]);
    // The allocation recorded in the Service (10007) is kept.
    assert.deepEqual(t.pipeline.gatewayState().listeners.map((l) => [l.name, l.port]), [["gateway/gw/web/80", 10007]]);
  });

  it("changes nothing for Ingress and HTTPProxy when there is no Gateway API object", () => {
    const t = setup();
    t.add(service("echo", [port(80)], { namespace: "gw" }));
    const r = t.pipeline.build();
    assert.deepEqual(r.resources.listeners.map((l) => l.name), ["ingress_http"]);
    assert.equal(t.pipeline.model().gatewayListeners, undefined);
  });
});
