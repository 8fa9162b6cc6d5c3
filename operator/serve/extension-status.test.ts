import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ExtensionService } from "../../crds/types/extensionservice.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { createFakeClock } from "../runtime/fake-clock.js";
import type { StatusUpdate } from "../status/index.js";
import { createExtensionStatusSync } from "./extension-status.js";
import { port, service } from "../../controllers/source/testdata/fixtures.js";

function ext(name: string, services: unknown, generation = 1): ExtensionService {
  return { apiVersion: "projectcontour.io/v1alpha1", kind: "ExtensionService", metadata: { name, namespace: "auth", generation }, spec: { services } as ExtensionService["spec"] };
}

function setup() {
  const pipeline = createPipeline({ translate: {} });
  const writes: { path: string; update: StatusUpdate }[] = [];
  const writer = { updateCustomStatus: (g: string, v: string, p: string, ns: string, name: string, update: StatusUpdate) => void writes.push({ path: `${g}/${v}/${p}/${ns}/${name}`, update }) };
  let leader = true;
  const clock = createFakeClock(Date.parse("2026-01-01T00:00:00Z"));
  const sync = createExtensionStatusSync({ pipeline, writer, isLeader: () => leader, clock });
  const add = (...objects: KubernetesObject[]): void => objects.forEach((o) => void pipeline.apply(o.kind as "Service", "update", o));
  return { pipeline, sync, writes, add, setLeader: (v: boolean) => (leader = v) };
}

describe("ExtensionService status sync", () => {
  it("writes the Valid condition once per change, only as leader, and everything on becoming leader", () => {
    const t = setup();
    t.add(service("authz", [port(9000)], { namespace: "auth" }), ext("good", [{ name: "authz", port: 9000 }]), ext("bad", [{ name: "nope", port: 9000 }]));
    t.sync.changed(t.pipeline.build().extensionStatuses);
    assert.deepEqual(t.writes.map((w) => w.path), ["projectcontour.io/v1alpha1/extensionservices/auth/bad", "projectcontour.io/v1alpha1/extensionservices/auth/good"]);
    const update = t.writes[1]?.update;
    const status = typeof update === "function" ? update({ metadata: { name: "good" } }) : undefined;
    assert.deepEqual(status, {
      conditions: [{ type: "Valid", status: "True", observedGeneration: 1, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Valid", message: "Valid ExtensionService" }],
    });
    // The same views again: nothing to write.
    t.sync.changed(t.pipeline.extensionStatuses());
    assert.equal(t.writes.length, 2);
    t.setLeader(false);
    t.add(ext("bad", [{ name: "authz", port: 9000 }], 2));
    t.sync.changed(t.pipeline.build().extensionStatuses);
    assert.equal(t.writes.length, 2, "a follower writes nothing");
    t.setLeader(true);
    t.sync.startedLeading();
    assert.deepEqual(t.writes.slice(2).map((w) => w.path), ["projectcontour.io/v1alpha1/extensionservices/auth/bad", "projectcontour.io/v1alpha1/extensionservices/auth/good"]);
  });
});
