// Prints what the in-memory pipeline costs at growing sizes: a cold build of N Ingresses (each with
// its own Service and EndpointSlice), then one changed Ingress and one changed EndpointSlice, and
// the snapshot publish after each. No I/O: this is the controller's CPU cost per change.
// Each change is repeated on different objects and the median printed (the first change after a
// cold build also pays for compiling the code paths of small changes). Sizes: `node
// dist/bench/pipeline.js 1000 100000`; default 100, 1,000, 10,000 and 100,000. Run with
// --expose-gc to have the heap measured after a collection.
//
// `--gateway [N ...]` (default 1,000 and 10,000) measures the same for N root HTTPProxies and for
// N HTTPRoutes on one Gateway, side by side, each workload in a process of its own so that the
// controller's peak RSS is that workload's alone.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import type { KubernetesObject } from "@kubernetes/client-node";
import { endpointSlice, ingress, path, rule } from "../controllers/source/testdata/fixtures.js";
import { applyIngressWorkload } from "./ingress-workload.js";
import { applyGatewayWorkload, applyHTTPProxyWorkload, BENCH_GATEWAY_OPTIONS, benchHTTPProxy, benchHTTPRoute } from "./gateway-workload.js";
import { createPipeline, type Pipeline, type PipelineOptions } from "../operator/pipeline/pipeline.js";
import type { WatchedKind } from "../controllers/source/object-cache.js";
import { createSnapshotCache } from "../xds/cache/index.js";

/** Changes of each kind measured per size. */
const REPEATS = 11;

const fmt = (ms: number): string => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/** One workload: how to fill a pipeline with N sources and how to change source i (k-th change). */
interface Workload {
  readonly options: PipelineOptions;
  fill(pipeline: Pipeline, n: number): void;
  route(i: number, k: number): { kind: WatchedKind; obj: KubernetesObject };
}

const WORKLOADS: Readonly<Record<string, Workload>> = {
  Ingresses: {
    options: { translate: {} },
    fill: applyIngressWorkload,
    route: (i) => ({ kind: "Ingress", obj: ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path("/v2", `svc-${i}`, 80))] }, { namespace: `team-${i % 50}`, resourceVersion: "2" }) }),
  },
  HTTPProxies: {
    options: { translate: {} },
    fill: applyHTTPProxyWorkload,
    route: (i, k) => ({ kind: "HTTPProxy", obj: benchHTTPProxy(i, "/v2", String(k + 1)) }),
  },
  // The Gateway stage configured as contour serve configures it; the Gateway itself never changes here.
  HTTPRoutes: {
    options: { translate: {}, gateway: BENCH_GATEWAY_OPTIONS },
    fill: applyGatewayWorkload,
    route: (i, k) => ({ kind: "HTTPRoute", obj: benchHTTPRoute(i, "/v2", String(k + 1)) }),
  },
};

/** Wall time and CPU time (every thread of the process: the collector's helpers too), in ms. */
function timedCpu<T>(fn: () => T): [T, number, number] {
  const cpu = process.cpuUsage();
  const [value, wall] = timed(fn);
  const used = process.cpuUsage(cpu);
  return [value, wall, (used.user + used.system) / 1000];
}

function run(workload: Workload, n: number): string[] {
  const pipeline = createPipeline(workload.options);
  const cache = createSnapshotCache();
  workload.fill(pipeline, n);
  const [cold, coldBuild, coldBuildCpu] = timedCpu(() => pipeline.build());
  const [, coldPublish, coldPublishCpu] = timedCpu(() => cache.publish(cold.resources));

  const route: { build: number[]; publish: number[]; cpu: number[] } = { build: [], publish: [], cpu: [] };
  const endpoint: { build: number[]; publish: number[]; cpu: number[] } = { build: [], publish: [], cpu: [] };
  for (let k = 1; k <= REPEATS; k++) {
    const i = Math.floor((n * k) / (REPEATS + 1));
    const ns = `team-${i % 50}`;
    const changed = workload.route(i, k);
    pipeline.apply(changed.kind, "update", changed.obj);
    const [routeChange, routeBuild, routeBuildCpu] = timedCpu(() => pipeline.build());
    const [, routePublish, routePublishCpu] = timedCpu(() => cache.publish(routeChange.resources));
    route.cpu.push(routeBuildCpu + routePublishCpu);
    route.build.push(routeBuild);
    route.publish.push(routePublish);

    pipeline.apply("EndpointSlice", "update", endpointSlice(`svc-${i}-a`, `svc-${i}`, ["10.200.0.1", "10.200.0.2"], 8080, "http", { namespace: ns, resourceVersion: "2" }));
    const [endpointChange, endpointBuild, endpointBuildCpu] = timedCpu(() => pipeline.build());
    const [, endpointPublish, endpointPublishCpu] = timedCpu(() => cache.publish(endpointChange.resources));
    endpoint.cpu.push(endpointBuildCpu + endpointPublishCpu);
    endpoint.build.push(endpointBuild);
    endpoint.publish.push(endpointPublish);
  }
  (globalThis as { gc?: () => void }).gc?.();
  const heapMiB = (process.memoryUsage().heapUsed / 1048576).toFixed(0);
  const rssMiB = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  const both = (c: typeof route): string => fmt(median(c.build.map((b, j) => b + (c.publish[j] ?? 0))));
  return [
    String(n),
    fmt(coldBuild),
    fmt(coldPublish),
    fmt(coldBuildCpu + coldPublishCpu),
    fmt(median(route.build)),
    fmt(median(route.publish)),
    both(route),
    fmt(median(route.cpu)),
    fmt(median(endpoint.build)),
    fmt(median(endpoint.publish)),
    both(endpoint),
    fmt(median(endpoint.cpu)),
    `${heapMiB} MiB`,
    `${rssMiB} MiB`,
  ];
}

const header = [
  "sources",
  "cold build",
  "cold publish",
  "cold: CPU",
  "1 route: build",
  "1 route: publish",
  "1 route: both",
  "1 route: CPU",
  "1 endpoint: build",
  "1 endpoint: publish",
  "1 endpoint: both",
  "1 endpoint: CPU",
  "heap used",
  "peak RSS",
];

function print(rows: string[][]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log(`(medians of ${REPEATS} changes of each kind; "both" is the median of build + publish; peak RSS is the process's;`);
  console.log(` "CPU" columns are CPU time, build + publish, every thread of the process, which a loaded machine inflates far less than wall time)`);
}

/** Runs one workload at one size in a child process (the same script with --one) and returns its row. */
function runAlone(kind: string, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--one", kind, String(n)], { execArgv: [...process.execArgv, "--expose-gc"] });
    let row: string[] | undefined;
    child.on("message", (m) => (row = m as string[]));
    child.on("error", reject);
    child.on("exit", (code) => (row !== undefined && code === 0 ? resolve(row) : reject(new Error(`${kind} at ${n}: exit code ${code}`))));
  });
}

async function main(args: readonly string[]): Promise<void> {
  if (args[0] === "--one") {
    const workload = WORKLOADS[args[1] ?? ""];
    if (workload === undefined) throw new Error(`unknown workload ${args[1]}`);
    process.send?.(run(workload, Number(args[2])));
    return;
  }
  if (args[0] === "--gateway") {
    const sizes = args.length > 1 ? args.slice(1).map(Number) : [1000, 10000];
    const rows: string[][] = [];
    for (const n of sizes) {
      for (const kind of ["HTTPProxies", "HTTPRoutes"]) {
        const row = await runAlone(kind, n);
        rows.push([`${row[0]} ${kind}`, ...row.slice(1)]);
      }
    }
    print(rows);
    return;
  }
  const sizes = args.length > 0 ? args.map(Number) : [100, 1000, 10000, 100000];
  print(sizes.map((n) => run(WORKLOADS.Ingresses as Workload, n)));
}

await main(process.argv.slice(2));
