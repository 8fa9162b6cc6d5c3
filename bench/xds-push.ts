// Benchmark: time and bytes to push 10,000 clusters (with endpoints) and a route configuration of
// 10,000 routes to one Envoy over mTLS, then the bytes of one-route, one-cluster and one-endpoint
// changes, in SotW and delta. Prints a table; asserts nothing. `make bench` runs it.
//   BENCH_COUNT=2000 node dist/bench/xds-push.js     # smaller scale
//   BENCH_CLIENT=grpc node dist/bench/xds-push.js    # a grpc-js stand-in instead of Envoy
import { writeFileSync } from "node:fs";
import bunyan from "bunyan";
import { Registry } from "prom-client";
import { createRunDir, httpGet, resolveTool, startBackend, startEnvoy, waitFor, type Envoy, type RunDir } from "../e2e/harness/index.js";
import { generateCertificates } from "../operator/certgen/index.js";
import { bootstrapOptions, buildBootstrap, DEFAULT_XDS_SERVER_NAME, type XdsMode } from "../xds/bootstrap/index.js";
import { createSnapshotCache, type SnapshotCache } from "../xds/cache/snapshot-cache.js";
import { createSnapshot, type Snapshot } from "../xds/cache/snapshot.js";
import { cluster, endpoints, routeConfig, scaledResources } from "../xds/cache/testing/fixtures.js";
import { TypeUrl, type EnvoyResources } from "../xds/resources.js";
import { startFakeEnvoy } from "../xds/server/testing/fake-envoy.js";
import { createXdsTestClient } from "../xds/server/testing/xds-client.js";
import { createXdsServer } from "../xds/server/xds-server.js";
import { acceptWatcher } from "./xds-accept-watcher.js";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 10_000);
const TYPES = [
  ["cluster", TypeUrl.cluster],
  ["endpoint", TypeUrl.endpoint],
  ["listener", TypeUrl.listener],
  ["route", TypeUrl.route],
] as const;

interface Step {
  readonly label: string;
  /** Milliseconds from publish() until the changed types were ACKed. */
  readonly ms: number;
  /** Snapshot build time inside that. */
  readonly buildMs: number;
  readonly bytes: Record<string, number>;
}

async function bytesByType(registry: Registry): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric("contour_xds_push_bytes_total");
  const out: Record<string, number> = {};
  for (const v of (await metric?.get())?.values ?? []) out[String(v.labels["type"])] = v.value;
  return out;
}

const minus = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
  Object.fromEntries(TYPES.map(([name]) => [name, (a[name] ?? 0) - (b[name] ?? 0)]));

async function runMode(mode: XdsMode, useEnvoy: boolean): Promise<{ initial: Step; servingMs?: number; changes: Step[]; envoyMemory?: number }> {
  const runDir: RunDir = createRunDir(`bench-xds-push-${mode}`);
  const backend = await startBackend("bench-backend");
  const cache: SnapshotCache = createSnapshotCache();
  const registry = new Registry();
  const watcher = acceptWatcher();
  const logger = bunyan.createLogger({ name: "bench", streams: [{ type: "raw", stream: watcher.stream, level: "debug" }] });
  let envoy: Envoy | undefined;
  let fake: ReturnType<typeof startFakeEnvoy> | undefined;
  let client: ReturnType<typeof createXdsTestClient> | undefined;
  const certs = await generateCertificates({ namespace: "projectcontour", lifetimeDays: 1 });
  const file = (name: string, text: string): string => {
    writeFileSync(runDir.file(name), text);
    return runDir.file(name);
  };
  const tls = { caFile: file("ca.crt", certs.caCert), certFile: file("contour.crt", certs.contourCert), keyFile: file("contour.key", certs.contourKey) };
  const server = createXdsServer({ cache, address: "127.0.0.1", port: 0, tls, logger, registry });
  try {
    const { port } = await server.listen();
    const listenerPort = 20_000 + Math.floor(Math.random() * 20_000);
    const base = scaledResources(COUNT, { backend: `${backend.host}:${backend.port}`, port: listenerPort });

    const waitAll = async (snapshot: Snapshot, types: readonly string[]): Promise<void> => {
      for (const [name, url] of TYPES) if (types.includes(name)) await watcher.until(name, snapshot.types[url].version);
    };

    let t0 = performance.now();
    const first = cache.publish(base);
    const firstBuild = performance.now() - t0;
    t0 = performance.now();
    if (useEnvoy) {
      const bootstrap = buildBootstrap(
        bootstrapOptions({
          nodeId: `bench-${mode}`,
          xdsPort: port,
          xdsMode: mode,
          admin: { kind: "tcp", address: "127.0.0.1", port: 0 },
          xdsTls: { caFile: tls.caFile, certFile: file("envoy.crt", certs.envoyCert), keyFile: file("envoy.key", certs.envoyKey), serverName: DEFAULT_XDS_SERVER_NAME },
        }),
      );
      envoy = await startEnvoy({ runDir, bootstrap: bootstrap as Record<string, unknown>, waitUntil: "admin", startTimeoutMs: 120_000, logLevel: "warn" });
    } else {
      client = createXdsTestClient(`127.0.0.1:${port}`, { ca: Buffer.from(certs.caCert), cert: Buffer.from(certs.envoyCert), key: Buffer.from(certs.envoyKey) });
      fake = startFakeEnvoy(client, mode);
    }
    await waitAll(first, ["cluster", "endpoint", "listener", "route"]);
    const initial: Step = { label: "initial push", ms: performance.now() - t0, buildMs: firstBuild, bytes: await bytesByType(registry) };
    let servingMs: number | undefined;
    let envoyMemory: number | undefined;
    if (envoy !== undefined) {
      const last = `/svc-${String(COUNT - 1).padStart(5, "0")}`;
      await waitFor(async () => (await httpGet(`http://127.0.0.1:${listenerPort}${last}`).catch(() => undefined))?.status === 200, {
        timeoutMs: 120_000,
        intervalMs: 50,
        description: `a request for ${last} through Envoy to succeed`,
      });
      servingMs = performance.now() - t0;
      envoyMemory = await envoy.admin.stat("server.memory_allocated");
    }

    const changes: Step[] = [];
    const change = async (label: string, types: readonly string[], edit: (r: EnvoyResources) => EnvoyResources): Promise<void> => {
      const before = await bytesByType(registry);
      const start = performance.now();
      const next = cache.publish(edit(cache.current()!.resources));
      const buildMs = performance.now() - start;
      await waitAll(next, types);
      changes.push({ label, ms: performance.now() - start, buildMs, bytes: minus(await bytesByType(registry), before) });
    };
    const mid = String(Math.floor(COUNT / 2)).padStart(5, "0");
    const other = String(Math.floor(COUNT / 2) + 1).padStart(5, "0");
    await change("one route changed", ["route"], (r) => {
      const names = r.clusters.map((c) => c.name);
      const routes = names.map((n) => ({ prefix: `/${n}`, to: n === `svc-${mid}` ? `svc-${other}` : n }));
      return { ...r, routes: [routeConfig("ingress_http", routes)] };
    });
    await change("one cluster changed", ["cluster"], (r) => ({
      ...r,
      clusters: r.clusters.map((c) => (c.name === `svc-${mid}` ? cluster(c.name, { connectTimeoutSeconds: 3 }) : c)),
    }));
    await change("one endpoint changed", ["endpoint"], (r) => ({
      ...r,
      endpoints: r.endpoints.map((e) => (e.clusterName === `svc-${mid}` ? endpoints(e.clusterName, [`${backend.host}:${backend.port}`, `${backend.host}:9`]) : e)),
    }));
    return { initial, servingMs, changes, envoyMemory };
  } finally {
    fake?.stop();
    client?.close();
    await envoy?.stop();
    await server.close();
    await backend.close();
    runDir.remove();
  }
}

const kib = (n: number | undefined): string => (n === undefined ? "-" : n >= 10 * 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
const ms = (n: number | undefined): string => (n === undefined ? "-" : `${Math.round(n)} ms`);

async function main(): Promise<void> {
  let useEnvoy = process.env["BENCH_CLIENT"] !== "grpc";
  if (useEnvoy) {
    try {
      resolveTool("envoy");
    } catch (err) {
      console.error(`no Envoy (${err instanceof Error ? err.message : String(err)}); using a grpc-js client instead`);
      useEnvoy = false;
    }
  }
  // Cold snapshot build, for scale: every resource encoded and hashed.
  const t = performance.now();
  createSnapshot(scaledResources(COUNT));
  const coldBuild = performance.now() - t;

  console.log(`xDS push benchmark: ${COUNT} clusters + ${COUNT} ClusterLoadAssignments + 1 RouteConfiguration with ${COUNT} routes, to ${useEnvoy ? "one Envoy" : "a grpc-js client"} over mTLS`);
  console.log(`cold snapshot build (encode + hash everything): ${ms(coldBuild)}\n`);
  const header = ["mode", "step", "time", "snapshot build", ...TYPES.map(([n]) => `${n} bytes`), "total bytes"];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const mode of ["sotw", "delta"] as const) {
    const r = await runMode(mode, useEnvoy);
    for (const step of [r.initial, ...r.changes]) {
      const total = Object.values(step.bytes).reduce((a, b) => a + b, 0);
      rows.push([mode, step.label, ms(step.ms), ms(step.buildMs), ...TYPES.map(([n]) => kib(step.bytes[n])), kib(total)]);
    }
    if (r.servingMs !== undefined) notes.push(`${mode}: first 200 through Envoy for the last route ${ms(r.servingMs)} after Envoy started; Envoy heap ${kib(r.envoyMemory)}`);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
  if (notes.length > 0) console.log(`\n${notes.join("\n")}`);
  console.log("\ntime: publish() until Envoy ACKed every changed type (initial push: from starting Envoy); snapshot build: inside publish()");
  console.log("bytes: protobuf bytes of the xDS responses sent (contour_xds_push_bytes_total)");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
