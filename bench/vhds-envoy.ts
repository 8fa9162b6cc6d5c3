// What one changed plain-HTTP host costs Envoy itself at N hosts: the controller's real pipeline
// (N Ingresses, each with its own Service and EndpointSlice, as bench/pipeline.js) served over delta
// ADS to one real Envoy, then one Ingress changed at a time; the figure is the time from the end of
// publish() until Envoy ACKed the new virtual host (VHDS), the part of change → served that the controller
// cannot shorten. Envoy rebuilds its whole route table of the listener on every VHDS update, so this
// grows with N. Prints a table; asserts nothing.
//   node dist/bench/vhds-envoy.js [N ...]          default 1,000 and 10,000
//   BENCH_VHDS_VARIANT=no-metadata|no-port-domains  the same with the routes' metadata, or the
//                                                   "<fqdn>:*" domains, taken out of every host
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import bunyan from "bunyan";
import { Registry } from "prom-client";
import { createRunDir, freePort, httpGet, startEnvoy, waitFor, type Envoy } from "../e2e/harness/index.js";
import { ingress, path, rule } from "../controllers/source/testdata/fixtures.js";
import { generateCertificates } from "../operator/certgen/index.js";
import { createPipeline } from "../operator/pipeline/pipeline.js";
import { bootstrapOptions, buildBootstrap, DEFAULT_XDS_SERVER_NAME } from "../xds/bootstrap/index.js";
import { createSnapshotCache } from "../xds/cache/snapshot-cache.js";
import type { EnvoyResources } from "../xds/resources.js";
import type { VirtualHost } from "../xds/gen/envoy/config/route/v3/route_components_pb.js";
import { createXdsServer } from "../xds/server/xds-server.js";
import { applyIngressWorkload } from "./ingress-workload.js";
import { acceptWatcher } from "./xds-accept-watcher.js";

const CHANGES = 9;
const VARIANT = process.env["BENCH_VHDS_VARIANT"] ?? "as served";

/** The virtual hosts as the variant serves them (the same objects when nothing is taken out). */
function variantHost(host: VirtualHost): VirtualHost {
  if (VARIANT === "no-metadata") return { ...host, routes: host.routes.map((r) => ({ ...r, metadata: undefined })) };
  if (VARIANT === "no-port-domains") return { ...host, domains: host.domains.filter((d) => !d.endsWith(":*")) };
  return host;
}

function variantResources(r: EnvoyResources): EnvoyResources {
  if (VARIANT === "as served") return r;
  const { changes: _changes, ...rest } = r;
  return { ...rest, virtualHosts: (r.virtualHosts ?? []).map(variantHost) };
}

/** CPU time (user + system, ms) a process uses over `ms` of wall time, from /proc/<pid>/stat. */
async function cpuOver(pid: number | undefined, ms: number): Promise<number> {
  if (pid === undefined) return NaN;
  const ticks = (): number => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  };
  const before = ticks();
  await new Promise((r) => setTimeout(r, ms));
  return ((ticks() - before) * 1000) / 100;
}

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
    const first = cache.publish(variantResources(pipeline.build().resources));
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
      // From the end of publish(): a variant's resources lose their change list, so its publish is a
      // full snapshot build, which is not Envoy's time.
      const next = cache.publish(variantResources(pipeline.build().resources));
      const start = performance.now();
      await watcher.until("virtualHost", next.types["type.googleapis.com/envoy.config.route.v3.VirtualHost"]?.version ?? "");
      latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 300));
    }
    // Envoy's CPU while nothing changes (a periodic stats flush would walk every stat of every cluster).
    const idleCpuMs = await cpuOver(envoy.process.pid, 10_000);
    const heap = await envoy.admin.stat("server.memory_allocated");
    return [String(n), VARIANT, `${(coldMs / 1000).toFixed(1)} s`, `${median(latencies).toFixed(0)} ms`, `${Math.min(...latencies).toFixed(0)}–${Math.max(...latencies).toFixed(0)} ms`, `${((heap ?? 0) / 1048576).toFixed(0)} MiB`, `${(idleCpuMs / 100).toFixed(1)} %`];
  } finally {
    await envoy?.stop();
    await server.close();
    runDir.remove();
  }
}

const sizes = process.argv.slice(2).map(Number);
const rows: string[][] = [];
for (const n of sizes.length > 0 ? sizes : [1000, 10000]) rows.push(await run(n));
console.log("| Ingresses | virtual hosts | Envoy cold (start → last host answers) | one changed host: published → VHDS ACK, median | range | Envoy heap | Envoy CPU at rest (of one core, over 10 s) |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(`(${CHANGES} changes each, one at a time, 300 ms apart; the ACK comes once Envoy has built the new route table)`);
