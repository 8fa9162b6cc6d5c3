import assert from "node:assert/strict";
import { get } from "node:http";
import { createNullLogger } from "../log.js";
import { createMetricsRegistry } from "./metrics-registry.js";
import { createOpsServer, type OpsServer } from "./ops-server.js";

function fetchText(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers["content-type"]) }));
    }).on("error", reject);
  });
}

describe("createOpsServer", () => {
  let server: OpsServer;
  let port: number;
  let healthy = true;
  let checks = 0;
  before(async () => {
    server = createOpsServer({
      address: "127.0.0.1",
      port: 0,
      registry: createMetricsRegistry(),
      log: createNullLogger(),
      healthCheck: async () => {
        checks++;
        return healthy;
      },
    });
    port = await server.start();
  });
  after(() => server.stop());

  it("/healthz follows the health check", async () => {
    healthy = true;
    assert.equal((await fetchText(port, "/healthz")).status, 200);
    healthy = false;
    assert.equal((await fetchText(port, "/healthz")).status, 503);
    assert.ok(checks >= 2);
  });

  it("/readyz is 503 until the caller says ready", async () => {
    assert.equal((await fetchText(port, "/readyz")).status, 503);
    server.setReady(true);
    assert.equal((await fetchText(port, "/readyz")).status, 200);
  });

  it("/readyz reports details without changing its status", async () => {
    server.setReady(true);
    server.setDetail("rebuild", "failing since 12:00:00\nboom");
    const res = await fetchText(port, "/readyz");
    assert.equal(res.status, 200);
    assert.equal(res.body, "ok\nrebuild: failing since 12:00:00 boom\n");
    server.setDetail("rebuild", undefined);
    assert.equal((await fetchText(port, "/readyz")).body, "ok\n");
  });

  it("/metrics serves the registry in Prometheus text format, process metrics prefixed contour_", async () => {
    const res = await fetchText(port, "/metrics");
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/plain; version=0\.0\.4/);
    assert.match(res.body, /^contour_process_resident_memory_bytes \d+/m);
    assert.match(res.body, /^contour_nodejs_eventloop_lag_seconds /m);
    // Unprefixed too, under the names upstream's Go process collector uses.
    assert.match(res.body, /^process_resident_memory_bytes \d+/m);
    assert.match(res.body, /^process_cpu_seconds_total /m);
  });

  it("answers 404 elsewhere", async () => {
    assert.equal((await fetchText(port, "/nope")).status, 404);
  });
});
