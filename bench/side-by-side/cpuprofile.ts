// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and total (inclusive) time
// per source file of this project, so the benchmark can say where our time goes.
//   node dist/bench/side-by-side/cpuprofile.js <file.cpuprofile> [top]
import { readFileSync } from "node:fs";
import process from "node:process";
import { pathToFileURL } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const short = (url: string): string => {
  const dist = url.indexOf("/dist/");
  if (dist >= 0) return url.slice(dist + 6);
  const nm = url.indexOf("/node_modules/");
  if (nm >= 0) return url.slice(nm + 1);
  return url.replace(/^file:\/\//, "") || "(native)";
};

/** A slice of the profile, in seconds from its start. */
export interface ProfileWindow {
  readonly label: string;
  readonly fromS: number;
  readonly toS: number;
}

/** Summaries of the whole profile and of each window (e.g. the cold start). */
export function summarizeCpuProfile(path: string, top = 25, windows: readonly ProfileWindow[] = []): string {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const parts = [`whole run: ${summarizeWindow(profile, top, 0, Infinity)}`];
  for (const w of windows) parts.push(`${w.label} (${w.fromS.toFixed(1)}–${w.toS.toFixed(1)} s): ${summarizeWindow(profile, top, w.fromS * 1e6, w.toS * 1e6)}`);
  return parts.join("\n\n");
}

function summarizeWindow(profile: Profile, top: number, fromUs: number, toUs: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= fromUs && at < toUs) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idleUs = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === "(idle)").reduce((a, [, us]) => a + us, 0);

  const fnSelf = new Map<string, number>();
  const categorySelf = new Map<string, number>();
  const fileInclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const f = node.callFrame;
    const file = short(f.url);
    const key = `${f.functionName || "(anonymous)"}  ${file}${f.url ? `:${f.lineNumber + 1}` : ""}`;
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const category = f.url === "" ? f.functionName || "(native)" : file.startsWith("node_modules/") ? file.split("/").slice(0, file.startsWith("node_modules/@") ? 3 : 2).join("/") : file.startsWith("node:") ? "node internals" : "ours";
    categorySelf.set(category, (categorySelf.get(category) ?? 0) + us);
    // Inclusive time per file of ours: each file counted once per sample along the stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (!url.includes("/dist/") || seen.has(url)) continue;
      seen.add(url);
      fileInclusive.set(short(url), (fileInclusive.get(short(url)) ?? 0) + us);
    }
  }
  const pct = (us: number): string => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(7)} s`;
  const list = (m: Map<string, number>, k: number): string[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `  ${pct(us)}  ${name}`);
  return [
    `${((totalUs - idleUs) / 1e6).toFixed(2)} s busy of ${(totalUs / 1e6).toFixed(2)} s sampled`,
    "self time by where the code lives:",
    ...list(categorySelf, 12),
    `top ${top} functions by self time:`,
    ...list(fnSelf, top),
    "our files by inclusive time:",
    ...list(fileInclusive, 15),
  ].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write("usage: cpuprofile.js <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  process.stdout.write(summarizeCpuProfile(file, Number(top ?? 25)) + "\n");
}
