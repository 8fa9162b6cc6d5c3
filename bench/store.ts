// Prints what the shared model store costs per change at growing sizes (node dist/bench/store.js
// [sizes, comma-separated]): N sources each with a host of its own (every 10th an HTTPProxy root, every
// 4th with TLS, one cluster per namespace shared by N/50 sources), then changed, new and deleted
// sources (median of 21 each) with the status work that follows (takeChanged and the conditions of
// what changed). No reconcile, no translation: only the store.
import { performance } from "node:perf_hooks";
import { createModelStore, type ModelStore } from "../controllers/store/index.js";
import { ingressFragment, ingressKey, proxyKey, rootFragment, tlsSecret } from "../controllers/store/testdata/fragments.js";
import type { Fragment } from "../controllers/store/fragment.js";
import type { ObjectKey } from "../controllers/source/object-cache.js";

const NAMESPACES = 50;

/** Milliseconds taken by f (one run: a change cannot be repeated from the same state). */
function timed(f: () => void): number {
  const start = performance.now();
  f();
  return performance.now() - start;
}

function source(i: number, prefix = "/"): [ObjectKey, Fragment] {
  const ns = `team-${i % NAMESPACES}`;
  if (i % 10 === 0) {
    const key = proxyKey(`proxy-${i}`, ns);
    return [key, rootFragment(key, `host-${i}.example.com`, { prefixes: [prefix, "/api"], ...(i % 4 === 0 ? { secret: tlsSecret("cert", "1111111111", ns) } : {}) })];
  }
  const key = ingressKey(`ing-${i}`, ns);
  return [key, ingressFragment(key, { [`host-${i}.example.com`]: [prefix, "/api"] }, { service: "web", ...(i % 4 === 0 ? { secret: tlsSecret("cert", "1111111111", ns) } : {}) })];
}

/** One change and the status work after it: model(), then takeChanged() and the conditions of each key. */
function change(store: ModelStore, f: () => void): { model: number; status: number; changed: number } {
  const model = timed(() => {
    f();
    store.model();
  });
  let changed = 0;
  const status = timed(() => {
    const keys = store.takeChanged();
    changed = keys.length;
    for (const k of keys) store.conditions(k) ?? store.relatedConditions(k);
  });
  return { model, status, changed };
}

/** The median of `runs` changes, each made by `make(r)` for r = 0, 1, ... */
function median(store: ModelStore, runs: number, make: (r: number) => () => void): { model: number; status: number; changed: number } {
  const results = Array.from({ length: runs }, (_, r) => change(store, make(r)));
  const mid = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  return { model: mid(results.map((x) => x.model)), status: mid(results.map((x) => x.status)), changed: Math.max(...results.map((x) => x.changed)) };
}

const RUNS = 21;

function run(n: number): string[] {
  const store = createModelStore();
  const sources = Array.from({ length: n }, (_, i) => source(i));
  const cold = timed(() => {
    for (const [k, f] of sources) store.put(k, f);
    store.model();
  });
  store.takeChanged();
  // Sources spread over the whole key space; the first rounds also warm the code paths.
  const pick = (r: number): number => Math.floor(((r + 1) * n) / (RUNS + 2));
  const route = median(store, RUNS, (r) => () => store.put(...source(pick(r), `/v${r}`)));
  const added = median(store, RUNS, (r) => () => store.put(...source(n + 1 + r)));
  const removed = median(store, RUNS, (r) => () => store.delete(source(n + 1 + r)[0]));
  const heapMiB = (process.memoryUsage().heapUsed / 1048576).toFixed(0);
  const f = (x: number): string => `${x.toFixed(2)} ms`;
  return [n.toLocaleString("en"), `${cold.toFixed(0)} ms`, f(route.model), f(route.status), f(added.model), f(removed.model), String(route.changed), `${heapMiB} MiB`];
}

const header = ["sources", "cold put + model()", "1 route: model() p50", "1 route: status p50", "new source: model() p50", "deleted: model() p50", "keys to status", "heap used"];
const sizes = (process.argv[2] ?? "1000,10000,100000").split(",").map(Number);
const rows = sizes.map(run);
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
