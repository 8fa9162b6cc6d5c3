// Prints where a one-route and a one-endpoint change spend their CPU time at N Ingresses (default
// 10,000): the top functions by self time in a CPU profile of a few changes, build and publish.
// A function whose share grows with N is work that does not follow the size of the change.
//   node dist/bench/pipeline-profile.js [N] [changes] [top]
//   node dist/bench/pipeline-profile.js compare N1 N2 [changes] [top] [rounds]: both sizes, each
//     function's time per change at both (the least of `rounds` profiles of `changes` changes), and
//     the functions whose time per change grows with N flagged.
import { Session, type Profiler } from "node:inspector";
import { endpointSlice, ingress, path, rule } from "../controllers/source/testdata/fixtures.js";
import { applyIngressWorkload } from "./ingress-workload.js";
import { createPipeline } from "../operator/pipeline/pipeline.js";
import { createSnapshotCache } from "../xds/cache/index.js";

/** Self time per function, in ms per change, and the wall time per change. */
interface ChangeProfile {
  readonly perChangeMs: number;
  readonly self: Map<string, number>;
}

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object): Promise<T> =>
  new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));

/** A pipeline with N Ingresses built and published, and its two kinds of change. */
function workload(n: number): { route: (k: number) => void; endpoint: (k: number) => void } {
  const pipeline = createPipeline({ translate: {} });
  const cache = createSnapshotCache();
  applyIngressWorkload(pipeline, n);
  cache.publish(pipeline.build().resources);
  return {
    route(k) {
      const i = (k * 7919) % n;
      const ns = `team-${i % 50}`;
      pipeline.apply("Ingress", "update", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path(`/v${k}`, `svc-${i}`, 80))] }, { namespace: ns, resourceVersion: `r${k}` }));
      cache.publish(pipeline.build().resources);
    },
    endpoint(k) {
      const i = (k * 7919) % n;
      const ns = `team-${i % 50}`;
      pipeline.apply("EndpointSlice", "update", endpointSlice(`svc-${i}-a`, `svc-${i}`, [`10.201.${k & 255}.1`], 8080, "http", { namespace: ns, resourceVersion: `e${k}` }));
      cache.publish(pipeline.build().resources);
    },
  };
}

async function profile(change: (k: number) => void, changes: number): Promise<ChangeProfile> {
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  const start = performance.now();
  for (let k = 1; k <= changes; k++) change(k);
  const elapsed = performance.now() - start;
  const { profile: p } = await post<{ profile: Profiler.Profile }>("Profiler.stop");
  const self = new Map<string, number>();
  const dt = p.timeDeltas ?? [];
  const byId = new Map(p.nodes.map((node) => [node.id, node] as const));
  (p.samples ?? []).forEach((id, i) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const f = node.callFrame;
    const where = f.url === "" ? "" : ` ${f.url.replace(/^.*\/dist\//, "").replace(/^.*node_modules\//, "")}:${f.lineNumber + 1}`;
    const key = `${f.functionName || "(anonymous)"}${where}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000 / changes);
  });
  // The inspector's own dispatch and idle time are not the change's.
  for (const key of [...self.keys()]) if (key.startsWith("dispatch") || key.startsWith("(program)") || key.startsWith("(idle)")) self.delete(key);
  return { perChangeMs: elapsed / changes, self };
}

function printTop(label: string, n: number, changes: number, p: ChangeProfile, top: number): void {
  const total = [...p.self.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${label} at ${n} Ingresses: ${changes} changes, ${p.perChangeMs.toFixed(2)} ms each (build + publish, profiler on)`);
  for (const [key, ms] of [...p.self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${ms.toFixed(3).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}

/**
 * Each function's self time per change at both sizes. A function whose cost follows N would take
 * about N2/N1 times as long at N2; one that follows the change takes about as long. Flagged: at
 * least 0.02 ms per change at N2 and more than 3 times its time at N1 (sampling noise on functions
 * of a few samples stays well under that).
 */
function printComparison(label: string, n1: number, n2: number, a: ChangeProfile, b: ChangeProfile, top: number): void {
  console.log(`\n${label}: ${a.perChangeMs.toFixed(2)} ms per change at ${n1}, ${b.perChangeMs.toFixed(2)} ms at ${n2} (profiler on; least of the rounds)`);
  console.log(`  ${`at ${n1}`.padStart(10)}  ${`at ${n2}`.padStart(10)}  ratio  function`);
  const keys = new Set([...[...a.self].sort((x, y) => y[1] - x[1]).slice(0, top).map(([k]) => k), ...[...b.self].sort((x, y) => y[1] - x[1]).slice(0, top).map(([k]) => k)]);
  const rows = [...keys].map((k) => [k, a.self.get(k) ?? 0, b.self.get(k) ?? 0] as const).sort((x, y) => y[2] - x[2]);
  let flagged = 0;
  for (const [k, x, y] of rows) {
    const ratio = x > 0 ? y / x : Infinity;
    const grows = y >= 0.02 && ratio > 3;
    if (grows) flagged++;
    console.log(`  ${x.toFixed(3).padStart(7)} ms  ${y.toFixed(3).padStart(7)} ms  ${(Number.isFinite(ratio) ? ratio.toFixed(1) : "new").padStart(5)}  ${k}${grows ? "   <-- grows with N" : ""}`);
  }
  console.log(flagged === 0 ? `  no function takes more than 3x as long per change at ${n2} as at ${n1}` : `  ${flagged} function(s) grow with N`);
}

/**
 * The least of several profiles, per function: a sampling profiler charges the time the process
 * spent descheduled (a loaded machine) to whatever was on the stack, which only ever adds time, so
 * the minimum over rounds keeps what the function itself costs.
 */
async function leastOf(rounds: number, change: (k: number) => void, changes: number): Promise<ChangeProfile> {
  const all: ChangeProfile[] = [];
  for (let r = 0; r < rounds; r++) all.push(await profile((k) => change(r * changes + k), changes));
  const keys = new Set(all.flatMap((p) => [...p.self.keys()]));
  const self = new Map([...keys].map((k) => [k, Math.min(...all.map((p) => p.self.get(k) ?? 0))] as const));
  return { perChangeMs: Math.min(...all.map((p) => p.perChangeMs)), self };
}

if (process.argv[2] === "compare") {
  const n1 = Number(process.argv[3] ?? 1000);
  const n2 = Number(process.argv[4] ?? 10000);
  const changes = Number(process.argv[5] ?? 100);
  const top = Number(process.argv[6] ?? 20);
  const rounds = Number(process.argv[7] ?? 5);
  const small = workload(n1);
  const routeA = await leastOf(rounds, small.route, changes);
  const endpointA = await leastOf(rounds, small.endpoint, changes);
  const large = workload(n2);
  const routeB = await leastOf(rounds, large.route, changes);
  const endpointB = await leastOf(rounds, large.endpoint, changes);
  printComparison("one-route change", n1, n2, routeA, routeB, top);
  printComparison("one-endpoint change", n1, n2, endpointA, endpointB, top);
} else {
  const n = Number(process.argv[2] ?? 10000);
  const changes = Number(process.argv[3] ?? 20);
  const top = Number(process.argv[4] ?? 15);
  const w = workload(n);
  printTop("one-route change", n, changes, await profile(w.route, changes), top);
  printTop("one-endpoint change", n, changes, await profile(w.endpoint, changes), top);
}
session.disconnect();
