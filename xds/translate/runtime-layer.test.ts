import { strict as assert } from "node:assert";
import { create } from "@bufbuild/protobuf";
import { ListenerSchema } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { createSnapshot } from "../cache/index.js";
import { TypeUrl, type EnvoyResources } from "../resources.js";
import { DYNAMIC_RUNTIME_LAYER, runtimeValues, translateRuntimeLayer, withRuntimeLayer } from "./runtime-layer.js";

const empty: EnvoyResources = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };

describe("RTDS runtime layer", () => {
  it("has only the keys of settings that are set, one connection limit per listener, sorted", () => {
    assert.deepEqual(runtimeValues({}, ["ingress_http"]), []);
    assert.deepEqual(runtimeValues({ maxRequestsPerIoCycle: 10, maxConnectionsPerListener: 5 }, ["ingress_https", "ingress_http"]), [
      ["envoy.resource_limits.listener.ingress_http.connection_limit", 5],
      ["envoy.resource_limits.listener.ingress_https.connection_limit", 5],
      ["http.max_requests_per_io_cycle", 10],
    ]);
    assert.deepEqual(runtimeValues({ maxConnectionsPerListener: 0 }, ["ingress_http"]), []);
  });

  it("is one Runtime named dynamic, empty when nothing is set", () => {
    const layer = translateRuntimeLayer({}, ["ingress_http"]);
    assert.equal(layer.name, DYNAMIC_RUNTIME_LAYER);
    assert.deepEqual(layer.layer, {});
    assert.deepEqual(translateRuntimeLayer({ maxRequestsPerIoCycle: 3 }, []).layer, { "http.max_requests_per_io_cycle": 3 });
  });

  it("is served in the snapshot, and a set without runtimes still serves an empty dynamic layer", () => {
    const listeners = [create(ListenerSchema, { name: "ingress_http" })];
    const withLayer = createSnapshot(withRuntimeLayer({ ...empty, listeners }, { maxConnectionsPerListener: 7 }));
    const served = withLayer.types[TypeUrl.runtime].resources.get("dynamic");
    assert.ok(served !== undefined);
    const bare = createSnapshot(empty).types[TypeUrl.runtime];
    assert.deepEqual([...bare.resources.keys()], ["dynamic"]);
    assert.notEqual(bare.version, withLayer.types[TypeUrl.runtime].version);
  });

  it("lists the layer as a change only when its values differ from the last one published", () => {
    const listeners = [create(ListenerSchema, { name: "ingress_http" })];
    const previous = translateRuntimeLayer({ maxConnectionsPerListener: 7 }, ["ingress_http"]);
    const last = { from: empty, published: { ...empty, runtimes: [previous] } };
    const derived: EnvoyResources = { ...empty, listeners, changes: { from: empty, lists: {} } };
    const same = withRuntimeLayer(derived, { maxConnectionsPerListener: 7 }, last);
    assert.equal(same.runtimes?.[0], previous);
    assert.equal(same.changes?.lists.runtimes, undefined);
    // Re-based on what was published, so the snapshot is updated incrementally from it.
    assert.equal(same.changes?.from, last.published);
    const more = withRuntimeLayer({ ...derived, listeners: [...listeners, create(ListenerSchema, { name: "ingress_https" })] }, { maxConnectionsPerListener: 7 }, last);
    assert.equal(more.changes?.lists.runtimes?.upserted.length, 1);
  });
});
