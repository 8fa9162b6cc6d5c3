import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { createPipeline } from "../pipeline/pipeline.js";
import { createFakeClock } from "../runtime/fake-clock.js";
import type { StatusUpdate, StatusWriter } from "../status/index.js";
import { createHTTPProxyStatusSync } from "./httpproxy-status.js";
import { port, service } from "../../controllers/source/testdata/fixtures.js";
import { httpProxy, prefixRoute, rootProxy, to } from "../../controllers/httpproxy/testdata/fixtures.js";

/** A writer that records what it is asked to write, applying the update to the object given. */
function fakeWriter() {
  const writes: { name: string; update: StatusUpdate }[] = [];
  const writer: StatusWriter = {
    updateIngressLoadBalancer: () => undefined,
    updateCustomStatus: (_g, _v, _p, _ns, name, update) => void writes.push({ name, update }),
    dropPending: () => undefined,
    flush: async () => undefined,
    stop: () => undefined,
  };
  return { writer, writes };
}

function setup() {
  const pipeline = createPipeline({ translate: {} });
  const { writer, writes } = fakeWriter();
  let leader = true;
  const clock = createFakeClock(Date.parse("2026-01-01T00:00:00Z"));
  const sync = createHTTPProxyStatusSync({ pipeline, writer, isLeader: () => leader, statusAddresses: ["192.0.2.1"], envoyService: { namespace: "projectcontour", name: "envoy" }, clock });
  const add = (...objects: KubernetesObject[]): void => {
    for (const o of objects) pipeline.apply(o.kind as "HTTPProxy", "update", o);
  };
  return { pipeline, sync, writes, add, setLeader: (v: boolean) => (leader = v) };
}

const web = service("web", [port(80)]);

describe("HTTPProxy status sync", () => {
  it("writes changed statuses once, and not again for an unchanged view", () => {
    const t = setup();
    t.add(web, rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { generation: 1 }), httpProxy("orphan", { routes: [] }, { generation: 1 }));
    t.sync.changed(t.pipeline.build().httpProxyStatuses);
    assert.deepEqual(t.writes.map((w) => w.name), ["a", "orphan"]);
    const update = t.writes[0]?.update;
    assert.equal(typeof update, "function");
    const status = typeof update === "function" ? update({ metadata: { name: "a" }, status: { currentStatus: "NotReconciled" } }) : undefined;
    assert.deepEqual(status, {
      currentStatus: "valid",
      description: "Valid HTTPProxy",
      loadBalancer: { ingress: [{ ip: "192.0.2.1" }] },
      conditions: [{ type: "Valid", status: "True", observedGeneration: 1, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Valid", message: "Valid HTTPProxy" }],
    });
    // The same views again (a new leader term aside) are not written twice.
    t.sync.changed(t.pipeline.httpProxyStatuses());
    assert.equal(t.writes.length, 2);
  });

  it("skips objects whose status already says it, and rewrites everything on a new leader term only where needed", () => {
    const t = setup();
    const root = rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { generation: 2 });
    t.add(web, root);
    const first = t.pipeline.build().httpProxyStatuses;
    t.setLeader(false);
    t.sync.changed(first);
    assert.equal(t.writes.length, 0, "a follower writes nothing");
    // The object already carries the right status (another replica wrote it): a new leader leaves it alone.
    const current = {
      currentStatus: "valid",
      description: "Valid HTTPProxy",
      loadBalancer: { ingress: [{ ip: "192.0.2.1" }] },
      conditions: [{ type: "Valid", status: "True", observedGeneration: 2, lastTransitionTime: "2025-12-31T00:00:00Z", reason: "Valid", message: "Valid HTTPProxy" }],
    };
    t.add({ ...root, metadata: { ...root.metadata, resourceVersion: "5" }, status: current } as KubernetesObject);
    t.setLeader(true);
    t.sync.startedLeading();
    assert.equal(t.writes.length, 0);
    t.add(httpProxy("orphan", { routes: [] }, { generation: 1 }));
    t.sync.changed(t.pipeline.build().httpProxyStatuses);
    assert.deepEqual(t.writes.map((w) => w.name), ["orphan"]);
  });
});
