import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNullLogger } from "../log.js";
import { parseOpenConnections, runShutdown, startShutdownManager } from "./index.js";

const STATS = `# TYPE envoy_http_downstream_cx_active gauge
envoy_http_downstream_cx_active{envoy_http_conn_manager_prefix="admin"} 1
envoy_http_downstream_cx_active{envoy_http_conn_manager_prefix="stats"} 2
envoy_http_downstream_cx_active{envoy_http_conn_manager_prefix="ingress_http"} 3
envoy_http_downstream_cx_active{envoy_http_conn_manager_prefix="ingress_https"} 4
`;

describe("operator/envoy", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "contour-shutdown-test-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe("parseOpenConnections", () => {
    it("sums every connection manager but admin and stats", () => assert.equal(parseOpenConnections(STATS), 7));
    it("is an error when the gauge is missing", () => assert.ok(parseOpenConnections("# nothing\n") instanceof Error));
    it("counts zero when only probes are connected", () => assert.equal(parseOpenConnections(STATS.split("\n").slice(0, 3).join("\n")), 0));
  });

  describe("runShutdown against an admin socket", () => {
    // Stands in for Envoy's admin API on a unix socket; the e2e test uses a real Envoy.
    async function fakeAdmin(open: number[]): Promise<{ socketPath: string; calls: string[]; close: () => void }> {
      const socketPath = join(dir, "admin.sock");
      const calls: string[] = [];
      const server = http.createServer((req, res) => {
        calls.push(`${req.method} ${req.url}`);
        if (req.method === "POST" && req.url === "/healthcheck/fail") return void res.end("OK\n");
        const n = open.length > 1 ? open.shift() : open[0];
        res.end(`# TYPE envoy_http_downstream_cx_active gauge\nenvoy_http_downstream_cx_active{envoy_http_conn_manager_prefix="ingress_http"} ${n}\n`);
      });
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      return { socketPath, calls, close: () => server.close() };
    }

    it("fails health checks, polls until the minimum, then writes the ready file", async () => {
      const admin = await fakeAdmin([5, 2, 1, 0]);
      const readyFile = join(dir, "ok");
      const sleeps: number[] = [];
      const outcome = await runShutdown({
        admin: { socketPath: admin.socketPath },
        drainDelayMs: 0, checkDelayMs: 0, checkIntervalMs: 10, drainTimeoutMs: 0, minOpenConnections: 1, readyFile,
        log: createNullLogger(),
        sleep: async (ms) => void sleeps.push(ms),
      });
      admin.close();
      assert.deepEqual(outcome, { kind: "drained", openConnections: 1 });
      assert.equal(admin.calls[0], "POST /healthcheck/fail");
      assert.equal(admin.calls.length, 4, admin.calls.join(", "));
      assert.ok(existsSync(readyFile));
    });

    it("gives up at the drain timeout", async () => {
      const admin = await fakeAdmin([9]);
      let clock = 0;
      const outcome = await runShutdown({
        admin: { socketPath: admin.socketPath },
        drainDelayMs: 0, checkDelayMs: 0, checkIntervalMs: 1_000, drainTimeoutMs: 3_000, minOpenConnections: 0, readyFile: join(dir, "ok"),
        log: createNullLogger(),
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
      });
      admin.close();
      assert.deepEqual(outcome, { kind: "deadline", openConnections: 9 });
      assert.ok(existsSync(join(dir, "ok")));
    });
  });

  describe("startShutdownManager", () => {
    it("serves /healthz and answers /shutdown only once the ready file exists", async () => {
      const readyFile = join(dir, "ok");
      const manager = await startShutdownManager({ port: 0, address: "127.0.0.1", readyFile, checkIntervalMs: 20, log: createNullLogger() });
      try {
        const get = (path: string) => fetch(`http://127.0.0.1:${manager.port}${path}`).then(async (r) => ({ status: r.status, body: await r.text() }));
        assert.deepEqual(await get("/healthz"), { status: 200, body: "OK" });
        let answered = false;
        const shutdown = get("/shutdown").then((r) => ((answered = true), r));
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(answered, false, "/shutdown must wait for the ready file");
        writeFileSync(readyFile, "");
        assert.deepEqual(await shutdown, { status: 200, body: "OK" });
      } finally {
        await manager.close();
      }
    });
  });
});
