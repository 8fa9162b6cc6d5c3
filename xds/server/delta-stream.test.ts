import { strict as assert } from "node:assert";
import type { DeltaDiscoveryResponse } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { TypeUrl } from "../resources.js";
import { createDeltaStream, type DeltaStream } from "./delta-stream.js";
import { deltaAck, deltaRequest, typesOf, world } from "./testing/streams.js";

const names = (r: DeltaDiscoveryResponse | undefined): string[] => (r === undefined ? [] : r.resources.map((x) => x.name));

// A stream where Envoy subscribed to everything for `snapshot` and ACKed every response.
function established(snapshot: ReturnType<typeof world>, edsNames: string[]): DeltaStream {
  const stream = createDeltaStream();
  stream.handleSnapshot(snapshot);
  const queue = [
    ...stream.handleRequest(deltaRequest(TypeUrl.cluster, { node: "envoy-1" })).responses,
    ...stream.handleRequest(deltaRequest(TypeUrl.endpoint, { subscribe: edsNames })).responses,
    ...stream.handleRequest(deltaRequest(TypeUrl.listener)).responses,
    ...stream.handleRequest(deltaRequest(TypeUrl.route, { subscribe: ["ingress_http"] })).responses,
  ];
  for (let r = queue.shift(); r !== undefined; r = queue.shift()) queue.push(...stream.handleRequest(deltaAck(r)).responses);
  return stream;
}

describe("delta stream", () => {
  it("sends every resource of a wildcard subscription once, then only changes", () => {
    const stream = createDeltaStream();
    stream.handleSnapshot(world({ clusters: ["a", "b"] }));
    const [cds] = stream.handleRequest(deltaRequest(TypeUrl.cluster, { node: "n" })).responses;
    assert.deepEqual(names(cds), ["a", "b"]);
    assert.equal(stream.nodeId(), "n");
    assert.deepEqual(stream.handleRequest(deltaAck(cds!)).responses, []);
    const [changed] = stream.handleSnapshot(world({ clusters: ["a", "b"], timeouts: { b: 4 } })).responses;
    assert.deepEqual(names(changed), ["b"]);
    assert.deepEqual(changed?.removedResources, []);
  });

  it("answers an empty wildcard subscription once, so Envoy's initialisation completes", () => {
    const stream = createDeltaStream();
    stream.handleSnapshot(world({ clusters: [] }));
    const step = stream.handleRequest(deltaRequest(TypeUrl.cluster));
    assert.equal(step.responses.length, 1);
    assert.deepEqual(names(step.responses[0]), []);
    assert.deepEqual(stream.handleRequest(deltaAck(step.responses[0]!)).responses, []);
  });

  it("follows subscribe and unsubscribe, whatever the nonce", () => {
    const stream = createDeltaStream();
    stream.handleSnapshot(world({ clusters: ["a", "b", "c"] }));
    const [first] = stream.handleRequest(deltaRequest(TypeUrl.endpoint, { subscribe: ["a"] })).responses;
    assert.deepEqual(names(first), ["a"]);
    // Subscribing while a response is in flight: applied, answered after the ACK.
    assert.deepEqual(stream.handleRequest(deltaRequest(TypeUrl.endpoint, { subscribe: ["b", "c"] })).responses, []);
    const [second] = stream.handleRequest(deltaAck(first!)).responses;
    assert.deepEqual(names(second), ["b", "c"]);
    const unsub = stream.handleRequest(deltaRequest(TypeUrl.endpoint, { unsubscribe: ["b"], nonce: second!.nonce }));
    assert.deepEqual(unsub.responses, [], "unsubscribing is not answered");
    assert.deepEqual([...stream.known(TypeUrl.endpoint).keys()], ["a", "c"]);
    const changed = stream.handleSnapshot(world({ clusters: ["a", "b", "c"], addresses: { b: "127.0.0.1:5" } }));
    assert.deepEqual(changed.responses, [], "b is no longer of interest");
  });

  it("keeps explicitly subscribed names and the wildcard apart", () => {
    const stream = createDeltaStream();
    stream.handleSnapshot(world({ clusters: ["a", "b"] }));
    const [cds] = stream.handleRequest(deltaRequest(TypeUrl.cluster, { subscribe: ["*", "a"] })).responses;
    assert.deepEqual(names(cds), ["a", "b"]);
    const step = stream.handleRequest(deltaRequest(TypeUrl.cluster, { unsubscribe: ["*"], nonce: cds!.nonce }));
    assert.deepEqual(step.responses, []);
    assert.deepEqual([...stream.known(TypeUrl.cluster).keys()], ["a"]);
  });

  it("does not resend what Envoy reports holding on reconnect, and removes what is gone", () => {
    const snap = world({ clusters: ["a", "b"] });
    const a = snap.types[TypeUrl.cluster].resources.get("a")!.version;
    const stream = createDeltaStream();
    stream.handleSnapshot(snap);
    const [cds] = stream.handleRequest(deltaRequest(TypeUrl.cluster, { initial: { a, b: "old", gone: "x" } })).responses;
    assert.deepEqual(names(cds), ["b"]);
    assert.deepEqual(cds?.removedResources, [], "Envoy may still run listeners using it, and has not asked for them yet");
    // Envoy never asks for listeners: after its first ACK nothing can be waiting any more.
    const [removal] = stream.handleRequest(deltaAck(cds!)).responses;
    assert.deepEqual(names(removal), []);
    assert.deepEqual(removal?.removedResources, ["gone"]);
  });

  it("reports a NACK and sends the next good snapshot", () => {
    const stream = createDeltaStream();
    stream.handleSnapshot(world({ clusters: ["a"] }));
    const [cds] = stream.handleRequest(deltaRequest(TypeUrl.cluster)).responses;
    stream.handleRequest(deltaAck(cds!));
    const [bad] = stream.handleSnapshot(world({ clusters: ["a"], timeouts: { a: 3 } })).responses;
    const nack = stream.handleRequest(deltaRequest(TypeUrl.cluster, { nonce: bad!.nonce, error: "rejected" }));
    assert.deepEqual(nack.responses, [], "the rejected content is not resent");
    assert.deepEqual(nack.events.map((e) => e.kind), ["nack"]);
    assert.equal(nack.events[0]?.kind === "nack" ? nack.events[0].message : "", "rejected");
    const [good] = stream.handleSnapshot(world({ clusters: ["a"], timeouts: { a: 4 } })).responses;
    assert.deepEqual(names(good), ["a"]);
    assert.deepEqual(stream.handleRequest(deltaAck(good!)).events.map((e) => e.kind), ["ack"]);
  });

  it("after a NACK, resends the other resources of the rejected response with the next snapshot", () => {
    const stream = createDeltaStream();
    stream.handleSnapshot(world({ clusters: ["a", "b"] }));
    const [cds] = stream.handleRequest(deltaRequest(TypeUrl.cluster)).responses;
    stream.handleRequest(deltaAck(cds!));
    // a and b change together; Envoy rejects the response (because of a, say): it holds neither change.
    const [bad] = stream.handleSnapshot(world({ clusters: ["a", "b"], timeouts: { a: 3, b: 3 } })).responses;
    assert.deepEqual(names(bad), ["a", "b"]);
    const nack = stream.handleRequest(deltaRequest(TypeUrl.cluster, { nonce: bad!.nonce, error: "a is bad" }));
    assert.deepEqual(nack.responses, [], "the same content is not offered again at once");
    const event = nack.events[0];
    assert.ok(event?.kind === "nack");
    assert.deepEqual(event.rejected.map((r) => r.name), ["a", "b"]);
    assert.deepEqual([...event.accepted.keys()], ["a", "b"]);
    // a is withdrawn (back to what Envoy runs); b, unchanged since the NACK, must still reach Envoy.
    const [retry] = stream.handleSnapshot(world({ clusters: ["a", "b"], timeouts: { b: 3 } })).responses;
    assert.deepEqual(names(retry), ["b"]);
    const ack = stream.handleRequest(deltaAck(retry!)).events[0];
    assert.ok(ack?.kind === "ack");
    assert.deepEqual(ack.resources.map((r) => r.name), ["b"]);
  });

  it("ignores the ACK meaning of a stale nonce", () => {
    const stream = createDeltaStream();
    stream.handleSnapshot(world({ clusters: ["a"] }));
    const [cds] = stream.handleRequest(deltaRequest(TypeUrl.cluster)).responses;
    stream.handleSnapshot(world({ clusters: ["a"], timeouts: { a: 3 } }));
    const [next] = stream.handleRequest(deltaAck(cds!)).responses;
    assert.ok(next !== undefined);
    assert.deepEqual(stream.handleRequest(deltaAck(cds!)).events.map((e) => e.kind), ["stale-nonce"]);
  });

  it("sends added clusters before routes and removes old clusters only after the routes are ACKed", () => {
    const stream = established(world({ clusters: ["a"], routes: { "/": "a" } }), ["a"]);
    const step = stream.handleSnapshot(world({ clusters: ["b"], routes: { "/": "b" } }));
    assert.deepEqual(typesOf(step.responses), ["Cluster"]);
    assert.deepEqual(names(step.responses[0]), ["b"]);
    assert.deepEqual(step.responses[0]?.removedResources, [], "a stays until the routes move");
    const [eds] = stream.handleRequest(deltaRequest(TypeUrl.endpoint, { subscribe: ["b"] })).responses;
    assert.deepEqual(names(eds), ["b"]);
    assert.deepEqual(stream.handleRequest(deltaAck(step.responses[0]!)).responses, []);
    const [rds] = stream.handleRequest(deltaAck(eds!)).responses;
    assert.deepEqual(typesOf([rds!]), ["RouteConfiguration"]);
    const done = stream.handleRequest(deltaAck(rds!));
    assert.deepEqual(typesOf(done.responses), ["Cluster", "ClusterLoadAssignment"]);
    assert.deepEqual(done.responses.map((r) => r.removedResources), [["a"], ["a"]]);
    assert.deepEqual(done.responses.map((r) => r.resources.length), [0, 0]);
  });

  it("resends the endpoints of a changed cluster, which Envoy re-creates and warms", () => {
    const stream = established(world({ clusters: ["a", "b"], routes: { "/": "a" } }), ["a", "b"]);
    const step = stream.handleSnapshot(world({ clusters: ["a", "b"], routes: { "/": "a" }, timeouts: { a: 9 } }));
    assert.deepEqual(typesOf(step.responses), ["Cluster", "ClusterLoadAssignment"]);
    assert.deepEqual(step.responses.map(names), [["a"], ["a"]]);
    assert.deepEqual(stream.handleRequest(deltaAck(step.responses[1]!)).responses, []);
  });

  it("protects resources known from a reconnect until the routes are updated", () => {
    const before = world({ clusters: ["a"], routes: { "/": "a" } });
    const after = world({ clusters: ["b"], routes: { "/": "b" } });
    const versions = (type: string) => Object.fromEntries([...before.types[type as keyof typeof before.types].resources.values()].map((r) => [r.name, r.version]));
    const stream = createDeltaStream();
    stream.handleSnapshot(after);
    const [cds] = stream.handleRequest(deltaRequest(TypeUrl.cluster, { initial: versions(TypeUrl.cluster) })).responses;
    assert.deepEqual(names(cds), ["b"]);
    assert.deepEqual(cds?.removedResources, []);
    assert.deepEqual(stream.handleRequest(deltaRequest(TypeUrl.listener, { initial: versions(TypeUrl.listener) })).responses, []);
    const [rds] = stream.handleRequest(deltaRequest(TypeUrl.route, { subscribe: ["ingress_http"], initial: versions(TypeUrl.route) })).responses;
    assert.equal(rds, undefined, "routes wait for the clusters");
    const afterCds = stream.handleRequest(deltaAck(cds!)).responses;
    // The listener is unchanged (an empty answer completes the wildcard); the route moves to b.
    assert.deepEqual(typesOf(afterCds), ["Listener", "RouteConfiguration"]);
    assert.deepEqual(names(afterCds[0]), []);
    assert.deepEqual(stream.handleRequest(deltaAck(afterCds[0]!)).responses, [], "a is kept until the routes are ACKed");
    const [removal] = stream.handleRequest(deltaAck(afterCds[1]!)).responses;
    assert.deepEqual(removal?.removedResources, ["a"]);
  });
});
