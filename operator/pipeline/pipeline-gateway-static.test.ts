// Static Gateway mode (gateway.gatewayRef): the named Gateway is served whatever its class, another
// Gateway (even of our own class) is not, and no GatewayClass is reconciled or given status.
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { createPipeline } from "./pipeline.js";
import { port, service } from "../../controllers/source/testdata/fixtures.js";

const OURS = "projectcontour.io/gateway-controller";
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

function setup(gatewayRef: { namespace: string; name: string }) {
  const pipeline = createPipeline({
    translate: {},
    gateway: { controllerName: OURS, gatewayRef, portRange: { min: 10000, max: 10009 }, envoySelector: { app: "envoy" }, envoyService: { namespace: "projectcontour", name: "envoy" } },
  });
  const add = (...objects: KubernetesObject[]): void => {
    for (const o of objects) pipeline.apply(o.kind as Parameters<typeof pipeline.apply>[0], "add", o);
  };
  return { pipeline, add };
}

describe("pipeline: static Gateway mode (gatewayRef)", () => {
  it("serves the named Gateway of another controller's class, not another Gateway of our class", () => {
    const t = setup({ namespace: "gw", name: "theirs" });
    t.add(service("echo", [port(80)], { namespace: "gw" }), gatewayClass("contour", OURS), gatewayClass("other", "example.com/other"));
    t.add(gateway("web", "contour"), gateway("theirs", "other"), route("echo", "web", "gw.example.com"), route("theirs", "theirs", "theirs.example.com"));
    const r = t.pipeline.build();
    assert.deepEqual(r.resources.listeners.map((l) => l.name), ["gateway/gw/theirs/80", "ingress_http"]);
    const state = t.pipeline.gatewayState();
    assert.deepEqual(state.classes, [], "no GatewayClass is reconciled in static mode");
    assert.deepEqual(state.gateways.map((g) => [g.result.source.name, g.result.conditions.find((c) => c.type === "Accepted")?.status]), [["theirs", "True"]]);
    assert.deepEqual(state.routes.filter((x) => x.result.parents.length > 0).map((x) => x.route.metadata?.name), ["theirs"]);
  });

  it("serves the named Gateway even when its class does not exist, and nothing when the Gateway does not", () => {
    const t = setup({ namespace: "gw", name: "lonely" });
    t.add(service("echo", [port(80)], { namespace: "gw" }), gateway("lonely", "missing-class"), route("r", "lonely", "l.example.com"));
    assert.deepEqual(t.pipeline.build().resources.listeners.map((l) => l.name), ["gateway/gw/lonely/80", "ingress_http"]);
    const none = setup({ namespace: "gw", name: "absent" });
    none.add(gatewayClass("contour", OURS), gateway("web", "contour"));
    assert.deepEqual(none.pipeline.build().resources.listeners.map((l) => l.name), ["ingress_http"]);
  });
});
