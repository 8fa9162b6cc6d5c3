// Prints what the in-memory pipeline costs at growing sizes: a cold build of N Ingresses (each with
// its own Service and EndpointSlice), then one changed Ingress and one changed EndpointSlice, and
// the snapshot publish after each. No I/O: this is the controller's CPU cost per change.
import { performance } from "node:perf_hooks";
import { endpointSlice, ingress, path, port, rule, service } from "../controllers/source/testdata/fixtures.js";
import { createPipeline } from "../operator/pipeline/pipeline.js";
import { createSnapshotCache } from "../xds/cache/index.js";

function ms(start: number): string {
  return `${(performance.now() - start).toFixed(1)} ms`;
}

function run(n: number): string[] {
  const pipeline = createPipeline({ translate: {} });
  const cache = createSnapshotCache();
  for (let i = 0; i < n; i++) {
    const ns = `team-${i % 50}`;
    pipeline.apply("Service", "add", service(`svc-${i}`, [port(80, "http")], { namespace: ns }));
    pipeline.apply("EndpointSlice", "add", endpointSlice(`svc-${i}-a`, `svc-${i}`, [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], 8080, "http", { namespace: ns }));
    pipeline.apply("Ingress", "add", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path("/", `svc-${i}`, 80), path("/api", `svc-${i}`, "http"))] }, { namespace: ns }));
  }
  let start = performance.now();
  const cold = pipeline.build();
  const coldBuild = ms(start);
  start = performance.now();
  cache.publish(cold.resources);
  const coldPublish = ms(start);

  const i = Math.floor(n / 2);
  const ns = `team-${i % 50}`;
  pipeline.apply("Ingress", "update", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path("/v2", `svc-${i}`, 80))] }, { namespace: ns, resourceVersion: "2" }));
  start = performance.now();
  const routeChange = pipeline.build();
  const routeBuild = ms(start);
  start = performance.now();
  cache.publish(routeChange.resources);
  const routePublish = ms(start);

  pipeline.apply("EndpointSlice", "update", endpointSlice(`svc-${i}-a`, `svc-${i}`, ["10.200.0.1", "10.200.0.2"], 8080, "http", { namespace: ns, resourceVersion: "2" }));
  start = performance.now();
  const endpointChange = pipeline.build();
  const endpointBuild = ms(start);
  start = performance.now();
  cache.publish(endpointChange.resources);
  const endpointPublish = ms(start);
  const heapMiB = (process.memoryUsage().heapUsed / 1048576).toFixed(0);
  return [String(n), coldBuild, coldPublish, routeBuild, routePublish, endpointBuild, endpointPublish, `${heapMiB} MiB`];
}

const header = ["Ingresses", "cold build", "cold publish", "1 route: build", "1 route: publish", "1 endpoint: build", "1 endpoint: publish", "heap used"];
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100, 1000, 10000];
const rows = sizes.map(run);
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
