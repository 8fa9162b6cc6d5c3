// Prints where a one-route and a one-endpoint change spend their CPU time at N Ingresses (default
// 10,000): the top functions by self time in a CPU profile of a few changes, build and publish.
// A function whose share grows with N is work that does not follow the size of the change.
import { Session, type Profiler } from "node:inspector";
import { endpointSlice, ingress, path, rule } from "../controllers/source/testdata/fixtures.js";
import { applyIngressWorkload } from "./ingress-workload.js";
import { createPipeline } from "../operator/pipeline/pipeline.js";
import { createSnapshotCache } from "../xds/cache/index.js";

const n = Number(process.argv[2] ?? 10000);
const changes = Number(process.argv[3] ?? 20);
const top = Number(process.argv[4] ?? 15);

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object): Promise<T> =>
  new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));

const pipeline = createPipeline({ translate: {} });
const cache = createSnapshotCache();
applyIngressWorkload(pipeline, n);
cache.publish(pipeline.build().resources);

function routeChange(k: number): void {
  const i = (k * 7919) % n;
  const ns = `team-${i % 50}`;
  pipeline.apply("Ingress", "update", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path(`/v${k}`, `svc-${i}`, 80))] }, { namespace: ns, resourceVersion: `r${k}` }));
  cache.publish(pipeline.build().resources);
}

function endpointChange(k: number): void {
  const i = (k * 7919) % n;
  const ns = `team-${i % 50}`;
  pipeline.apply("EndpointSlice", "update", endpointSlice(`svc-${i}-a`, `svc-${i}`, [`10.201.${k & 255}.1`], 8080, "http", { namespace: ns, resourceVersion: `e${k}` }));
  cache.publish(pipeline.build().resources);
}

async function profile(label: string, change: (k: number) => void): Promise<void> {
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  const start = performance.now();
  for (let k = 1; k <= changes; k++) change(k);
  const elapsed = performance.now() - start;
  const { profile } = await post<{ profile: Profiler.Profile }>("Profiler.stop");
  const self = new Map<string, number>();
  const dt = profile.timeDeltas ?? [];
  const byId = new Map(profile.nodes.map((node) => [node.id, node] as const));
  (profile.samples ?? []).forEach((id, i) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const f = node.callFrame;
    const where = f.url === "" ? "" : ` ${f.url.replace(/^.*\/dist\//, "").replace(/^.*node_modules\//, "")}:${f.lineNumber + 1}`;
    const key = `${f.functionName || "(anonymous)"}${where}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  // The inspector's own dispatch and idle time are not the change's.
  for (const key of [...self.keys()]) if (key.startsWith("dispatch") || key.startsWith("(program)") || key.startsWith("(idle)")) self.delete(key);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${label} at ${n} Ingresses: ${changes} changes, ${(elapsed / changes).toFixed(2)} ms each (build + publish, profiler on)`);
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${(ms / changes).toFixed(3).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}

await profile("one-route change", routeChange);
await profile("one-endpoint change", endpointChange);
session.disconnect();
