// Port of upstream Contour v1.33.6's test/e2e/infra/metrics_test.go: "requests to default metrics
// listener are served" (/stats), "requests to default ready listener are served" (/ready), and "when
// serving metrics over HTTPS": "requests to metrics listener are served" (metrics.envoy with a server
// certificate, key and CA bundle; a TLS 1.3 client with a client certificate of that CA). Upstream
// port-forwards to 8002 / 8003; here the ports are free ones named in the config file.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, it } from "mocha";
import { useStack } from "../fixtures/stack.js";
import { createTestCa } from "../fixtures/test-ca.js";
import { describeResponse, hasStatusCode, writeContourConfig } from "../fixtures/upstream-echo.js";
import { getUntil, useInfraStack } from "../fixtures/upstream-infra.js";
import { freePort, httpRequest, waitFor } from "../harness/index.js";
import { before } from "mocha";

describe("infra/metrics_test.go", function () {
  const ctx = useInfraStack();

  it("requests to default metrics listener are served", async () => {
    const { res, ok } = await getUntil(ctx.ports.metrics, "/stats", hasStatusCode(200));
    assert.ok(ok, `expected 200 response code, got ${res === undefined ? "no response (nothing listening)" : describeResponse(res).slice(0, 100)}`);
  });

  it("requests to default ready listener are served", async () => {
    const { res, ok } = await getUntil(ctx.ports.metrics, "/ready", hasStatusCode(200));
    assert.ok(ok, `expected 200 response code, got ${res === undefined ? "no response (nothing listening)" : describeResponse(res).slice(0, 100)}`);
  });
});

describe("infra/metrics_test.go: when serving metrics over HTTPS", function () {
  // The suite's BeforeSuite: a CA, a server certificate for localhost and a client certificate.
  const configPath = writeContourConfig("");
  let port = 0;
  let client: { certPem: string; keyPem: string; caPem: string } | undefined;
  before(async () => {
    const ca = await createTestCa("metrics-ca");
    const server = await ca.issue({ commonName: "localhost", dnsNames: ["localhost"], usage: "server" });
    const leaf = await ca.issue({ commonName: "metrics-client", usage: "client" });
    client = { ...leaf, caPem: ca.certPem };
    const dir = configPath.replace(/\/[^/]+$/u, "");
    writeFileSync(`${dir}/tls.crt`, server.certPem);
    writeFileSync(`${dir}/tls.key`, server.keyPem, { mode: 0o600 });
    writeFileSync(`${dir}/ca.crt`, ca.certPem);
    port = await freePort();
    writeFileSync(
      configPath,
      ["metrics:", "  envoy:", "    address: 127.0.0.1", `    port: ${port}`, `    server-certificate-path: ${dir}/tls.crt`, `    server-key-path: ${dir}/tls.key`, `    ca-certificate-path: ${dir}/ca.crt`, ""].join("\n"),
    );
  });
  const ctx = useStack({ contourArgs: [`--config-path=${configPath}`] });

  it("requests to metrics listener are served", async () => {
    // Upstream's suite starts from an Envoy Deployment that is ready; the stack waits for its admin only.
    await ctx.stack.envoy.admin.waitForState("LIVE", { timeoutMs: 30_000 });
    let last = "no attempt";
    const ok = await waitFor(
      async () => {
        try {
          const res = await httpRequest(`https://127.0.0.1:${port}/stats`, { servername: "localhost", ca: client!.caPem, cert: client!.certPem, key: client!.keyPem, timeoutMs: 3000 });
          last = `HTTP ${res.status}`;
          return res.status === 200;
        } catch (err) {
          last = err instanceof Error ? err.message : String(err);
          return false;
        }
      },
      // Upstream: a 5 s pause for its port-forward, then 10 s of attempts every second.
      { timeoutMs: 15_000, intervalMs: 1000, description: "" },
    ).catch(() => false);
    assert.ok(ok, `expected 200 from the HTTPS metrics listener, last: ${last}`);
  });
});
