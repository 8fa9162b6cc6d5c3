// Envoy's pod as upstream's quickstart lays it out, on the bed: `contour bootstrap` writes the
// bootstrap (admin on a unix socket, the stats-health listener, SDS files), a real Envoy runs it
// against the real `contour serve`, the shutdown manager sidecar serves /shutdown, and `contour envoy
// shutdown` drains Envoy under a keep-alive request loop.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { join } from "node:path";
import process from "node:process";
import { promisify } from "node:util";
import { describe, it } from "mocha";
import { pickEnvoyPorts, startContour, writeCertificates, type CertFiles, type Contour, type EnvoyPorts } from "../fixtures/contour.js";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, kubeClients, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { findRepoRoot, freePort, httpGet, resolveTool, useTestBed, waitFor, type ManagedProcess } from "../harness/index.js";

const run = promisify(execFile);
const MAIN = join(findRepoRoot(), "dist", "operator", "main.js");
const HOST = "drain.example.com";

describe("Envoy's shutdown manager against a real Envoy", function () {
  const ctx = useTestBed({ pods: ["web-1"] });
  let certs: CertFiles;
  let ports: EnvoyPorts;
  let contour: Contour;
  let envoy: ManagedProcess;
  let adminSocket: string;
  let statsPort: number;
  let readyFile: string;

  before(async function () {
    this.timeout(90_000);
    const bed = ctx.bed;
    const kube = kubeClients(bed.apiserver.makeKubeConfig());
    await ensureNamespace(kube, "projectcontour");
    certs = await writeCertificates(bed);
    ports = await pickEnvoyPorts();
    contour = await startContour(bed, { certs, envoyPorts: ports, args: ["--log-format=json"] });
    await ensureNamespace(kube, "shop");
    await createService(kube, "shop", "web", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, "shop", "web", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createIngress(kube, "shop", "web", simpleIngressSpec(HOST, "web", 80));

    // The pod's emptyDirs: /admin (socket, ready file) and /config (bootstrap, SDS resources).
    const adminDir = bed.runDir.file("admin");
    const configDir = bed.runDir.file("config");
    mkdirSync(adminDir, { recursive: true });
    mkdirSync(configDir, { recursive: true });
    adminSocket = join(adminDir, "admin.sock");
    readyFile = join(adminDir, "ok");
    statsPort = await freePort();
    const bootstrapPath = join(configDir, "envoy.json");
    // Upstream's init container args, with the pod's paths moved into the run dir.
    await run(process.execPath, [
      MAIN, "bootstrap", bootstrapPath,
      "--xds-address=127.0.0.1", `--xds-port=${contour.xdsPort}`, "--xds-resource-version=v3",
      `--resources-dir=${join(configDir, "resources")}`,
      `--envoy-cafile=${certs.caFile}`, `--envoy-cert-file=${certs.envoyCert}`, `--envoy-key-file=${certs.envoyKey}`,
      `--admin-address=${adminSocket}`, "--stats-address=127.0.0.1", `--stats-port=${statsPort}`,
    ]);
    envoy = bed.spawn({
      name: "envoy",
      command: resolveTool("envoy"),
      args: ["-c", bootstrapPath, "--service-cluster", "projectcontour", "--service-node", "envoy-0", "--log-level", "info", "--disable-hot-restart", "--concurrency", "1"],
    });
    // The readiness probe of upstream's DaemonSet: GET :8002/ready through the stats-health listener.
    await waitFor(async () => (await httpGet(`http://127.0.0.1:${statsPort}/ready`, { timeoutMs: 1000 }).catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      description: `Envoy's stats-health /ready (log: ${envoy.logPath})`,
      bail: () => envoy.exitError(),
    });
    await waitFor(async () => (await httpGet(`http://127.0.0.1:${ports.http}/`, { host: HOST, timeoutMs: 1000 }).catch(() => undefined))?.status === 200, {
      timeoutMs: 20_000,
      description: `${HOST} to be served through Envoy`,
    });
  });

  it("serves /ready, /stats and /stats/prometheus on the stats-health listener, GET only", async () => {
    const ready = await httpGet(`http://127.0.0.1:${statsPort}/ready`);
    assert.equal(ready.status, 200);
    assert.match(ready.body, /LIVE/);
    const prom = await httpGet(`http://127.0.0.1:${statsPort}/stats/prometheus`);
    assert.equal(prom.status, 200);
    assert.match(prom.body, /envoy_http_downstream_cx_active/);
    assert.equal((await httpGet(`http://127.0.0.1:${statsPort}/stats`)).status, 200);
    assert.equal((await httpGet(`http://127.0.0.1:${statsPort}/config_dump`)).status, 404, "only the three paths reach admin");
    const post = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: statsPort, path: "/ready", method: "POST" }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      req.on("error", reject);
      req.end();
    });
    assert.equal(post, 404, "POST /ready does not reach admin");
  });

  it("drains Envoy under a keep-alive request loop: health checks fail, connections close, no request fails, shutdown returns", async function () {
    this.timeout(60_000);
    const bed = ctx.bed;
    const managerPort = await freePort();
    const manager = bed.spawn({ name: "shutdown-manager", command: process.execPath, args: [MAIN, "envoy", "shutdown-manager", `--serve-port=${managerPort}`, "--serve-address=127.0.0.1", `--ready-file=${readyFile}`] });
    await waitFor(async () => (await httpGet(`http://127.0.0.1:${managerPort}/healthz`, { timeoutMs: 500 }).catch(() => undefined))?.status === 200, {
      timeoutMs: 10_000,
      description: "the shutdown manager's /healthz",
      bail: () => manager.exitError(),
    });

    const loop = keepAliveLoop(ports.http, 4);
    await waitFor(() => loop.stats.ok >= 50, { timeoutMs: 10_000, description: () => `the loop to get going (${JSON.stringify(loop.stats)})` });
    const opened = loop.stats.connections;

    // Envoy's preStop: GET /shutdown on the sidecar, which must not answer before Envoy has drained.
    let preStopDone = false;
    const preStop = httpGet(`http://127.0.0.1:${managerPort}/shutdown`, { timeoutMs: 50_000 }).then((r) => ((preStopDone = true), r));
    // The sidecar's preStop: `contour envoy shutdown`.
    const shutdown = run(process.execPath, [MAIN, "envoy", "shutdown", `--admin-address=${adminSocket}`, "--check-interval=500ms", `--ready-file=${readyFile}`], { timeout: 50_000 });

    // Failed health checks make Envoy close each keep-alive connection after its current request.
    await waitFor(() => loop.stats.closedByEnvoy >= 4 && loop.stats.connections >= opened + 4, {
      timeoutMs: 15_000,
      description: () => `Envoy to close connections with "connection: close" (${JSON.stringify(loop.stats)})`,
    });
    assert.equal(preStopDone, false, "/shutdown answered while the loop still held connections open");
    // A load balancer stops sending once the health checks fail; the loop stops the same way.
    const final = await loop.stop();
    const loopStopped = Date.now();
    assert.deepEqual(final.failures, [], "no request failed while Envoy drained");

    const { stderr, stdout } = await shutdown;
    const drainedMs = Date.now() - loopStopped;
    assert.match(stdout + stderr, /min number of open connections found, shutting down/);
    const res = await preStop;
    assert.equal(res.status, 200);
    assert.equal(res.body, "OK");
    console.log(`      ${final.ok} requests, 0 failed; ${final.closedByEnvoy} connections closed by Envoy while draining; shutdown returned ${drainedMs} ms after the loop stopped (poll every 500 ms)`);
    await manager.stop();
  });

  it("signals done at --drain-timeout when a connection stays open", async function () {
    this.timeout(30_000);
    // An idle client connection that never sends a request: Envoy has no response to close it after.
    const idle = net.connect(ports.http, "127.0.0.1");
    await new Promise<void>((resolve, reject) => idle.once("connect", resolve).once("error", reject));
    try {
      const started = Date.now();
      const { stdout, stderr } = await run(process.execPath, [MAIN, "envoy", "shutdown", `--admin-address=${adminSocket}`, "--check-interval=500ms", "--drain-timeout=2s", `--ready-file=${readyFile}-2`], { timeout: 20_000 });
      assert.match(stdout + stderr, /drain timeout reached with connections still open/);
      assert.ok(Date.now() - started >= 1_500, "it waited for the deadline");
    } finally {
      idle.destroy();
    }
  });
});

/** `workers` concurrent keep-alive request loops through Envoy; counts connections Envoy closed. Bounded. */
function keepAliveLoop(port: number, workers: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const stats = { ok: 0, connections: 0, closedByEnvoy: 0 };
  const failures: string[] = [];
  agent.on("free", () => undefined);
  let running = true;
  const started = Date.now();
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/", agent, headers: { host: HOST }, timeout: 5_000 }, (res) => {
        if (res.headers.connection === "close") stats.closedByEnvoy++;
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 200) stats.ok++;
          else failures.push(`status ${res.statusCode}`);
          resolve();
        });
      });
      req.on("socket", (socket) => {
        if (!(socket as net.Socket & { counted?: boolean }).counted) {
          (socket as net.Socket & { counted?: boolean }).counted = true;
          stats.connections++;
        }
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (err) => (failures.push(err.message), resolve()));
      req.end();
    });
  const done = Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = 0; running && i < 20_000 && Date.now() - started < 45_000; i++) await one();
    }),
  );
  return {
    stats,
    async stop() {
      running = false;
      await done;
      agent.destroy();
      return { ...stats, failures };
    },
  };
}
