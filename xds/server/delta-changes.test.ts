import { strict as assert } from "node:assert";
import { nameMap } from "../cache/name-map.js";
import { RESOURCE_TYPES } from "../cache/resource-types.js";
import type { SnapshotResource, TypeSnapshot } from "../cache/snapshot.js";
import type { DeltaDiscoveryResponse } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { TypeUrl } from "../resources.js";
import { createKnownVersions, changesSince, diffNames } from "./delta-state.js";
import { createDeltaStream, type DeltaStream } from "./delta-stream.js";
import { deltaAck, deltaRequest, evolve, typesOf, world } from "./testing/streams.js";

const names = (r: DeltaDiscoveryResponse | undefined): string[] => (r === undefined ? [] : r.resources.map((x) => x.name));

// Answers every response with an ACK until nothing more comes; returns every response seen.
function ackAll(stream: DeltaStream, responses: readonly DeltaDiscoveryResponse[]): DeltaDiscoveryResponse[] {
  const seen: DeltaDiscoveryResponse[] = [];
  const queue = [...responses];
  for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
    seen.push(r);
    queue.push(...stream.handleRequest(deltaAck(r)).responses);
  }
  return seen;
}

function established(snapshot: ReturnType<typeof world>, edsNames: string[]): DeltaStream {
  const stream = createDeltaStream();
  stream.handleSnapshot(snapshot);
  ackAll(stream, [
    ...stream.handleRequest(deltaRequest(TypeUrl.cluster, { node: "envoy-1" })).responses,
    ...stream.handleRequest(deltaRequest(TypeUrl.endpoint, { subscribe: edsNames })).responses,
    ...stream.handleRequest(deltaRequest(TypeUrl.listener)).responses,
    ...stream.handleRequest(deltaRequest(TypeUrl.route, { subscribe: ["ingress_http"] })).responses,
  ]);
  return stream;
}

describe("snapshot change lists", () => {
  it("record the changed names of a derived type, and keep unchanged types as they were", () => {
    const s0 = world({ clusters: ["a", "b", "c"] });
    const s1 = evolve(s0, { clusters: ["a", "b", "d"], timeouts: { a: 7 } });
    const clusters = s1.types[TypeUrl.cluster];
    assert.equal(clusters.changedFrom?.previous.deref(), s0.types[TypeUrl.cluster]);
    assert.deepEqual([...(clusters.changedFrom?.names ?? [])].sort(), ["a", "c", "d"]);
    assert.equal(s1.types[TypeUrl.listener], s0.types[TypeUrl.listener], "an unchanged type is the same object");
    assert.equal(changesSince(s0.types[TypeUrl.cluster], clusters), clusters.changedFrom?.names);
    assert.equal(changesSince(undefined, clusters), "all");
    assert.equal(changesSince(world({ clusters: ["a"] }).types[TypeUrl.cluster], clusters), "all", "a stream that missed a snapshot diffs everything");
  });
});

describe("per-name delta diff", () => {
  const clusterType = RESOURCE_TYPES.find((t) => t.name === "cluster")!;
  const source = world({ clusters: ["a", "b", "c"] }).types[TypeUrl.cluster];

  it("looks only at the dirty names", () => {
    const known = createKnownVersions();
    const inputs = { type: clusterType, source, subscription: { wildcard: true, names: new Set<string>() }, retaining: false, acked: new Map(), known, refused: new Map() };
    assert.deepEqual(diffNames(inputs, new Set(["b"])).added.map((r) => r.name), ["b"], "a and c are missing too, but not dirty");
    assert.deepEqual(diffNames(inputs, "all").added.map((r) => r.name), ["a", "b", "c"]);
    known.set("gone", "1");
    assert.deepEqual(diffNames(inputs, new Set(["gone"])).removed, ["gone"]);
  });

  it("keeps what Envoy accepted while retaining, and a digest equal to the snapshot's version", () => {
    const known = createKnownVersions();
    for (const r of source.resources.values()) known.set(r.name, r.version);
    assert.equal(known.version(), source.version);
    const held: SnapshotResource = { ...source.resources.get("a")!, name: "old" };
    known.set("old", held.version);
    const acked = new Map([["old", held]]);
    const inputs = { type: clusterType, source, subscription: { wildcard: true, names: new Set<string>() }, retaining: true, acked, known, refused: new Map() };
    assert.deepEqual(diffNames(inputs, new Set(["old"])), { added: [], removed: [] });
    assert.deepEqual(diffNames({ ...inputs, retaining: false }, new Set(["old"])).removed, ["old"]);
    known.delete("old");
    assert.equal(known.version(), source.version);
    const empty: TypeSnapshot = { ...source, resources: nameMap() };
    assert.deepEqual(diffNames({ ...inputs, source: empty, retaining: false }, "all").removed, ["a", "b", "c"]);
  });
});

describe("delta stream on derived snapshots", () => {
  it("sends only the changed resources, with the snapshot type's version", () => {
    let snap = world({ clusters: ["a", "b", "c"], routes: { "/": "a" } });
    const stream = established(snap, ["a", "b", "c"]);
    snap = evolve(snap, { clusters: ["a", "b", "c"], routes: { "/": "a" }, addresses: { b: "127.0.0.1:9" } });
    const step = stream.handleSnapshot(snap);
    assert.deepEqual(typesOf(step.responses), ["ClusterLoadAssignment"]);
    assert.deepEqual(names(step.responses[0]), ["b"]);
    assert.equal(step.responses[0]?.systemVersionInfo, snap.types[TypeUrl.endpoint].version);
    assert.deepEqual(ackAll(stream, step.responses.slice(1)), []);
  });

  it("resends the endpoints of a changed cluster", () => {
    let snap = world({ clusters: ["a", "b"], routes: { "/": "a" } });
    const stream = established(snap, ["a", "b"]);
    snap = evolve(snap, { clusters: ["a", "b"], routes: { "/": "a" }, timeouts: { a: 9 } });
    const step = stream.handleSnapshot(snap);
    assert.deepEqual(typesOf(step.responses), ["Cluster", "ClusterLoadAssignment"]);
    assert.deepEqual(step.responses.map(names), [["a"], ["a"]]);
  });

  it("removes a replaced cluster only after the routes moved, then converges to the snapshot", () => {
    let snap = world({ clusters: ["a"], routes: { "/": "a" } });
    const stream = established(snap, ["a"]);
    snap = evolve(snap, { clusters: ["b"], routes: { "/": "b" } });
    const step = stream.handleSnapshot(snap);
    assert.deepEqual(typesOf(step.responses), ["Cluster"]);
    assert.deepEqual(step.responses[0]?.removedResources, [], "a stays until the routes move");
    const [eds] = stream.handleRequest(deltaRequest(TypeUrl.endpoint, { subscribe: ["b"] })).responses;
    const rest = ackAll(stream, [step.responses[0]!, eds!]);
    const rds = rest.findIndex((r) => r.typeUrl === TypeUrl.route);
    const removal = rest.findIndex((r) => r.removedResources.includes("a"));
    assert.ok(rds >= 0 && removal > rds, "removed after the routes");
    assert.deepEqual([...stream.known(TypeUrl.cluster).keys()], ["b"]);
    assert.deepEqual([...stream.known(TypeUrl.endpoint).keys()], ["b"]);
  });

  it("removes a cluster that was dropped while it was still being sent", () => {
    const s0 = world({ clusters: ["a"], routes: { "/": "a" } });
    const stream = established(s0, ["a"]);
    const s1 = evolve(s0, { clusters: ["a", "b"], routes: { "/": "a" } });
    const [cds] = stream.handleSnapshot(s1).responses;
    assert.deepEqual(names(cds), ["b"]);
    // b goes again before Envoy ACKs it, while the routes change: once accepted it is retained
    // until the routes are ACKed, then removed.
    const s2 = evolve(s1, { clusters: ["a"], routes: { "/": "a", "/x": "a" } });
    assert.deepEqual(stream.handleSnapshot(s2).responses, []);
    const seen = ackAll(stream, [cds!]);
    assert.deepEqual(typesOf(seen), ["Cluster", "RouteConfiguration", "Cluster"]);
    assert.deepEqual(seen[2]?.removedResources, ["b"]);
    assert.deepEqual([...stream.known(TypeUrl.cluster).keys()], ["a"]);
  });

  it("catches up with a full diff after missing a snapshot", () => {
    const s0 = world({ clusters: ["a", "b"], routes: { "/": "a" } });
    const stream = established(s0, ["a", "b"]);
    const s1 = evolve(s0, { clusters: ["a", "b"], routes: { "/": "a" }, addresses: { a: "127.0.0.1:7" } });
    const s2 = evolve(s1, { clusters: ["a", "b"], routes: { "/": "a" }, addresses: { a: "127.0.0.1:7", b: "127.0.0.1:8" } });
    const step = stream.handleSnapshot(s2);
    assert.deepEqual(step.responses.map(names), [["a", "b"]], "the change of s1 is not lost");
  });

  it("sends a newly subscribed name and forgets an unsubscribed one, on derived snapshots", () => {
    let snap = world({ clusters: ["a", "b"], routes: { "/": "a" } });
    const stream = established(snap, ["a"]);
    const [eds] = stream.handleRequest(deltaRequest(TypeUrl.endpoint, { subscribe: ["b"] })).responses;
    assert.deepEqual(names(eds), ["b"]);
    ackAll(stream, [eds!]);
    assert.deepEqual(stream.handleRequest(deltaRequest(TypeUrl.endpoint, { unsubscribe: ["a"] })).responses, []);
    snap = evolve(snap, { clusters: ["a", "b"], routes: { "/": "a" }, addresses: { a: "127.0.0.1:7" } });
    assert.deepEqual(stream.handleSnapshot(snap).responses, [], "a is no longer of interest");
    assert.deepEqual([...stream.known(TypeUrl.endpoint).keys()], ["b"]);
  });
});
