import { strict as assert } from "node:assert";
import { fromBinary } from "@bufbuild/protobuf";
import { lookupResourceType } from "../cache/resource-types.js";
import type { DiscoveryResponse } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { TypeUrl } from "../resources.js";
import { createSotwStream, type SotwStream } from "./sotw-stream.js";
import { sotwAck, sotwRequest, typesOf, world } from "./testing/streams.js";

function namesOf(response: DiscoveryResponse): string[] {
  const type = lookupResourceType(response.typeUrl)!;
  return response.resources.map((any) => type.nameOf(fromBinary(type.schema, any.value)));
}

// An Envoy-like client: subscribes to CDS, LDS (wildcard), EDS and RDS for what it got, ACKs all.
function connect(stream: SotwStream): DiscoveryResponse[] {
  const out: DiscoveryResponse[] = [];
  out.push(...stream.handleRequest(sotwRequest(TypeUrl.cluster, { node: "envoy-1" })).responses);
  out.push(...stream.handleRequest(sotwRequest(TypeUrl.listener)).responses);
  return out;
}

describe("SotW stream", () => {
  it("answers nothing before the first snapshot, then the subscribed types", () => {
    const stream = createSotwStream();
    assert.deepEqual(connect(stream), []);
    const step = stream.handleSnapshot(world({ clusters: ["a", "b"], routes: { "/": "a" } }));
    // Listeners wait for the clusters to be ACKed.
    assert.deepEqual(typesOf(step.responses), ["Cluster"]);
    assert.deepEqual(namesOf(step.responses[0]!), ["a", "b"]);
    assert.equal(stream.nodeId(), "envoy-1");
    const acked = stream.handleRequest(sotwAck(step.responses[0]!));
    assert.deepEqual(typesOf(acked.responses), ["Listener"]);
    assert.deepEqual(acked.events.map((e) => e.kind), ["ack", "push"]);
  });

  it("uses the type version for wildcard responses and resends only on change", () => {
    const stream = createSotwStream();
    const snap = world({ clusters: ["a"] });
    stream.handleSnapshot(snap);
    const [cds] = stream.handleRequest(sotwRequest(TypeUrl.cluster)).responses;
    assert.equal(cds?.versionInfo, snap.types[TypeUrl.cluster].version);
    assert.deepEqual(stream.handleRequest(sotwAck(cds!)).responses, []);
    assert.deepEqual(stream.handleSnapshot(world({ clusters: ["a"] })).responses, [], "same content: nothing to send");
    const changed = stream.handleSnapshot(world({ clusters: ["a"], addresses: { a: "127.0.0.1:2" } }));
    assert.deepEqual(changed.responses, [], "an endpoint change does not resend clusters");
    const c2 = stream.handleSnapshot(world({ clusters: ["a"], timeouts: { a: 9 } }));
    assert.deepEqual(typesOf(c2.responses), ["Cluster"]);
  });

  it("serves non-wildcard types by name and follows subscription changes", () => {
    const stream = createSotwStream();
    stream.handleSnapshot(world({ clusters: ["a", "b", "c"] }));
    const [eds] = stream.handleRequest(sotwRequest(TypeUrl.endpoint, { names: ["a", "missing"] })).responses;
    assert.deepEqual(namesOf(eds!), ["a"]);
    const [eds2] = stream.handleRequest(sotwAck(eds!, ["a", "c"])).responses;
    assert.deepEqual(namesOf(eds2!), ["a", "c"]);
    const changed = stream.handleSnapshot(world({ clusters: ["a", "b", "c"], addresses: { b: "127.0.0.1:9" } }));
    assert.deepEqual(changed.responses, [], "a change to an unsubscribed resource sends nothing");
  });

  it("does not answer a shrinking EDS subscription, but does a re-subscription", () => {
    const stream = createSotwStream();
    stream.handleSnapshot(world({ clusters: ["a", "b"] }));
    const [eds] = stream.handleRequest(sotwRequest(TypeUrl.endpoint, { names: ["a", "b"] })).responses;
    assert.deepEqual(stream.handleRequest(sotwAck(eds!, ["a"])).responses, [], "Envoy still has a, current");
    const [again] = stream.handleRequest(sotwAck(eds!, ["a", "b"])).responses;
    assert.deepEqual(namesOf(again!), ["a", "b"], "b was dropped by Envoy and must be sent again");
  });

  it("holds a change while a response is in flight and sends it with the ACK", () => {
    const stream = createSotwStream();
    stream.handleSnapshot(world({ clusters: ["a"] }));
    const [cds] = stream.handleRequest(sotwRequest(TypeUrl.cluster)).responses;
    assert.deepEqual(stream.handleSnapshot(world({ clusters: ["a"], timeouts: { a: 5 } })).responses, []);
    const [next] = stream.handleRequest(sotwAck(cds!)).responses;
    assert.ok(next !== undefined);
    assert.notEqual(next.nonce, cds!.nonce);
  });

  it("ignores requests with a stale nonce", () => {
    const stream = createSotwStream();
    stream.handleSnapshot(world({ clusters: ["a"] }));
    const [first] = stream.handleRequest(sotwRequest(TypeUrl.cluster)).responses;
    stream.handleSnapshot(world({ clusters: ["a"], timeouts: { a: 5 } }));
    const [second] = stream.handleRequest(sotwAck(first!)).responses;
    const stale = stream.handleRequest(sotwAck(first!));
    assert.deepEqual(stale.responses, []);
    assert.deepEqual(stale.events, [{ kind: "stale-nonce", typeUrl: TypeUrl.cluster, nonce: first!.nonce }]);
    assert.deepEqual(stream.handleRequest(sotwAck(second!)).events.map((e) => e.kind), ["ack"]);
  });

  it("reports a NACK, keeps the accepted version, does not resend, and sends the next snapshot", () => {
    const stream = createSotwStream();
    stream.handleSnapshot(world({ clusters: ["a"] }));
    const [good] = stream.handleRequest(sotwRequest(TypeUrl.cluster)).responses;
    stream.handleRequest(sotwAck(good!));
    const [bad] = stream.handleSnapshot(world({ clusters: ["a"], timeouts: { a: 7 } })).responses;
    const nack = stream.handleRequest(sotwRequest(TypeUrl.cluster, { nonce: bad!.nonce, version: good!.versionInfo, error: "bad cluster" }));
    assert.deepEqual(nack.responses, []);
    const [event] = nack.events;
    assert.equal(nack.events.length, 1);
    assert.ok(event?.kind === "nack");
    const { rejected, accepted, ...rest } = event;
    assert.deepEqual(rest, { kind: "nack", typeUrl: TypeUrl.cluster, version: bad!.versionInfo, acceptedVersion: good!.versionInfo, nonce: bad!.nonce, message: "bad cluster" });
    assert.deepEqual(rejected.map((r) => r.name), ["a"], "the changed resource is named");
    assert.notEqual(accepted.get("a")?.version, rejected[0]?.version, "with what Envoy still runs");
    assert.equal(stream.acceptedVersion(TypeUrl.cluster), good!.versionInfo);
    const [fixed] = stream.handleSnapshot(world({ clusters: ["a"], timeouts: { a: 8 } })).responses;
    assert.deepEqual(stream.handleRequest(sotwAck(fixed!)).events.map((e) => e.kind), ["ack"]);
    assert.equal(stream.acceptedVersion(TypeUrl.cluster), fixed!.versionInfo);
  });

  // Brings a stream to a quiet state for a first snapshot: every type requested and ACKed.
  function established(snapshot: ReturnType<typeof world>, edsNames: string[]): { stream: SotwStream; last: Map<string, DiscoveryResponse> } {
    const stream = createSotwStream();
    stream.handleSnapshot(snapshot);
    const names: Record<string, string[]> = { [TypeUrl.endpoint]: edsNames, [TypeUrl.route]: ["ingress_http"] };
    const queue = [
      ...stream.handleRequest(sotwRequest(TypeUrl.cluster)).responses,
      ...stream.handleRequest(sotwRequest(TypeUrl.endpoint, { names: edsNames })).responses,
      ...stream.handleRequest(sotwRequest(TypeUrl.listener)).responses,
      ...stream.handleRequest(sotwRequest(TypeUrl.route, { names: ["ingress_http"] })).responses,
    ];
    const last = new Map<string, DiscoveryResponse>();
    for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
      last.set(r.typeUrl, r);
      queue.push(...stream.handleRequest(sotwAck(r, names[r.typeUrl] ?? [])).responses);
    }
    return { stream, last };
  }

  it("sends new clusters before the routes that use them", () => {
    const { stream, last } = established(world({ clusters: ["a"], routes: { "/": "a" } }), ["a"]);
    const step = stream.handleSnapshot(world({ clusters: ["a", "b"], routes: { "/": "a", "/b": "b" } }));
    assert.deepEqual(typesOf(step.responses), ["Cluster"], "routes wait for the new cluster");
    // Envoy asks for the new cluster's endpoints (re-sending its last EDS nonce) before it ACKs the clusters.
    const eds = stream.handleRequest(sotwAck(last.get(TypeUrl.endpoint)!, ["a", "b"]));
    assert.deepEqual(typesOf(eds.responses), ["ClusterLoadAssignment"]);
    assert.deepEqual(namesOf(eds.responses[0]!), ["a", "b"]);
    assert.deepEqual(stream.handleRequest(sotwAck(step.responses[0]!)).responses, [], "routes wait for the endpoints too");
    const routes = stream.handleRequest(sotwAck(eds.responses[0]!, ["a", "b"]));
    assert.deepEqual(typesOf(routes.responses), ["RouteConfiguration"]);
  });

  it("keeps removed clusters and endpoints until the routes no longer using them are ACKed", () => {
    const { stream } = established(world({ clusters: ["a", "b"], routes: { "/a": "a", "/b": "b" } }), ["a", "b"]);
    // b goes away, with its route.
    const step = stream.handleSnapshot(world({ clusters: ["a"], routes: { "/a": "a" } }));
    assert.deepEqual(typesOf(step.responses), ["RouteConfiguration"], "clusters are not touched yet");
    const done = stream.handleRequest(sotwAck(step.responses[0]!, ["ingress_http"]));
    // Endpoints need no update: Envoy drops b's when it drops the cluster.
    assert.deepEqual(typesOf(done.responses), ["Cluster"]);
    assert.deepEqual(namesOf(done.responses[0]!), ["a"]);
  });

  it("sends the union of old and new clusters while a replacement is in progress", () => {
    const { stream, last } = established(world({ clusters: ["a"], routes: { "/": "a" } }), ["a"]);
    // "/" moves from a to b.
    const step = stream.handleSnapshot(world({ clusters: ["b"], routes: { "/": "b" } }));
    assert.deepEqual(typesOf(step.responses), ["Cluster"], "a's endpoints are kept, so EDS is unchanged");
    assert.deepEqual(namesOf(step.responses[0]!), ["a", "b"]);
    const eds = stream.handleRequest(sotwAck(last.get(TypeUrl.endpoint)!, ["a", "b"]));
    assert.deepEqual(stream.handleRequest(sotwAck(step.responses[0]!)).responses, []);
    assert.deepEqual(typesOf(eds.responses), ["ClusterLoadAssignment"]);
    assert.deepEqual(namesOf(eds.responses[0]!), ["a", "b"]);
    const [rds] = stream.handleRequest(sotwAck(eds.responses[0]!, ["a", "b"])).responses;
    assert.deepEqual(typesOf([rds!]), ["RouteConfiguration"]);
    const done = stream.handleRequest(sotwAck(rds!, ["ingress_http"]));
    assert.deepEqual(typesOf(done.responses), ["Cluster"]);
    assert.deepEqual(namesOf(done.responses[0]!), ["b"]);
    assert.deepEqual(stream.handleRequest(sotwAck(done.responses[0]!)).responses, []);
    assert.deepEqual(stream.handleRequest(sotwAck(eds.responses[0]!, ["b"])).responses, [], "unsubscribing a needs no answer");
  });

  it("keeps retained clusters while the new routes are NACKed", () => {
    const { stream, last } = established(world({ clusters: ["a"], routes: { "/": "a" } }), ["a"]);
    const step = stream.handleSnapshot(world({ clusters: ["b"], routes: { "/": "b" } }));
    const [eds] = stream.handleRequest(sotwAck(last.get(TypeUrl.endpoint)!, ["a", "b"])).responses;
    stream.handleRequest(sotwAck(step.responses[0]!));
    const [rds] = stream.handleRequest(sotwAck(eds!, ["a", "b"])).responses;
    assert.deepEqual(typesOf([rds!]), ["RouteConfiguration"]);
    const nacked = stream.handleRequest(sotwRequest(TypeUrl.route, { names: ["ingress_http"], nonce: rds!.nonce, version: "v1", error: "no" }));
    assert.deepEqual(nacked.responses, [], "a is still used by the routes Envoy runs");
    const fixed = stream.handleSnapshot(world({ clusters: ["b"], routes: { "/": "b", "/x": "b" } }));
    assert.deepEqual(typesOf(fixed.responses), ["RouteConfiguration"]);
    const done = stream.handleRequest(sotwAck(fixed.responses[0]!, ["ingress_http"]));
    assert.deepEqual(typesOf(done.responses), ["Cluster"]);
    assert.deepEqual(namesOf(done.responses[0]!), ["b"]);
  });

  it("resends the endpoints of a changed cluster, which Envoy re-creates and warms", () => {
    const { stream } = established(world({ clusters: ["a", "b"], routes: { "/": "a" } }), ["a", "b"]);
    const step = stream.handleSnapshot(world({ clusters: ["a", "b"], routes: { "/": "a" }, timeouts: { a: 9 } }));
    assert.deepEqual(typesOf(step.responses), ["Cluster", "ClusterLoadAssignment"]);
    assert.deepEqual(namesOf(step.responses[1]!), ["a", "b"], "SotW sends the whole subscription");
    const quiet = stream.handleRequest(sotwAck(step.responses[1]!, ["a", "b"]));
    assert.deepEqual(quiet.responses, [], "forced once, not forever");
  });

  it("does not resend what Envoy already holds after a reconnect", () => {
    const snap = world({ clusters: ["a"] });
    const stream = createSotwStream();
    stream.handleSnapshot(snap);
    const step = stream.handleRequest(sotwRequest(TypeUrl.cluster, { version: snap.types[TypeUrl.cluster].version, nonce: "42" }));
    assert.deepEqual(step.responses, []);
    const outdated = createSotwStream();
    outdated.handleSnapshot(snap);
    assert.deepEqual(typesOf(outdated.handleRequest(sotwRequest(TypeUrl.cluster, { version: "old" })).responses), ["Cluster"]);
  });

  it("reports requests for types it does not serve", () => {
    const stream = createSotwStream();
    const step = stream.handleRequest(sotwRequest("type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig"));
    assert.deepEqual(step.events.map((e) => e.kind), ["unknown-type"]);
  });

  it("takes the type from the service for single-type streams", () => {
    const stream = createSotwStream({ defaultTypeUrl: TypeUrl.cluster });
    stream.handleSnapshot(world({ clusters: ["a"] }));
    assert.deepEqual(typesOf(stream.handleRequest(sotwRequest("")).responses), ["Cluster"]);
  });
});
