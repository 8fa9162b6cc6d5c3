// Envoy's part of a cold start: the side-by-side benchmark's cluster of N root HTTPProxies (the same
// objects, bench/side-by-side/objects.ts) built by the controller's real pipeline in this process
// (no API server, no status writes), served over ADS to one real Envoy started afterwards, and the
// time and Envoy CPU until the side-by-side's sampled routes all answer. Prints a timeline of the
// xDS responses per type (first sent, last ACKed, responses, bytes), then one row per size. Asserts
// nothing.
//   node dist/bench/envoy-cold.js [N ...]         default 10,000
//   BENCH_XDS_MODE=sotw node dist/bench/envoy-cold.js 10000
//   BENCH_ENVOY_LOG=config:debug,upstream:debug   Envoy's own component log levels (its log is kept)
//   BENCH_BOOTSTRAP_MERGE='{"key":…}'             top-level keys merged into the bootstrap (to try an Envoy setting)
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import bunyan from "bunyan";
import { Registry } from "prom-client";
import { createRunDir, freePort, startBackends, startEnvoy, type Envoy } from "../e2e/harness/index.js";
import { selfSignedCert } from "../e2e/fixtures/serving-cert.js";
import { generateCertificates } from "../operator/certgen/index.js";
import { createPipeline } from "../operator/pipeline/pipeline.js";
import { bootstrapOptions, buildBootstrap, DEFAULT_XDS_SERVER_NAME, type XdsMode } from "../xds/bootstrap/index.js";
import { createSnapshotCache } from "../xds/cache/snapshot-cache.js";
import { createXdsServer } from "../xds/server/xds-server.js";
import { applyHttpProxyWorkload } from "./httpproxy-workload.js";
import { MIX, makePlan, sampleRoots } from "./side-by-side/objects.js";
import { procStats, waitAllServed, type Target } from "./side-by-side/measure.js";

const MODE = (process.env["BENCH_XDS_MODE"] ?? "delta") as XdsMode;
const ENVOY_LOG = process.env["BENCH_ENVOY_LOG"];
const BOOTSTRAP_MERGE = JSON.parse(process.env["BENCH_BOOTSTRAP_MERGE"] ?? "{}") as Record<string, unknown>;
const SAMPLE = 50;

/** Per xDS type: when its first response went out and its last was ACKed (ms from Envoy's spawn). */
interface TypeTimeline {
  firstSentMs: number;
  lastSentMs: number;
  lastAckMs: number;
  responses: number;
  resources: number;
  bytes: number;
}

function timelineRecorder(origin: () => number) {
  const types = new Map<string, TypeTimeline>();
  const stream = {
    write(raw: object) {
      const record = raw as Record<string, unknown>;
      const msg = record["msg"];
      if (msg !== "xDS response sent" && msg !== "xDS response accepted") return;
      const type = String(record["type"]).replace(/^.*\./, "");
      const now = performance.now() - origin();
      const t = types.get(type) ?? { firstSentMs: now, lastSentMs: now, lastAckMs: NaN, responses: 0, resources: 0, bytes: 0 };
      if (msg === "xDS response sent") {
        t.lastSentMs = now;
        t.responses++;
        t.resources += Number(record["resources"] ?? 0);
        t.bytes += Number(record["bytes"] ?? 0);
      } else {
        t.lastAckMs = now;
      }
      types.set(type, t);
    },
  };
  return { stream, types };
}

async function run(n: number): Promise<string[]> {
  const runDir = createRunDir(`bench-envoy-cold-${n}`);
  const plan = makePlan(n, 20);
  const backends = await startBackends(plan.backendNames);
  const cert = await selfSignedCert([`*.${MIX.domain}`]);
  const ports = { http: await freePort(), https: await freePort() };
  const pipeline = createPipeline({ translate: { httpAddress: "127.0.0.1", httpPort: ports.http, httpsAddress: "127.0.0.1", httpsPort: ports.https } });
  applyHttpProxyWorkload(pipeline, plan, new Map(backends.map((b) => [b.name, { ip: b.host, port: b.port }])), cert);
  const buildStart = performance.now();
  const cache = createSnapshotCache();
  cache.publish(pipeline.build().resources);
  const buildMs = performance.now() - buildStart;

  let spawnedAt = 0;
  const recorder = timelineRecorder(() => spawnedAt);
  const logger = bunyan.createLogger({ name: "bench", streams: [{ type: "raw", stream: recorder.stream, level: "debug" }] });
  const certs = await generateCertificates({ namespace: "projectcontour", lifetimeDays: 1 });
  const file = (name: string, text: string): string => {
    writeFileSync(runDir.file(name), text);
    return runDir.file(name);
  };
  const tls = { caFile: file("ca.crt", certs.caCert), certFile: file("contour.crt", certs.contourCert), keyFile: file("contour.key", certs.contourKey) };
  const server = createXdsServer({ cache, address: "127.0.0.1", port: 0, tls, logger, registry: new Registry() });
  let envoy: Envoy | undefined;
  try {
    const { port } = await server.listen();
    const bootstrap = buildBootstrap(
      bootstrapOptions({
        nodeId: "bench-envoy-cold",
        xdsPort: port,
        xdsMode: MODE,
        admin: { kind: "tcp", address: "127.0.0.1", port: 0 },
        xdsTls: { caFile: tls.caFile, certFile: file("envoy.crt", certs.envoyCert), keyFile: file("envoy.key", certs.envoyKey), serverName: DEFAULT_XDS_SERVER_NAME },
      }),
    );
    spawnedAt = performance.now();
    envoy = await startEnvoy({
      runDir,
      bootstrap: { ...(bootstrap as Record<string, unknown>), ...BOOTSTRAP_MERGE },
      waitUntil: "admin",
      startTimeoutMs: 300_000,
      logLevel: "warn",
      ...(ENVOY_LOG !== undefined ? { componentLogLevel: ENVOY_LOG } : {}),
    });
    const adminMs = performance.now() - spawnedAt;
    const targets: Target[] = sampleRoots(plan, SAMPLE).flatMap((r) => [
      { fqdn: r.fqdn, tls: r.tls, path: "/", backend: r.backend },
      ...(r.include ? [{ fqdn: r.fqdn, tls: r.tls, path: "/team/x", backend: r.teamBackend }] : []),
    ]);
    const running = envoy;
    const servedAt = await waitAllServed(targets, ports, cert.certPem, 600_000, () => running.process.exitError());
    const servedMs = servedAt - (performance.timeOrigin + spawnedAt);
    const pid = envoy.process.pid;
    const cpu = pid === undefined ? NaN : procStats(pid).cpuSeconds;
    console.log(`N=${n} (${MODE}): Envoy's admin up ${(adminMs / 1000).toFixed(1)} s after spawn; ms from spawn:`);
    console.log("| type | first sent | last sent | last ACK | responses | resources | bytes |");
    console.log("|---|---|---|---|---|---|---|");
    for (const [type, t] of [...recorder.types].sort((a, b) => a[1].firstSentMs - b[1].firstSentMs)) {
      console.log(`| ${type} | ${t.firstSentMs.toFixed(0)} | ${t.lastSentMs.toFixed(0)} | ${t.lastAckMs.toFixed(0)} | ${t.responses} | ${t.resources} | ${(t.bytes / 1048576).toFixed(2)} MiB |`);
    }
    if (ENVOY_LOG !== undefined) console.log(`Envoy's log: ${runDir.file("envoy.log")}`);
    return [String(n), MODE, `${(buildMs / 1000).toFixed(1)} s`, `${(servedMs / 1000).toFixed(1)} s`, `${cpu.toFixed(1)} s`];
  } finally {
    await envoy?.stop();
    await server.close();
    await Promise.all(backends.map((b) => b.close()));
    if (ENVOY_LOG === undefined) runDir.remove();
  }
}

const sizes = process.argv.slice(2).map(Number);
const rows: string[][] = [];
for (const n of sizes.length > 0 ? sizes : [10000]) rows.push(await run(n));
console.log("| roots | xDS | build + publish (in process) | Envoy spawn → sampled routes served | Envoy CPU until then |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
