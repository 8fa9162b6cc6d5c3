import { strict as assert } from "node:assert";
import { clone } from "@bufbuild/protobuf";
import { ClusterSchema } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { TypeUrl } from "../resources.js";
import { createSnapshot } from "./snapshot.js";
import { InconsistentSnapshotError } from "./snapshot-error.js";
import { cluster, endpoints, listener, resources, routeConfig } from "./testing/fixtures.js";

const base = () =>
  resources({
    listeners: [listener("ingress_http", "ingress_http")],
    routes: [routeConfig("ingress_http", [{ prefix: "/", to: "a" }])],
    clusters: [cluster("a"), cluster("b")],
    endpoints: [endpoints("a", ["127.0.0.1:1"]), endpoints("b", ["127.0.0.1:2"])],
  });

describe("createSnapshot", () => {
  it("gives equal content equal versions, independent of object identity and list order", () => {
    const one = createSnapshot(base());
    const parts = base();
    const two = createSnapshot({ ...parts, clusters: [...parts.clusters].reverse() });
    assert.equal(one.version, two.version);
    for (const url of Object.values(TypeUrl)) assert.equal(one.types[url].version, two.types[url].version);
    assert.equal(one.types[TypeUrl.cluster].resources.get("a")?.version, two.types[TypeUrl.cluster].resources.get("a")?.version);
  });

  it("changes only the versions of what changed", () => {
    const one = createSnapshot(base());
    const parts = base();
    const two = createSnapshot({ ...parts, clusters: [cluster("a", { connectTimeoutSeconds: 5 }), cluster("b")] });
    const c1 = one.types[TypeUrl.cluster];
    const c2 = two.types[TypeUrl.cluster];
    assert.notEqual(c1.resources.get("a")?.version, c2.resources.get("a")?.version);
    assert.equal(c1.resources.get("b")?.version, c2.resources.get("b")?.version);
    assert.notEqual(c1.version, c2.version);
    assert.equal(one.types[TypeUrl.endpoint].version, two.types[TypeUrl.endpoint].version);
    assert.equal(one.types[TypeUrl.listener].version, two.types[TypeUrl.listener].version);
    assert.notEqual(one.version, two.version);
  });

  it("changes the type version when a resource is removed", () => {
    const one = createSnapshot(base());
    const parts = base();
    const two = createSnapshot({ ...parts, clusters: [cluster("a")], endpoints: [endpoints("a", ["127.0.0.1:1"])] });
    assert.notEqual(one.types[TypeUrl.cluster].version, two.types[TypeUrl.cluster].version);
    assert.deepEqual([...two.types[TypeUrl.cluster].resources.keys()], ["a"]);
  });

  it("serves resources in name order with the Any form of their encoding", () => {
    const parts = base();
    const snapshot = createSnapshot({ ...parts, clusters: [cluster("b"), cluster("a")] });
    const served = [...snapshot.types[TypeUrl.cluster].resources.values()];
    assert.deepEqual(served.map((r) => r.name), ["a", "b"]);
    assert.equal(served[0]?.any.typeUrl, TypeUrl.cluster);
    assert.deepEqual(served[0]?.any.value, served[0]?.bytes);
    assert.equal(served[0]?.version.length, 16);
  });

  it("reuses the encoding of a message object carried over from the previous snapshot", () => {
    const parts = base();
    const one = createSnapshot(parts);
    const two = createSnapshot(parts, { previous: one });
    assert.equal(two.types[TypeUrl.cluster].resources.get("a"), one.types[TypeUrl.cluster].resources.get("a"));
    const copy = clone(ClusterSchema, parts.clusters[0]!);
    const three = createSnapshot({ ...parts, clusters: [copy, parts.clusters[1]!] }, { previous: one });
    const a3 = three.types[TypeUrl.cluster].resources.get("a");
    assert.notEqual(a3, one.types[TypeUrl.cluster].resources.get("a"));
    assert.equal(a3?.version, one.types[TypeUrl.cluster].resources.get("a")?.version);
  });

  it("refuses an inconsistent set, listing every problem", () => {
    const parts = base();
    assert.throws(
      () => createSnapshot({ ...parts, endpoints: [], routes: [] }),
      (err: unknown) => {
        assert.ok(err instanceof InconsistentSnapshotError);
        assert.equal(err.code, "inconsistent_snapshot");
        assert.equal(err.problems.length, 3);
        assert.match(err.message, /3 consistency problems/);
        assert.match(err.message, /ClusterLoadAssignment "a"/);
        assert.match(err.message, /RouteConfiguration "ingress_http"/);
        return true;
      },
    );
  });

  it("refuses a resource of the wrong type in a list", () => {
    const parts = base();
    assert.throws(() => createSnapshot({ ...parts, secrets: [cluster("x") as never] }), /secret list holds a envoy.config.cluster.v3.Cluster/);
  });
});
