// VHDS: delta streams get ingress_http naming its hosts through VHDS and each host as a resource of
// its own; SotW streams get ingress_http holding every host.
import { strict as assert } from "node:assert";
import { fromBinary } from "@bufbuild/protobuf";
import type { Model, VirtualHost } from "../../controllers/model/model.js";
import { createSnapshot } from "../cache/index.js";
import { RouteConfigurationSchema } from "../gen/envoy/config/route/v3/route_pb.js";
import { TypeUrl } from "../resources.js";
import { translateModel } from "../translate/index.js";
import { loadGoldenCases } from "../translate/test-support.js";
import { createDeltaStream } from "./delta-stream.js";
import { createSotwStream } from "./sotw-stream.js";
import { deltaAck, deltaRequest, sotwAck, sotwRequest } from "./testing/streams.js";

const plain = loadGoldenCases().find((c) => c.name === "plain-http");
const snapshotOf = (model: Model) => createSnapshot(translateModel(model, plain?.slices ?? []));

describe("VHDS", () => {
  it("delta: ingress_http names its hosts through VHDS; each host is sent alone, and only when it changes", () => {
    assert.ok(plain !== undefined);
    const stream = createDeltaStream();
    stream.handleSnapshot(snapshotOf(plain.model));
    const [rds] = stream.handleRequest(deltaRequest(TypeUrl.route, { subscribe: ["ingress_http"] })).responses;
    const rc = fromBinary(RouteConfigurationSchema, rds!.resources[0]!.resource!.value);
    assert.equal(rc.name, "ingress_http");
    assert.deepEqual(rc.virtualHosts, []);
    assert.equal(rc.vhds?.configSource?.configSourceSpecifier.case, "ads");
    stream.handleRequest(deltaAck(rds!));
    // Envoy's VHDS subscription over ADS names nothing: every host of ingress_http.
    const [vhds] = stream.handleRequest(deltaRequest(TypeUrl.virtualHost)).responses;
    assert.deepEqual(vhds!.resources.map((r) => r.name), ["ingress_http/*", "ingress_http/*.wild.example.com", "ingress_http/plain.example.com"]);
    stream.handleRequest(deltaAck(vhds!));

    const [first, ...rest] = plain.model.virtualHosts.filter((v) => v.routes.length > 0) as [VirtualHost, ...VirtualHost[]];
    const changed: Model = { ...plain.model, virtualHosts: [{ ...first, routes: first.routes.slice(0, 1) }, ...rest, ...plain.model.virtualHosts.filter((v) => v.routes.length === 0)] };
    const step = stream.handleSnapshot(snapshotOf(changed));
    assert.deepEqual(step.responses.map((r) => [r.typeUrl, r.resources.map((x) => x.name)]), [[TypeUrl.virtualHost, [`ingress_http/${first.fqdn}`]]], "one host, nothing else");
  });

  it("delta: an Envoy asking for VHDS while there is no plain-HTTP host gets an answer its watch hears", () => {
    assert.ok(plain !== undefined);
    const empty = loadGoldenCases().find((c) => c.name === "empty");
    assert.ok(empty !== undefined);
    const stream = createDeltaStream();
    stream.handleSnapshot(snapshotOf(empty.model));
    const [rds] = stream.handleRequest(deltaRequest(TypeUrl.route, { subscribe: ["ingress_http"] })).responses;
    stream.handleRequest(deltaAck(rds!));
    // Envoy hands a delta response to its VHDS watch only when it adds or removes something; an
    // empty one would leave ingress_http waiting for the initial fetch timeout (15 s).
    const [vhds] = stream.handleRequest(deltaRequest(TypeUrl.virtualHost)).responses;
    assert.ok(vhds !== undefined, "the VHDS request is answered");
    assert.deepEqual(vhds.resources, []);
    assert.deepEqual(vhds.removedResources, ["ingress_http/"]);
    assert.deepEqual(stream.handleRequest(deltaAck(vhds)).responses, [], "answered once");

    // Hosts arriving later are added, with no removal of the namespace.
    const step = stream.handleSnapshot(snapshotOf(plain.model));
    const next = step.responses.find((r) => r.typeUrl === TypeUrl.virtualHost);
    assert.deepEqual(next?.resources.map((r) => r.name), ["ingress_http/*", "ingress_http/*.wild.example.com", "ingress_http/plain.example.com"]);
    assert.deepEqual(next?.removedResources, []);
  });

  it("delta: a VHDS subscription naming its namespace is answered inside that namespace", () => {
    const empty = loadGoldenCases().find((c) => c.name === "empty");
    assert.ok(empty !== undefined);
    const stream = createDeltaStream();
    stream.handleSnapshot(snapshotOf(empty.model));
    const [vhds] = stream.handleRequest(deltaRequest(TypeUrl.virtualHost, { subscribe: ["ingress_http"] })).responses;
    assert.deepEqual(vhds?.removedResources, ["ingress_http/"]);
  });

  it("delta: a first VHDS answer with hosts removes nothing", () => {
    assert.ok(plain !== undefined);
    const stream = createDeltaStream();
    stream.handleSnapshot(snapshotOf(plain.model));
    const [vhds] = stream.handleRequest(deltaRequest(TypeUrl.virtualHost)).responses;
    assert.equal(vhds?.resources.length, 3);
    assert.deepEqual(vhds?.removedResources, []);
  });

  it("SotW: ingress_http holds every host, as before", () => {
    assert.ok(plain !== undefined);
    const stream = createSotwStream();
    stream.handleSnapshot(snapshotOf(plain.model));
    const [rds] = stream.handleRequest(sotwRequest(TypeUrl.route, { names: ["ingress_http"] })).responses;
    const rc = fromBinary(RouteConfigurationSchema, rds!.resources[0]!.value);
    assert.deepEqual(rc.virtualHosts.map((v) => v.name), ["*.wild.example.com", "plain.example.com", "*"]);
    assert.equal(rc.vhds, undefined);
    assert.deepEqual(stream.handleRequest(sotwAck(rds!, ["ingress_http"])).responses, []);
  });
});
