import { strict as assert } from "node:assert";
import { loadServeConfig } from "./load-serve-config.js";
import { buildRuntimeSettings } from "./runtime-options.js";

describe("runtime settings (RTDS)", () => {
  const applied = (entries: Record<string, unknown>) => new Map(Object.entries(entries).map(([k, value]) => [k, { value, source: `${k} in f` }]));

  it("reads both listener keys", () => {
    const { settings, errors } = buildRuntimeSettings(applied({ "listener.max-requests-per-io-cycle": 10, "listener.max-connections-per-listener": 100 }));
    assert.deepEqual(errors, []);
    assert.deepEqual(settings, { maxRequestsPerIoCycle: 10, maxConnectionsPerListener: 100 });
  });

  it("reaches the serve config from upstream's file", () => {
    const yaml = "listener:\n  max-requests-per-io-cycle: 4\n  max-connections-per-listener: 9\n";
    const result = loadServeConfig(["--insecure", "--config-file", "/c.yaml"], (p) => (p === "/c.yaml" ? yaml : ""));
    assert.ok("config" in result, JSON.stringify(result));
    assert.deepEqual(result.config.runtime, { maxRequestsPerIoCycle: 4, maxConnectionsPerListener: 9 });
    assert.deepEqual(result.warnings, []);
  });

  it("refuses 0 with upstream's messages", () => {
    const { errors } = buildRuntimeSettings(applied({ "listener.max-requests-per-io-cycle": 0, "listener.max-connections-per-listener": 0 }));
    assert.deepEqual(errors, [
      'listener.max-requests-per-io-cycle in f: invalid max connections per IO cycle value "0" set on listener, minimum value is 1',
      'listener.max-connections-per-listener in f: invalid max connections per listener value "0" set on listener, minimum value is 1',
    ]);
  });
});
