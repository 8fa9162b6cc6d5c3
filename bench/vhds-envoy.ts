// What one changed plain-HTTP host costs Envoy itself at N hosts: the controller's real pipeline
// (N Ingresses, each with its own Service and EndpointSlice, as bench/pipeline.js) served over delta
// ADS to one real Envoy, then one Ingress changed at a time; the figure is the time from the end of
// publish() until Envoy ACKed the new virtual host (VHDS), the part of change → served that the controller
// cannot shorten. Envoy rebuilds its whole route table of the listener on every VHDS update, so this
// grows with N. Prints a table; asserts nothing.
//   node dist/bench/vhds-envoy.js [N ...]          default 1,000 and 10,000
// (The README's "before" rows, with route source metadata and "<fqdn>:*" domains taken out one at a
// time, were measured with variants of this script at commit 2ac89f0; both are now what is served.)
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import bunyan from "bunyan";
import { Registry } from "prom-client";
import { createRunDir, freePort, httpGet, startEnvoy, waitFor, type Envoy } from "../e2e/harness/index.js";
import { ingress, path, rule } from "../controllers/source/testdata/fixtures.js";
import { generateCertificates } from "../operator/certgen/index.js";
import { createPipeline } from "../operator/pipeline/pipeline.js";
import { bootstrapOptions, buildBootstrap, DEFAULT_XDS_SERVER_NAME } from "../xds/bootstrap/index.js";
import { createSnapshotCache } from "../xds/cache/snapshot-cache.js";
import { createXdsServer } from "../xds/server/xds-server.js";
import { applyIngressWorkload } from "./ingress-workload.js";
import { procStats } from "./side-by-side/measure.js";
import { acceptWatcher } from "./xds-accept-watcher.js";

const CHANGES = 9;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function run(n: number): Promise<string[]> {
  const runDir = createRunDir(`bench-vhds-envoy-${n}`);
  const httpPort = await freePort();
  const pipeline = createPipeline({ translate: { httpAddress: "127.0.0.1", httpPort, httpsAddress: "127.0.0.1", httpsPort: await freePort() } });
  applyIngressWorkload(pipeline, n);
  const cache = createSnapshotCache();
  const watcher = acceptWatcher();
  const logger = bunyan.createLogger({ name: "bench", streams: [{ type: "raw", stream: watcher.stream, level: "debug" }] });
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
    const first = cache.publish(pipeline.build().resources);
    const bootstrap = buildBootstrap(
      bootstrapOptions({
        nodeId: "bench-vhds",
        xdsPort: port,
        xdsMode: "delta",
        admin: { kind: "tcp", address: "127.0.0.1", port: 0 },
        xdsTls: { caFile: tls.caFile, certFile: file("envoy.crt", certs.envoyCert), keyFile: file("envoy.key", certs.envoyKey), serverName: DEFAULT_XDS_SERVER_NAME },
      }),
    );
    const started = performance.now();
    envoy = await startEnvoy({ runDir, bootstrap: bootstrap as Record<string, unknown>, waitUntil: "admin", startTimeoutMs: 300_000, logLevel: "warn" });
    await watcher.until("virtualHost", first.types["type.googleapis.com/envoy.config.route.v3.VirtualHost"]?.version ?? "");
    const last = `host-${n - 1}.example.com`;
    await waitFor(async () => (await httpGet(`http://127.0.0.1:${httpPort}/`, { host: last }).catch(() => undefined))?.status !== undefined, { timeoutMs: 300_000, intervalMs: 100, description: `Envoy to answer for ${last}` });
    const coldMs = performance.now() - started;

    const latencies: number[] = [];
    for (let k = 1; k <= CHANGES; k++) {
      const i = Math.floor((n * k) / (CHANGES + 1));
      pipeline.apply("Ingress", "update", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path("/", `svc-${i}`, 80), path(`/v${k}`, `svc-${i}`, 80))] }, { namespace: `team-${i % 50}`, resourceVersion: String(k + 1) }));
      // From the end of publish(): the controller's own time is not Envoy's.
      const next = cache.publish(pipeline.build().resources);
      const start = performance.now();
      await watcher.until("virtualHost", next.types["type.googleapis.com/envoy.config.route.v3.VirtualHost"]?.version ?? "");
      latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 300));
    }
    // Envoy's CPU while nothing changes (a periodic stats flush would walk every stat of every cluster).
    const pid = envoy.process.pid;
    const cpuBefore = pid === undefined ? NaN : procStats(pid).cpuSeconds;
    await new Promise((r) => setTimeout(r, 10_000));
    const idleShare = pid === undefined ? NaN : (procStats(pid).cpuSeconds - cpuBefore) / 10;
    const heap = await envoy.admin.stat("server.memory_allocated");
    return [String(n), `${(coldMs / 1000).toFixed(1)} s`, `${median(latencies).toFixed(0)} ms`, `${Math.min(...latencies).toFixed(0)}–${Math.max(...latencies).toFixed(0)} ms`, `${((heap ?? 0) / 1048576).toFixed(0)} MiB`, `${(idleShare * 100).toFixed(1)} %`];
  } finally {
    await envoy?.stop();
    await server.close();
    runDir.remove();
  }
}

const sizes = process.argv.slice(2).map(Number);
const rows: string[][] = [];
for (const n of sizes.length > 0 ? sizes : [1000, 10000]) rows.push(await run(n));
console.log("| Ingresses | Envoy cold (start → last host answers) | one changed host: published → VHDS ACK, median | range | Envoy heap | Envoy CPU at rest (of one core, over 10 s) |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(`(${CHANGES} changes each, one at a time, 300 ms apart; the ACK comes once Envoy has built the new route table)`);
