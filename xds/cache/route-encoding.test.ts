import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { create, toBinary } from "@bufbuild/protobuf";
import { RouteConfigurationSchema } from "../gen/envoy/config/route/v3/route_pb.js";
import { loadGoldenCases } from "../translate/test-support.js";
import { translateModel } from "../translate/index.js";
import { encodeRouteConfiguration } from "./route-encoding.js";

describe("encodeRouteConfiguration", () => {
  it("gives toBinary's bytes for every route configuration of the translation goldens", () => {
    let checked = 0;
    for (const c of loadGoldenCases()) {
      for (const r of translateModel(c.model, c.slices, c.options).routes) {
        assert.deepEqual(encodeRouteConfiguration(r), toBinary(RouteConfigurationSchema, r), `${c.name}: ${r.name}`);
        checked++;
      }
    }
    assert.ok(checked > 10, `only ${checked} route configurations checked`);
  });

  it("gives toBinary's bytes with many hosts, a long name, no name and unknown settings after the hosts", () => {
    const hosts = Array.from({ length: 300 }, (_, i) => ({ name: `h${i}`, domains: [`h${i}.example.com`, "é".repeat(i % 7)] }));
    for (const name of ["", "gateway/gw/web/80", "x".repeat(300)]) {
      const r = create(RouteConfigurationSchema, { name, virtualHosts: hosts, validateClusters: true, requestHeadersToAdd: [{ header: { key: "k", value: "v" } }] });
      assert.deepEqual(encodeRouteConfiguration(r), toBinary(RouteConfigurationSchema, r), `name of ${name.length}`);
    }
  });
});
