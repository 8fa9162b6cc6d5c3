// Prints where a cold build of N Ingresses (default 10,000) spends its CPU time: a CPU profile of
// pipeline.build() and the first publish only (the workload is applied before the profiler starts),
// summarised as self time per function and inclusive time per file and per stage.
//   node dist/bench/pipeline-cold-profile.js [N] [top] [out.cpuprofile]
//   BENCH_WORKLOAD=httpproxy ...   the side-by-side benchmark's N root HTTPProxies instead (bench/httpproxy-workload.ts)
import { writeFileSync } from "node:fs";
import { Session, type Profiler } from "node:inspector";
import { performance } from "node:perf_hooks";
import { selfSignedCert } from "../e2e/fixtures/serving-cert.js";
import { applyHttpProxyWorkload } from "./httpproxy-workload.js";
import { applyIngressWorkload } from "./ingress-workload.js";
import { MIX, makePlan } from "./side-by-side/objects.js";
import { summarizeCpuProfile } from "./side-by-side/cpuprofile.js";
import { createPipeline } from "../operator/pipeline/pipeline.js";
import { createSnapshotCache } from "../xds/cache/index.js";

const n = Number(process.argv[2] ?? 10000);
const top = Number(process.argv[3] ?? 30);
const out = process.argv[4] ?? `/tmp/pipeline-cold-${n}.cpuprofile`;

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object): Promise<T> =>
  new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));

const workload = process.env["BENCH_WORKLOAD"] ?? "ingress";
const pipeline = createPipeline({ translate: {} });
const cache = createSnapshotCache();
if (workload === "httpproxy") {
  const plan = makePlan(n, 20);
  // Addresses no one connects to: nothing here sends traffic.
  const backends = new Map(plan.backendNames.map((name, k) => [name, { ip: "127.0.0.1", port: 20000 + k }]));
  applyHttpProxyWorkload(pipeline, plan, backends, await selfSignedCert([`*.${MIX.domain}`]));
} else if (workload === "ingress") {
  applyIngressWorkload(pipeline, n);
} else {
  throw new Error(`BENCH_WORKLOAD=${workload}: expected ingress or httpproxy`);
}
await post("Profiler.enable");
await post("Profiler.setSamplingInterval", { interval: 500 });
await post("Profiler.start");
const start = performance.now();
const built = pipeline.build();
const buildMs = performance.now() - start;
cache.publish(built.resources);
const publishMs = performance.now() - start - buildMs;
const { profile } = await post<{ profile: Profiler.Profile }>("Profiler.stop");
session.disconnect();
writeFileSync(out, JSON.stringify(profile));
console.log(`cold build of ${n} ${workload === "httpproxy" ? "root HTTPProxies" : "Ingresses"}: build ${(buildMs / 1000).toFixed(2)} s, publish ${(publishMs / 1000).toFixed(2)} s (profiler on); profile in ${out}\n`);
console.log(summarizeCpuProfile(out, top));
console.log(`functions by inclusive time:\n${inclusiveByFunction(profile, top).join("\n")}`);

/** Inclusive time per function of ours (each function counted once per sample along its stack). */
function inclusiveByFunction(p: Profiler.Profile, k: number): string[] {
  const byId = new Map(p.nodes.map((node) => [node.id, node] as const));
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const label = (id: number): string | undefined => {
    const f = byId.get(id)?.callFrame;
    if (f === undefined || !f.url.includes("/dist/")) return undefined;
    return `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/dist\//, "")}:${f.lineNumber + 1}`;
  };
  const inclusive = new Map<string, number>();
  let total = 0;
  (p.samples ?? []).forEach((id, i) => {
    const us = p.timeDeltas?.[i] ?? 0;
    total += us;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = label(at);
      if (key === undefined || seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  });
  return [...inclusive]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([key, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(7)} s  ${key}`);
}
