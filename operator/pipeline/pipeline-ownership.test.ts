// The pipeline with an Ingress on another namespace's HTTPProxy host: what it serves, and who is told.
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { createPipeline, type Pipeline } from "./pipeline.js";
import { createPipelineMetrics } from "./metrics.js";
import { formatKey } from "../../controllers/source/object-cache.js";
import { ingress, path, port, rule, service } from "../../controllers/source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "../../controllers/httpproxy/testdata/fixtures.js";

const kindOf = (o: KubernetesObject) => o.kind as Parameters<Pipeline["apply"]>[0];

describe("pipeline: host ownership across APIs", () => {
  const owner = rootProxy("app-a", "a.sec.test", { routes: [prefixRoute("/", [to("svc-a", 80)])] }, { namespace: "tenant-a" });
  const intruder = ingress("hijack", { rules: [rule("a.sec.test", path("/hijack", "svc-b", 80))] }, { namespace: "tenant-b" });

  function setup() {
    const pipeline = createPipeline({ translate: {} });
    const add = (...objects: KubernetesObject[]): void => {
      for (const o of objects) pipeline.apply(kindOf(o), "add", o);
    };
    add(service("svc-a", [port(80)], { namespace: "tenant-a" }), service("svc-b", [port(80)], { namespace: "tenant-b" }));
    const routes = (): string[] => (pipeline.model().virtualHosts.find((v) => v.fqdn === "a.sec.test")?.routes ?? []).map((r) => `${r.match.path.value}<-${r.source.namespace}`);
    return { pipeline, add, routes };
  }

  it("reports an Ingress refused when the owner comes later, though the Ingress itself did not change", async () => {
    const t = setup();
    t.add(intruder);
    t.pipeline.build();
    assert.deepEqual(t.routes(), ["/hijack<-tenant-b"]);
    t.add(owner);
    const r = t.pipeline.build();
    assert.deepEqual(t.routes(), ["/<-tenant-a"]);
    // The Ingress is in `reconciled` (so it is logged) with the reason and the owner's name.
    const ing = r.reconciled.find((x) => formatKey(x.key) === "Ingress/tenant-b/hijack");
    assert.deepEqual(ing?.conditions?.map((c) => c.reason), ["HostOwnedByAnotherNamespace"]);
    assert.match(ing?.conditions?.[0]?.message ?? "", /owned by HTTPProxy tenant-a\/app-a/u);
    // The owner stays valid, with a warning naming the intruder.
    const view = r.httpProxyStatuses.find((s) => s.key.name === "app-a")?.view;
    assert.equal(view?.currentStatus, "valid");
    assert.deepEqual(view?.warnings.map((w) => [w.type, w.reason]), [["VirtualHostError", "ForeignRoutesRefused"]]);
    assert.match(view?.warnings[0]?.message ?? "", /Ingress tenant-b\/hijack/u);
    // The gauge counts the refused Ingress.
    const registry = new Registry();
    createPipelineMetrics(registry).countSources(t.pipeline);
    assert.match(await registry.metrics(), /contour_host_ownership_refusals\{kind="Ingress"\} 1/u);
  });

  it("tells the owner when the intruder comes, and takes the warning back when it goes", () => {
    const t = setup();
    t.add(owner);
    t.pipeline.build();
    t.add(intruder);
    const r = t.pipeline.build();
    assert.deepEqual(r.httpProxyStatuses.map((s) => s.view?.warnings.map((w) => w.reason)), [["ForeignRoutesRefused"]]);
    t.pipeline.apply("Ingress", "delete", intruder);
    const back = t.pipeline.build();
    assert.deepEqual(back.httpProxyStatuses.map((s) => [s.key.name, s.view?.warnings.length]), [["app-a", 0]]);
    assert.deepEqual(t.routes(), ["/<-tenant-a"]);
  });

  it("leaves an unrelated Ingress out of the next build's report", () => {
    const t = setup();
    t.add(owner, intruder);
    t.pipeline.build();
    t.add(ingress("other", { rules: [rule("b.sec.test", path("/", "svc-b", 80))] }, { namespace: "tenant-b" }));
    const r = t.pipeline.build();
    assert.deepEqual(r.reconciled.map((x) => formatKey(x.key)), ["Ingress/tenant-b/other"]);
    assert.deepEqual(r.httpProxyStatuses, []);
  });
});
