import { strict as assert } from "node:assert";
import { toBinary } from "@bufbuild/protobuf";
import { DeltaDiscoveryResponseSchema, DiscoveryResponseSchema } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { TypeUrl } from "../resources.js";
import { createDeltaStream } from "./delta-stream.js";
import { deltaDiscoveryResponseSize, discoveryResponseSize } from "./encoded-size.js";
import { createSotwStream } from "./sotw-stream.js";
import { deltaRequest, sotwRequest, world } from "./testing/streams.js";

describe("encoded sizes", () => {
  const snapshot = world({ clusters: Array.from({ length: 300 }, (_, i) => `cluster-${i}`) });

  it("match the SotW encoding", () => {
    const stream = createSotwStream();
    stream.handleSnapshot(snapshot);
    const [response] = stream.handleRequest(sotwRequest(TypeUrl.cluster)).responses;
    assert.equal(discoveryResponseSize(response!), toBinary(DiscoveryResponseSchema, response!).length);
  });

  it("match the delta encoding, with removals", () => {
    const stream = createDeltaStream();
    stream.handleSnapshot(snapshot);
    const [response] = stream.handleRequest(deltaRequest(TypeUrl.cluster, { initial: { gone: "x", ["é".repeat(70)]: "y" } })).responses;
    assert.equal(deltaDiscoveryResponseSize(response!), toBinary(DeltaDiscoveryResponseSchema, response!).length);
    response!.removedResources.push("gone", "é".repeat(70));
    assert.equal(deltaDiscoveryResponseSize(response!), toBinary(DeltaDiscoveryResponseSchema, response!).length);
  });
});
