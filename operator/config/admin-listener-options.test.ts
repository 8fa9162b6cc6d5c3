import assert from "node:assert/strict";
import { loadServeConfig, type LoadServeConfigResult } from "./load-serve-config.js";

const files = (text: string) => (path: string): string => {
  if (path === "/c.yaml") return text;
  throw new Error(`ENOENT: no such file ${path}`);
};
const noFiles = files("");
const cluster = (spec: object) => ({ namespace: "projectcontour", name: "contour", spec });

function ok(result: LoadServeConfigResult) {
  if (!("config" in result)) assert.fail(`expected a config, got ${JSON.stringify(result)}`);
  return result;
}

describe("metrics.envoy and network.admin-port: the admin-derived listeners contour serves Envoy", () => {
  it("defaults as upstream: stats and health together on 0.0.0.0:8002, admin on 9001", () => {
    const { config, warnings } = ok(loadServeConfig(["--insecure"], noFiles));
    assert.deepEqual(config.adminListeners, { metrics: { address: "0.0.0.0", port: 8002 }, health: { address: "0.0.0.0", port: 8002 }, adminPort: 9001 });
    assert.deepEqual(warnings, []);
  });

  it("takes metrics.envoy over the stats flags for metrics only, the TLS files, and network.admin-port, with no warning", () => {
    const file = [
      "network:",
      "  admin-port: 9101",
      "metrics:",
      "  envoy:",
      "    address: 127.0.0.1",
      "    port: 8102",
      "    server-certificate-path: /m/tls.crt",
      "    server-key-path: /m/tls.key",
      "    ca-certificate-path: /m/ca.crt",
    ].join("\n");
    const { config, warnings } = ok(loadServeConfig(["--insecure", "--config-path=/c.yaml", "--stats-address=10.0.0.1", "--stats-port=8003"], files(file)));
    assert.deepEqual(config.adminListeners, {
      metrics: { address: "127.0.0.1", port: 8102, tls: { certFile: "/m/tls.crt", keyFile: "/m/tls.key", caFile: "/m/ca.crt" } },
      health: { address: "10.0.0.1", port: 8003 },
      adminPort: 9101,
    });
    assert.deepEqual(warnings, []);
    // Not the translator's options: nothing of these keys leaks into them.
    assert.equal(JSON.stringify(config.envoy).includes("8102"), false);
  });

  it("turns the admin listener off with admin-port 0, as upstream", () => {
    assert.equal(ok(loadServeConfig(["--insecure", "--config-path=/c.yaml"], files("network:\n  admin-port: 0\n"))).config.adminListeners?.adminPort, 0);
  });

  it("refuses half a TLS pair and a CA without a certificate, with upstream's messages", () => {
    const half = loadServeConfig(["--insecure", "--config-path=/c.yaml"], files("metrics:\n  envoy:\n    server-key-path: /k\n"));
    assert.ok("errors" in half && half.errors.some((e) => e.startsWith("metrics.envoy.server-key-path") && e.includes("server-certificate-path and server-key-path or none")), JSON.stringify(half));
    const ca = loadServeConfig(["--insecure", "--config-path=/c.yaml"], files("metrics:\n  envoy:\n    ca-certificate-path: /ca\n"));
    assert.ok("errors" in ca && ca.errors.some((e) => e.includes("if setting ca-certificate-path")), JSON.stringify(ca));
  });

  it("reads ContourConfiguration's envoy.metrics, envoy.health and envoy.network.adminPort the same way", () => {
    const { config } = ok(
      loadServeConfig(["--insecure"], noFiles, {}, cluster({ envoy: { metrics: { address: "127.0.0.1", port: 8202 }, health: { address: "127.0.0.1", port: 8202 }, network: { adminPort: 9201 } } })),
    );
    assert.deepEqual(config.adminListeners, { metrics: { address: "127.0.0.1", port: 8202 }, health: { address: "127.0.0.1", port: 8202 }, adminPort: 9201 });
  });
});
