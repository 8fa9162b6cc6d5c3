// One source's unencodable piece costs only that source: the rebuild completes for everyone else.
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { createPipeline, type Pipeline } from "./pipeline.js";
import { createSnapshot } from "../../xds/cache/index.js";
import { port, service } from "../../controllers/source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "../../controllers/httpproxy/testdata/fixtures.js";
import { formatKey } from "../../controllers/source/object-cache.js";
import type { EnvoyResources } from "../../xds/resources.js";

const kindOf = (o: KubernetesObject) => o.kind as Parameters<Pipeline["apply"]>[0];
const svcA = service("svc-a", [port(80)], { namespace: "tenant-a" });
const svcB = service("svc-b", [port(80)], { namespace: "tenant-a" });
const svcC = service("web", [port(80)], { namespace: "tenant-c" });

function setup(testFaults?: Parameters<typeof createPipeline>[0]["testFaults"]) {
  const pipeline = createPipeline({ translate: {}, testFaults });
  const add = (...objects: KubernetesObject[]): void => {
    for (const o of objects) pipeline.apply(kindOf(o), "add", o);
  };
  return { pipeline, add };
}

const hostsOf = (resources: EnvoyResources): string[] => resources.routes.flatMap((r) => r.virtualHosts.map((v) => `${r.name}:${v.name}`)).sort();
const status = (p: Pipeline, name: string) => p.httpProxyStatuses().find((s) => s.key.name === name)?.view;

describe("pipeline: isolation of what cannot be encoded", () => {
  it("a weight of 2^32 costs only its own proxy, whoever refuses it (validator or encoder)", () => {
    const t = setup();
    const bad = rootProxy("bad", "a.test", { routes: [prefixRoute("/", [to("svc-a", 80, { weight: 4294967296 }), to("svc-b", 80, { weight: 1 })])] }, { namespace: "tenant-a" });
    const good = rootProxy("good", "c.test", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "tenant-c" });
    t.add(svcA, svcB, svcC, bad, good);
    const r = t.pipeline.build();
    assert.doesNotThrow(() => createSnapshot(r.resources), "the resources encode");
    assert.deepEqual(hostsOf(r.resources), ["ingress_http:c.test"]);
    assert.equal(status(t.pipeline, "bad")?.currentStatus, "invalid");
    assert.equal(status(t.pipeline, "good")?.currentStatus, "valid");
  });

  it("an unencodable host below the validators: its source quarantined, named, and tried again when it changes", () => {
    const t = setup({ unencodableHosts: ["a.test"] });
    const a = rootProxy("a", "a.test", { routes: [prefixRoute("/", [to("svc-a", 80)])] }, { namespace: "tenant-a" });
    const c = rootProxy("good", "c.test", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "tenant-c" });
    t.add(svcA, svcC, a, c);
    const r = t.pipeline.build();
    assert.doesNotThrow(() => createSnapshot(r.resources));
    assert.deepEqual(hostsOf(r.resources), ["ingress_http:c.test"]);
    assert.deepEqual(r.quarantined.map((q) => formatKey(q.key)), ["HTTPProxy/tenant-a/a"]);
    const view = status(t.pipeline, "a");
    assert.equal(view?.currentStatus, "invalid");
    const error = view?.errors[0];
    assert.equal(error?.reason, "EnvoyEncodeFailed");
    assert.equal(error?.type, "VirtualHostError");
    assert.match(error?.message ?? "", /virtualHost "a\.test" could not be encoded: cannot encode field google\.protobuf\.UInt32Value\.value to binary: invalid uint32/);
    assert.deepEqual(t.pipeline.quarantined().map((q) => q.cause), ["encode"]);

    // Another tenant's change flows while the quarantine holds.
    t.add(rootProxy("new", "d.test", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "tenant-c" }));
    assert.deepEqual(hostsOf(t.pipeline.build().resources), ["ingress_http:c.test", "ingress_http:d.test"]);
    assert.equal(t.pipeline.quarantined().length, 1);

    // The quarantined proxy changes: it is tried again (and, still faulty here, quarantined again).
    t.add(rootProxy("a", "a.test", { routes: [prefixRoute("/v2", [to("svc-a", 80)])] }, { namespace: "tenant-a", generation: 2 }));
    const again = t.pipeline.build();
    assert.deepEqual(again.released.map(formatKey), ["HTTPProxy/tenant-a/a"]);
    assert.deepEqual(again.quarantined.map((q) => formatKey(q.key)), ["HTTPProxy/tenant-a/a"]);
  });

  it("a quarantined source that is fixed is served again", () => {
    const t = setup();
    const bad = rootProxy("a", "a.test", { routes: [prefixRoute("/", [to("svc-a", 80)])] }, { namespace: "tenant-a" });
    t.add(svcA, bad);
    t.pipeline.build();
    const key = { kind: "HTTPProxy", namespace: "tenant-a", name: "a" } as const;
    assert.deepEqual(t.pipeline.quarantine([key], "nack", "Envoy rejected it"), [key]);
    const held = t.pipeline.build();
    assert.deepEqual(hostsOf(held.resources), []);
    assert.equal(status(t.pipeline, "a")?.errors[0]?.reason, "EnvoyRejected");
    t.add(rootProxy("a", "a.test", { routes: [prefixRoute("/fixed", [to("svc-a", 80)])] }, { namespace: "tenant-a" }));
    const fixed = t.pipeline.build();
    assert.deepEqual(fixed.released.map(formatKey), ["HTTPProxy/tenant-a/a"]);
    assert.deepEqual(hostsOf(fixed.resources), ["ingress_http:a.test"]);
    assert.equal(status(t.pipeline, "a")?.currentStatus, "valid");
  });

  it("a withdrawn source contributes its previous fragment until restored", () => {
    const t = setup();
    t.add(svcA, rootProxy("a", "a.test", { routes: [prefixRoute("/old", [to("svc-a", 80)])] }, { namespace: "tenant-a" }));
    t.pipeline.build();
    t.add(rootProxy("a", "a.test", { routes: [prefixRoute("/new", [to("svc-a", 80)])] }, { namespace: "tenant-a" }));
    t.pipeline.build();
    const paths = (r: EnvoyResources) => r.routes.flatMap((rc) => rc.virtualHosts.flatMap((v) => v.routes.map((x) => (x.match?.pathSpecifier.value as string) ?? "")));
    t.pipeline.withdraw([{ kind: "HTTPProxy", namespace: "tenant-a", name: "a" }]);
    assert.deepEqual(paths(t.pipeline.build().resources), ["/old"]);
    assert.equal(t.pipeline.restoreWithdrawn(), 1);
    assert.deepEqual(paths(t.pipeline.build().resources), ["/new"]);
  });
});
