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
