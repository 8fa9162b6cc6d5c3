// Prints what the in-memory pipeline costs at growing sizes: a cold build of N Ingresses (each with
// its own Service and EndpointSlice), then one changed Ingress and one changed EndpointSlice, and
// the snapshot publish after each. No I/O: this is the controller's CPU cost per change.
// Each change is repeated on different objects and the median printed (the first change after a
// cold build also pays for compiling the code paths of small changes). Sizes: `node
// dist/bench/pipeline.js 1000 100000`; default 100, 1,000, 10,000 and 100,000. Run with
// --expose-gc to have the heap measured after a collection.
import { performance } from "node:perf_hooks";
import { endpointSlice, ingress, path, rule } from "../controllers/source/testdata/fixtures.js";
import { applyIngressWorkload } from "./ingress-workload.js";
import { createPipeline } from "../operator/pipeline/pipeline.js";
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

/** Wall time and CPU time (every thread of the process: the collector's helpers too), in ms. */
function timedCpu<T>(fn: () => T): [T, number, number] {
  const cpu = process.cpuUsage();
  const [value, wall] = timed(fn);
  const used = process.cpuUsage(cpu);
  return [value, wall, (used.user + used.system) / 1000];
}

function run(n: number): string[] {
  const pipeline = createPipeline({ translate: {} });
  const cache = createSnapshotCache();
  applyIngressWorkload(pipeline, n);
  const [cold, coldBuild, coldBuildCpu] = timedCpu(() => pipeline.build());
  const [, coldPublish, coldPublishCpu] = timedCpu(() => cache.publish(cold.resources));

  const route: { build: number[]; publish: number[]; cpu: number[] } = { build: [], publish: [], cpu: [] };
  const endpoint: { build: number[]; publish: number[]; cpu: number[] } = { build: [], publish: [], cpu: [] };
  for (let k = 1; k <= REPEATS; k++) {
    const i = Math.floor((n * k) / (REPEATS + 1));
    const ns = `team-${i % 50}`;
    pipeline.apply("Ingress", "update", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path("/v2", `svc-${i}`, 80))] }, { namespace: ns, resourceVersion: "2" }));
    const [routeChange, routeBuild, routeBuildCpu] = timedCpu(() => pipeline.build());
    const [, routePublish, routePublishCpu] = timedCpu(() => cache.publish(routeChange.resources));
    route.build.push(routeBuild);
    route.publish.push(routePublish);
    route.cpu.push(routeBuildCpu + routePublishCpu);

    pipeline.apply("EndpointSlice", "update", endpointSlice(`svc-${i}-a`, `svc-${i}`, ["10.200.0.1", "10.200.0.2"], 8080, "http", { namespace: ns, resourceVersion: "2" }));
    const [endpointChange, endpointBuild, endpointBuildCpu] = timedCpu(() => pipeline.build());
    const [, endpointPublish, endpointPublishCpu] = timedCpu(() => cache.publish(endpointChange.resources));
    endpoint.build.push(endpointBuild);
    endpoint.publish.push(endpointPublish);
    endpoint.cpu.push(endpointBuildCpu + endpointPublishCpu);
  }
  (globalThis as { gc?: () => void }).gc?.();
  const heapMiB = (process.memoryUsage().heapUsed / 1048576).toFixed(0);
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
  ];
}

const header = [
  "Ingresses",
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
];
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100, 1000, 10000, 100000];
const rows: string[][] = [];
const widths = header.map((h) => h.length);
const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
for (const n of sizes) {
  const row = run(n);
  rows.push(row);
  row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
}
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
console.log(`(medians of ${REPEATS} changes of each kind; "both" is the median of build + publish; "CPU" columns are`);
console.log(` CPU time (build + publish, every thread of the process), which a loaded machine inflates far less than wall time)`);
