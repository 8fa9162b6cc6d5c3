import { strict as assert } from "node:assert";
import { loadServeConfig } from "./load-serve-config.js";

const load = (yaml: string) => loadServeConfig(["--insecure", "--config-file", "/c.yaml"], (p) => (p === "/c.yaml" ? yaml : ""));

describe("compatibility keys: server.xds-server-type, featureFlags, omEnforcedHealthListener", () => {
  it("accepts both xDS server types without a warning, and refuses others", () => {
    for (const type of ["contour", "envoy"]) {
      const result = load(`server:\n  xds-server-type: ${type}\n`);
      assert.ok("config" in result, JSON.stringify(result));
      assert.deepEqual(result.warnings, []);
    }
    const bad = load("server:\n  xds-server-type: grpc\n");
    assert.ok("errors" in bad);
    assert.match(bad.errors.join("\n"), /server\.xds-server-type .*must be one of contour, envoy; got "grpc"/);
  });

  it("refuses every feature flag, as upstream v1.33.6 (which knows none)", () => {
    const result = load("featureFlags:\n  - useEndpointSlices\n  - foo=bar\n");
    assert.ok("errors" in result);
    assert.deepEqual(
      result.errors.filter((e) => e.includes("feature flag")),
      ["featureFlags in /c.yaml: invalid contour configuration, unknown feature flag: useEndpointSlices", "featureFlags in /c.yaml: invalid contour configuration, unknown feature flag: foo=bar"],
    );
    const none = load("featureFlags: []\n");
    assert.ok("config" in none, JSON.stringify(none));
  });

  it("serves omEnforcedHealthListener (admin-listener-options.ts): no warning", () => {
    const result = load("omEnforcedHealthListener:\n  address: 0.0.0.0\n  port: 8003\n");
    assert.ok("config" in result, JSON.stringify(result));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.config.adminListeners?.omEnforcedHealth, { address: "0.0.0.0", port: 8003 });
  });
});
