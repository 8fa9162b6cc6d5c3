import { strict as assert } from "node:assert";
import { loadServeConfig } from "./load-serve-config.js";

const load = (yaml: string) => loadServeConfig(["--insecure", "--config-file", "/c.yaml"], (p) => (p === "/c.yaml" ? yaml : ""));

describe("gateway.gatewayRef (static Gateway mode)", () => {
  it("reaches the serve config, without a warning", () => {
    const result = load("gateway:\n  gatewayRef:\n    namespace: projectcontour\n    name: contour\n");
    assert.ok("config" in result, JSON.stringify(result));
    assert.deepEqual(result.config.gateway.gatewayRef, { namespace: "projectcontour", name: "contour" });
    assert.deepEqual(result.warnings, []);
  });

  it("is refused half set, with upstream's message", () => {
    const result = load("gateway:\n  gatewayRef:\n    name: contour\n");
    assert.ok("errors" in result);
    assert.deepEqual(result.errors, ["gateway.gatewayRef.name in /c.yaml: invalid gateway configuration: gateway ref namespace and name must be specified"]);
  });

  it("is absent by default", () => {
    const result = load("");
    assert.ok("config" in result);
    assert.equal(result.config.gateway.gatewayRef, undefined);
  });
});

describe("ContourConfiguration: gateway.gatewayRef and the listener runtime values", () => {
  it("come from the CRD as from the file", () => {
    const result = loadServeConfig(["--insecure"], () => "", {}, {
      namespace: "projectcontour",
      name: "contour",
      spec: { gateway: { gatewayRef: { namespace: "gw", name: "web" } }, envoy: { listener: { maxRequestsPerIOCycle: 5, maxConnectionsPerListener: 50 } } },
    });
    assert.ok("config" in result, JSON.stringify(result));
    assert.deepEqual(result.config.gateway.gatewayRef, { namespace: "gw", name: "web" });
    assert.deepEqual(result.config.runtime, { maxRequestsPerIoCycle: 5, maxConnectionsPerListener: 50 });
  });
});
