// Feature tests: the server in-process, driven by a real gRPC client (grpc-js).
import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { fromBinary } from "@bufbuild/protobuf";
import { lookupResourceType } from "../cache/resource-types.js";
import { scaledResources } from "../cache/testing/fixtures.js";
import type { DiscoveryResponse } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { TypeUrl } from "../resources.js";
import { startTestServer, type TestServer } from "./testing/server.js";
import { deltaAck, deltaRequest, sotwAck, sotwRequest, world } from "./testing/streams.js";
import { startFakeEnvoy } from "./testing/fake-envoy.js";
import { createXdsTestClient, type XdsCall, type XdsTestClient } from "./testing/xds-client.js";

const namesOf = (r: DiscoveryResponse): string[] => {
  const type = lookupResourceType(r.typeUrl)!;
  return r.resources.map((any) => type.nameOf(fromBinary(type.schema, any.value)));
};

// Asserting that nothing arrives needs a bounded wait; 150 ms is far above a local round trip.
async function expectQuiet(call: XdsCall<unknown, unknown>, ms = 150): Promise<void> {
  await sleep(ms);
  assert.equal(call.pending(), 0, "no response expected");
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("xDS server (gRPC, in-process)", function () {
  this.timeout(20_000);
  let t: TestServer;
  let client: XdsTestClient;

  beforeEach(async () => {
    t = await startTestServer();
    client = createXdsTestClient(t.target);
  });
  afterEach(async () => {
    client.close();
    await t.server.close();
  });

  it("SotW: subscribe, ACK, new snapshot, NACK, next snapshot accepted", async () => {
    t.cache.set(world({ clusters: ["a", "b"] }));
    const call = client.sotw();
    call.send(sotwRequest(TypeUrl.cluster, { node: "envoy-a" }));
    const first = await call.next();
    assert.deepEqual(namesOf(first), ["a", "b"]);
    assert.equal(first.versionInfo, t.cache.versions()?.[TypeUrl.cluster]);
    call.send(sotwAck(first));
    await expectQuiet(call);

    t.cache.set(world({ clusters: ["a", "b"], timeouts: { a: 3 } }));
    const second = await call.next();
    assert.notEqual(second.versionInfo, first.versionInfo);
    call.send(sotwRequest(TypeUrl.cluster, { nonce: second.nonce, version: first.versionInfo, error: "Proto constraint validation failed" }));
    await waitUntil(async () => (await t.metric("contour_xds_nacks_total", { type: "cluster" })) === 1, "the NACK metric");
    const nackLog = t.logs.records.find((r) => r["level"] === bunyan_ERROR && r["type"] === "cluster");
    assert.ok(nackLog !== undefined, "NACK logged at error level");
    assert.equal(nackLog["node"], "envoy-a");
    assert.equal(nackLog["version"], second.versionInfo);
    assert.equal(nackLog["envoyError"], "Proto constraint validation failed");
    await expectQuiet(call);

    t.cache.set(world({ clusters: ["a", "b"], timeouts: { a: 4 } }));
    const third = await call.next();
    call.send(sotwAck(third));
    await waitUntil(() => t.logs.records.some((r) => r["msg"] === "xDS response accepted" && r["version"] === third.versionInfo), "the ACK");
    assert.equal(await t.metric("contour_xds_pushes_total", { type: "cluster" }), 3);
    assert.ok((await t.metric("contour_xds_push_bytes_total", { type: "cluster" })) > 0);
    call.cancel();
  });

  it("delta: subscribe, unsubscribe, removal", async () => {
    t.cache.set(world({ clusters: ["a", "b", "c"] }));
    const call = client.delta();
    call.send(deltaRequest(TypeUrl.endpoint, { subscribe: ["a", "b"], node: "envoy-d" }));
    const first = await call.next();
    assert.deepEqual(first.resources.map((r) => r.name), ["a", "b"]);
    call.send(deltaAck(first));
    call.send(deltaRequest(TypeUrl.endpoint, { unsubscribe: ["b"], subscribe: ["c"] }));
    const second = await call.next();
    assert.deepEqual(second.resources.map((r) => r.name), ["c"]);
    call.send(deltaAck(second));
    // c disappears (no listener subscribed, so nothing waits for routes).
    t.cache.set(world({ clusters: ["a", "b"], addresses: { a: "127.0.0.1:7" } }));
    const third = await call.next();
    assert.deepEqual(third.resources.map((r) => r.name), ["a"]);
    assert.deepEqual(third.removedResources, ["c"]);
    call.send(deltaAck(third));
    await expectQuiet(call);
    call.cancel();
  });

  it("serves the single-type services", async () => {
    t.cache.set(world({ clusters: ["a"] }));
    const call = client.sotwService("envoy.service.cluster.v3.ClusterDiscoveryService", "StreamClusters");
    call.send(sotwRequest(""));
    assert.deepEqual(namesOf(await call.next()), ["a"]);
    call.cancel();
  });

  it("serves nothing before the first snapshot", async () => {
    const call = client.sotw();
    call.send(sotwRequest(TypeUrl.cluster));
    await expectQuiet(call);
    t.cache.set(world({ clusters: ["a"] }));
    assert.deepEqual(namesOf(await call.next()), ["a"]);
    call.cancel();
  });

  it("keeps one state per stream and cleans up on cancellation", async () => {
    t.cache.set(world({ clusters: ["a"] }));
    const one = client.sotw();
    const two = client.sotw();
    const three = client.delta();
    const calls = [one, two, three];
    one.send(sotwRequest(TypeUrl.cluster, { node: "one" }));
    two.send(sotwRequest(TypeUrl.endpoint, { names: ["a"], node: "two" }));
    three.send(deltaRequest(TypeUrl.cluster, { node: "three" }));
    const responses = await Promise.all([one.next(), two.next(), three.next()]);
    assert.deepEqual(responses.map((r) => r.typeUrl), [TypeUrl.cluster, TypeUrl.endpoint, TypeUrl.cluster]);
    assert.deepEqual(t.server.streams().map((s) => s.node).sort(), ["one", "three", "two"]);
    assert.equal(await t.metric("contour_xds_streams", { kind: "sotw" }), 2);
    assert.equal(await t.metric("contour_xds_streams", { kind: "delta" }), 1);
    for (const c of calls) c.cancel();
    await waitUntil(() => t.server.streams().length === 0 && t.cache.subscriberCount() === 0, "streams to be released");
    assert.equal(await t.metric("contour_xds_streams", { kind: "sotw" }), 0);
    assert.equal(await t.metric("contour_xds_streams", { kind: "delta" }), 0);
  });

  it("ends streams on close()", async () => {
    t.cache.set(world({ clusters: ["a"] }));
    const call = client.sotw();
    call.send(sotwRequest(TypeUrl.cluster));
    await call.next();
    await t.server.close();
    await call.ended;
    assert.equal(t.cache.subscriberCount(), 0);
  });

  it("sends 10,000 clusters in one response", async () => {
    t.cache.publish(scaledResources(10_000));
    const call = client.sotw();
    call.send(sotwRequest(TypeUrl.cluster));
    const response = await call.next(15_000);
    assert.equal(response.resources.length, 10_000);
    call.cancel();
  });
});

// bunyan's numeric level for error.
const bunyan_ERROR = 50;

describe("xDS server with an Envoy-like client", function () {
  this.timeout(20_000);
  for (const mode of ["sotw", "delta"] as const) {
    it(`converges and follows changes (${mode})`, async () => {
      const t = await startTestServer();
      const client = createXdsTestClient(t.target);
      const envoy = startFakeEnvoy(client, mode);
      try {
        let snap = t.cache.publish(scaledResources(50));
        await envoy.accepted(TypeUrl.route, snap.types[TypeUrl.route].version);
        await envoy.accepted(TypeUrl.endpoint, snap.types[TypeUrl.endpoint].version);
        snap = t.cache.publish(scaledResources(40));
        await envoy.accepted(TypeUrl.route, snap.types[TypeUrl.route].version);
        // Removed clusters go last, after the routes stopped using them.
        await envoy.accepted(TypeUrl.cluster, snap.types[TypeUrl.cluster].version);
        assert.equal(await t.metric("contour_xds_nacks_total", { type: "cluster" }), 0);
      } finally {
        envoy.stop();
        client.close();
        await t.server.close();
      }
    });
  }
});
