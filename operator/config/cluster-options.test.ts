import assert from "node:assert/strict";
import { loadServeConfig, type LoadServeConfigResult } from "./load-serve-config.js";

const file = (text: string) => () => text;
const load = (text: string): LoadServeConfigResult => loadServeConfig(["--insecure", "--config-path=/c.yaml"], file(text));

describe("config file: connect timeout, circuit breakers, upstream TLS, disablePermitInsecure", () => {
  it("turns them into translation and reconcile options", () => {
    const result = load(
      [
        "timeouts:\n  connect-timeout: 1500ms",
        "cluster:\n  circuit-breakers:\n    max-connections: 7\n    max-retries: 0\n    per-host-max-connections: 3",
        "  upstream-tls:\n    minimum-protocol-version: \"1.3\"\n    cipher-suites: [ECDHE-RSA-AES256-GCM-SHA384]",
        "disablePermitInsecure: true",
      ].join("\n"),
    );
    assert.ok("config" in result, JSON.stringify(result));
    assert.equal(result.config.envoy.connectTimeoutMs, 1500);
    assert.deepEqual(result.config.envoy.clusterCircuitBreakers, { maxConnections: 7, perHostMaxConnections: 3 });
    assert.deepEqual(result.config.envoy.upstreamTls, { minimumProtocolVersion: "1.3", cipherSuites: ["ECDHE-RSA-AES256-GCM-SHA384"] });
    assert.deepEqual(result.config.reconcile, { disablePermitInsecure: true, enableExternalNameService: false });
    assert.deepEqual(result.warnings, []);
  });

  it("leaves upstream's defaults when unset: 2 s connect timeout (the reconcilers'), Envoy's breakers and TLS", () => {
    const result = load("");
    assert.ok("config" in result);
    assert.equal(result.config.envoy.connectTimeoutMs, undefined);
    assert.equal(result.config.envoy.clusterCircuitBreakers, undefined);
    assert.equal(result.config.reconcile.disablePermitInsecure, false);
  });

  it("refuses what upstream refuses, naming the key", () => {
    const result = load('timeouts:\n  connect-timeout: infinity\ncluster:\n  upstream-tls:\n    minimum-protocol-version: "1.3"\n    maximum-protocol-version: "1.2"\n    cipher-suites: [RC4]');
    assert.ok("errors" in result);
    assert.deepEqual(result.errors.map((e) => e.split(":")[0]), [
      "timeouts.connect-timeout in /c.yaml",
      "cluster.upstream-tls.cipher-suites in /c.yaml",
      "cluster.upstream-tls.minimum-protocol-version",
    ]);
  });
});
