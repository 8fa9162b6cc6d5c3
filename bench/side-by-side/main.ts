// `make bench-upstream`: our controller and upstream Contour side by side on the e2e bed (etcd +
// kube-apiserver + one real Envoy + pod backends). For each size N it loads N root HTTPProxies (with
// Services, EndpointSlices, TLS Secrets, included child proxies), then runs each controller in turn
// against the same API server and objects and measures: cold start, change latency, controller memory
// and CPU, xDS bytes. Prints one table and writes it to bench/results/<timestamp>.md. Asserts nothing.
//
//   BENCH_SIZES=100,1000,10000   sizes to run (default all three)
//   BENCH_CONTROLLERS=upstream,ours
//   BENCH_CHANGES=20             changes of each kind (≥ 20 for p99 to mean anything)
//   BENCH_SAMPLE=50              random hosts probed for cold start (plus the last created)
//   BENCH_CONCURRENCY=32         API requests in flight while loading objects
//   BENCH_PROFILE=1              run ours with --cpu-prof (profiles and a summary in bench/results/)
//   BENCH_FORCE_OURS=1           run ours even if it does not look like it serves HTTPProxy yet
//   BENCH_VERBOSE=1              print every change's latency
//   BENCH_KINDS=new,weight,swap  kinds of change to measure (default: all three; new,swap at N ≥ 10,000)
//   BENCH_SETTLE_CAP_S=300       longest wait for status writes to finish before the changes (default 60/120/300 s by N)
//   BENCH_CLIENT_FLAGS           both controllers' status-write limits (default "--kubernetes-client-qps=100 --kubernetes-client-burst=200")
//   BENCH_OURS_XDS_MODE=sotw     bootstrap our Envoy in state-of-the-world mode (default: our default, delta)
//   BENCH_KEEP_LOGS=1            keep the bed's logs (under e2e-logs/) even when everything worked
//   BENCH_OURS_FLAGS="--debug"   extra `contour serve` flags for ours
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { createTestBed, findRepoRoot, freePort, resolveTool, type TestBed } from "../../e2e/harness/index.js";
import { selfSignedCert, type ServingCert } from "../../e2e/fixtures/serving-cert.js";
import { installUpstream, ourController, oursSupportsHttpProxy, upstreamController, type ControllerUnderTest, type ListenerPorts } from "./controllers.js";
import { summarizeCpuProfile } from "./cpuprofile.js";
import { installCrds } from "./crds.js";
import {
  createApi,
  createObject,
  envoyStat,
  type Api,
  median,
  percentiles,
  pollUntilServed,
  pool,
  procStats,
  replaceSpec,
  settledStat,
  waitAllServed,
  waitForPort,
  waitIdle,
  waitStatusQuiet,
  watchProxies,
  countStatuses,
  clearStatuses,
  type Target,
} from "./measure.js";
import { changedSpec, makePlan, MIX, newProxySpec, planObjects, proxyCollection, proxyObject, rootSpec, sampleRoots, type Plan, type RootPlan } from "./objects.js";

const env = process.env;
const SIZES = (env["BENCH_SIZES"] ?? "100,1000,10000").split(",").map((s) => Number(s.trim()));
const WANTED = (env["BENCH_CONTROLLERS"] ?? "upstream,ours").split(",").map((s) => s.trim());
const CHANGES = Number(env["BENCH_CHANGES"] ?? 20);
const SAMPLE = Number(env["BENCH_SAMPLE"] ?? 50);
const CONCURRENCY = Number(env["BENCH_CONCURRENCY"] ?? 32);
const PROFILE = env["BENCH_PROFILE"] === "1";
const FORCE_OURS = env["BENCH_FORCE_OURS"] === "1";
const VERBOSE = env["BENCH_VERBOSE"] === "1";
const KEEP_LOGS = env["BENCH_KEEP_LOGS"] === "1";
// At N=10,000 one upstream change costs ~10 s (a 22 MB state-of-the-world push); three kinds would not fit in 30 minutes.
const KINDS = (n: number): string[] => (env["BENCH_KINDS"] ?? (n >= 10_000 ? "new,swap" : "new,weight,swap")).split(",").map((k) => k.trim());
const SETTLE_CAP_MS = env["BENCH_SETTLE_CAP_S"] !== undefined ? Number(env["BENCH_SETTLE_CAP_S"]) * 1000 : undefined;
const APISERVER_ARGS = ["--max-requests-inflight=800", "--max-mutating-requests-inflight=400"];

const t0 = Date.now();
const log = (msg: string): void => {
  const s = ((Date.now() - t0) / 1000).toFixed(0).padStart(4);
  // Verbose runs carry the wall-clock time too, to line changes up with the controller's and Envoy's logs.
  const at = VERBOSE ? ` ${new Date().toISOString().slice(11, 23)}` : "";
  process.stdout.write(`[${s}s${at}] ${msg}\n`);
};

/** Latencies (ms) and xDS bytes of one kind of change. */
interface ChangeResult {
  readonly latenciesMs: number[];
  readonly bytes: number[];
  /** Requests that failed (non-200 or no answer) while polling for the change; counted for changes to served hosts only. */
  failedRequests: number;
  error?: string;
}

/** Everything measured for one controller at one size. */
interface RunResult {
  readonly controller: ControllerUnderTest["id"];
  skipped?: string;
  error?: string;
  coldStartMs?: number;
  coldCpuSeconds?: number;
  coldRssBytes?: number;
  /** From process start until CPU idle and no more API writes (status), if reached within the cap. */
  settledMs?: number;
  settleCapMs?: number;
  /** HTTPProxy changes seen from process start to settled: its status writes. */
  statusWrites?: number;
  statuses?: { total: number; withStatus: number; valid: number; others: string[] };
  initialXdsBytes?: number;
  changes: Record<"new" | "weight" | "swap", ChangeResult>;
  peakRssBytes?: number;
  steadyRssBytes?: number;
  totalCpuSeconds?: number;
  envoyClusters?: number;
  envoyMemoryBytes?: number;
  envoyColdCpuSeconds?: number;
  envoyTotalCpuSeconds?: number;
  profileSummary?: string;
  xdsMode?: string;
}

interface SizeResult {
  readonly n: number;
  readonly objects: number;
  readonly loadSeconds: number;
  readonly runs: RunResult[];
}

function emptyRun(controller: ControllerUnderTest["id"]): RunResult {
  const change = (): ChangeResult => ({ latenciesMs: [], bytes: [], failedRequests: 0 });
  return { controller, changes: { new: change(), weight: change(), swap: change() } };
}

function coldTargets(plan: Plan): Target[] {
  return sampleRoots(plan, SAMPLE).flatMap((r) => [
    { fqdn: r.fqdn, tls: r.tls, path: "/", backend: r.backend },
    ...(r.include ? [{ fqdn: r.fqdn, tls: r.tls, path: "/team/x", backend: r.teamBackend }] : []),
  ]);
}

async function runController(ctrl: ControllerUnderTest, bed: TestBed, api: Api, plan: Plan, cert: ServingCert, profileDir: string | undefined): Promise<RunResult> {
  const result = emptyRun(ctrl.id);
  const n = plan.n;
  const ports: ListenerPorts = { http: await freePort(), https: await freePort() };
  const coldTimeoutMs = Math.max(90_000, n * 25);
  const changeTimeoutMs = 60_000;
  const targets = coldTargets(plan);

  // Every HTTPProxy change from here on is this controller's status write (until the changes begin).
  const watch = await watchProxies(api);
  const running = await ctrl.start(bed, ports, profileDir !== undefined ? { profileDir } : {});
  const bail = (): Error | undefined => running.process.exitError();
  let envoyStop: (() => Promise<void>) | undefined;
  try {
    log(`  ${ctrl.label}: started (pid ${running.pid}); waiting for xDS on :${running.xdsPort}`);
    await waitForPort(running.xdsPort, coldTimeoutMs, bail);
    const bootstrap = ctrl.bootstrap(bed, running.xdsPort);
    result.xdsMode = bootstrap.xdsMode;
    const envoy = await bed.startEnvoy({ bootstrap: bootstrap.json, name: `envoy-${ctrl.id}-${n}`, waitUntil: "admin", extraArgs: bootstrap.envoyArgs });
    envoyStop = () => envoy.stop();
    log(`  ${ctrl.label}: xDS up after ${Date.now() - running.startedAt} ms, Envoy started; probing ${targets.length} sampled routes`);
    const servedAt = await waitAllServed(targets, ports, cert.certPem, coldTimeoutMs, bail);
    result.coldStartMs = servedAt - running.startedAt;
    const cold = procStats(running.pid);
    const envoyPid = envoy.process.pid;
    if (envoyPid !== undefined) result.envoyColdCpuSeconds = procStats(envoyPid).cpuSeconds;
    result.coldCpuSeconds = cold.cpuSeconds;
    result.coldRssBytes = cold.rssBytes;
    log(`  ${ctrl.label}: cold start ${(result.coldStartMs / 1000).toFixed(2)} s (CPU ${cold.cpuSeconds.toFixed(1)} s, RSS ${mb(cold.rssBytes)} MB); waiting for it to go idle`);

    // Settled: the status writes are done (the API server's revision stops moving) and the CPU is idle.
    const capMs = SETTLE_CAP_MS ?? (n >= 10_000 ? 300_000 : n >= 1_000 ? 120_000 : 60_000);
    result.settleCapMs = capMs;
    const quiet = await waitStatusQuiet(watch, 1_500, capMs);
    const quietEnd = Date.now();
    const idle = await waitIdle(running.pid, quiet.quiet ? 30_000 : 5_000);
    // Settled: at the last HTTPProxy change (status write) seen, or when the CPU went idle (the start of its two calm 500 ms windows) if later.
    const idleAt = quietEnd + idle.waitedMs - 1_000;
    if (quiet.quiet && idle.idle) result.settledMs = Math.max(quiet.lastEventAt ?? 0, idleAt) - running.startedAt;
    result.statusWrites = watch.events();
    result.statuses = await countStatuses(api);
    const rx = `${bootstrap.xdsStatPrefix}.upstream_cx_rx_bytes_total`;
    result.initialXdsBytes = await settledStat(envoy, rx);
    result.envoyClusters = await envoyStat(envoy, "cluster_manager.active_clusters");
    const settled = result.settledMs !== undefined ? `settled ${(result.settledMs / 1000).toFixed(1)} s after start (${result.statusWrites} status writes)` : `not settled within ${capMs / 1000} s (status writes ${quiet.quiet ? "done" : "still going"}: ${result.statusWrites}; CPU ${idle.idle ? "idle" : "busy"})`;
    log(`  ${ctrl.label}: ${settled}; status on ${result.statuses.withStatus}/${result.statuses.total} proxies (${result.statuses.valid} valid${result.statuses.others.length > 0 ? `; others: ${result.statuses.others.join("; ")}` : ""}); initial xDS ${mb(result.initialXdsBytes)} MB, ${result.envoyClusters} clusters in Envoy`);

    // One change at a time: apply it, poll through Envoy until the new answer, then let the xDS byte counter settle.
    const measure = async (kind: keyof RunResult["changes"], count: number, apply: (k: number) => Promise<{ sentAt: number; target: Target }>, countFailures: boolean): Promise<void> => {
      const out = result.changes[kind];
      let before = await settledStat(envoy, rx);
      for (let k = 0; k < count; k++) {
        try {
          const { sentAt, target } = await apply(k);
          const seen = await pollUntilServed(target, ports, cert.certPem, changeTimeoutMs);
          out.latenciesMs.push(seen.at - sentAt);
          if (countFailures) out.failedRequests += seen.failed;
          if (VERBOSE) log(`    ${kind} ${k}: ${(seen.at - sentAt).toFixed(0)} ms${seen.failed > 0 ? `, ${seen.failed} failed requests` : ""}`);
          const after = await settledStat(envoy, rx);
          out.bytes.push(after - before);
          before = after;
        } catch (err) {
          out.error = err instanceof Error ? err.message : String(err);
          log(`  ${ctrl.label}: ${kind} change ${k} failed: ${out.error}`);
          return;
        }
      }
      const p = percentiles(out.latenciesMs);
      log(`  ${ctrl.label}: ${kind}: p50 ${p.p50.toFixed(0)} ms, p90 ${p.p90.toFixed(0)} ms, p99 ${p.p99.toFixed(0)} ms; median xDS bytes ${median(out.bytes)}${countFailures ? `; ${out.failedRequests} failed requests meanwhile` : ""}`);
    };
    const kinds = KINDS(n);
    if (kinds.includes("new")) await measure("new", plan.newProxies.length, async (k) => {
      const p = plan.newProxies[k]!;
      const sentAt = performance.now();
      await createObject(api, proxyCollection(p.namespace), proxyObject(p.namespace, p.name, newProxySpec(p)).body);
      if (VERBOSE) log(`    new ${k}: created in ${(performance.now() - sentAt).toFixed(0)} ms`);
      return { sentAt, target: { fqdn: p.fqdn, tls: false, path: "/", backend: p.backend } };
    }, false);
    const flip = (roots: readonly RootPlan[]) => async (k: number) => {
      const r = roots[k]!;
      const sentAt = await replaceSpec(api, `${proxyCollection(r.namespace)}/${r.name}`, changedSpec(r));
      return { sentAt, target: { fqdn: r.fqdn, tls: false, path: "/", backend: r.altBackend } };
    };
    if (kinds.includes("weight")) await measure("weight", plan.weighted.length, flip(plan.weighted), true);
    if (kinds.includes("swap")) await measure("swap", plan.swaps.length, flip(plan.swaps), true);

    const end = procStats(running.pid);
    result.peakRssBytes = end.peakRssBytes;
    result.steadyRssBytes = end.rssBytes;
    result.totalCpuSeconds = end.cpuSeconds;
    result.envoyMemoryBytes = await envoyStat(envoy, "server.memory_allocated");
    if (envoyPid !== undefined) result.envoyTotalCpuSeconds = procStats(envoyPid).cpuSeconds;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    log(`  ${ctrl.label}: FAILED: ${result.error}`);
  } finally {
    watch.stop();
    await envoyStop?.();
    await running.process.stop(profileDir !== undefined ? 30_000 : 5_000);
  }
  if (profileDir !== undefined) {
    const profiles = readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(profileDir, f));
    const latest = profiles.sort().at(-1);
    if (latest !== undefined) {
      // The profile starts with the process (give or take node's own start-up).
      const windows = result.coldStartMs !== undefined ? [{ label: "cold start", fromS: 0, toS: result.coldStartMs / 1000 }] : [];
      if (result.coldStartMs !== undefined && result.settledMs !== undefined) windows.push({ label: "cold start → settled", fromS: result.coldStartMs / 1000, toS: result.settledMs / 1000 });
      result.profileSummary = `CPU profile ${latest}\n${summarizeCpuProfile(latest, 25, windows)}`;
      log(`  ${ctrl.label}: CPU profile written to ${latest}`);
    }
  }
  return result;
}

/** Puts the objects the changes touched back as they were and empties every status, so the next controller starts from the same cluster. */
async function revert(api: Api, plan: Plan): Promise<number> {
  await pool(plan.newProxies, 8, async (p) => {
    await api.request("DELETE", `${proxyCollection(p.namespace)}/${p.name}`).catch(() => undefined);
  });
  await pool([...plan.weighted, ...plan.swaps], 8, async (r) => {
    await replaceSpec(api, `${proxyCollection(r.namespace)}/${r.name}`, rootSpec(r));
  });
  return clearStatuses(api, CONCURRENCY);
}

async function runSize(n: number, controllers: ControllerUnderTest[], skipped: RunResult[], crdsFile: string, cert: ServingCert, resultsDir: string): Promise<SizeResult> {
  const plan = makePlan(n, CHANGES);
  log(`N=${n}: starting the bed (etcd, kube-apiserver ${APISERVER_ARGS.join(" ")}, ${plan.backendNames.length} pod backends)`);
  const bed = await createTestBed({ name: `bench-upstream-${n}`, apiserverArgs: APISERVER_ARGS, pods: plan.backendNames });
  let failed = false;
  try {
    const api = await createApi(bed.apiserver.makeKubeConfig());
    bed.onStop(() => api.close());
    await installCrds(api, crdsFile);
    const backends = new Map(bed.pods.map((p) => [p.name, { ip: p.ip, port: p.port }]));
    const { namespaces, objects, proxies } = planObjects(plan, backends, cert);
    const total = namespaces.length + objects.length + proxies.length;
    log(`N=${n}: creating ${total} objects (${namespaces.length} namespaces, ${objects.length} services/slices/secrets, ${proxies.length} HTTPProxies), ${CONCURRENCY} in flight`);
    const loadStart = Date.now();
    const progress = (what: string, of: number) => (done: number) => log(`N=${n}:   ${what} ${done}/${of} (${((Date.now() - loadStart) / 1000).toFixed(0)} s)`);
    await pool(namespaces, 8, (o) => createObject(api, o.path, o.body));
    await pool(objects, CONCURRENCY, (o) => createObject(api, o.path, o.body), progress("objects", objects.length), 5000);
    await pool(proxies, CONCURRENCY, (o) => createObject(api, o.path, o.body), progress("proxies", proxies.length), 5000);
    const loadSeconds = (Date.now() - loadStart) / 1000;
    log(`N=${n}: created ${total} objects in ${loadSeconds.toFixed(1)} s (${(total / loadSeconds).toFixed(0)}/s)`);

    const runs: RunResult[] = [];
    for (const ctrl of controllers) {
      const profileDir = PROFILE && ctrl.id === "ours" ? join(resultsDir, `profile-ours-${n}`) : undefined;
      if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
      log(`N=${n}: ${ctrl.label}`);
      const run = await runController(ctrl, bed, api, plan, cert, profileDir);
      if (run.error !== undefined) failed = true;
      runs.push(run);
      const cleared = await revert(api, plan);
      log(`N=${n}: changes reverted, status cleared on ${cleared} proxies`);
    }
    runs.push(...skipped);
    return { n, objects: total, loadSeconds, runs };
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    const { keptLogs } = await bed.stop({ failed: failed || KEEP_LOGS });
    if (keptLogs !== undefined) log(`N=${n}: logs kept in ${keptLogs}`);
  }
}

// ---- output ----

const mb = (bytes: number | undefined): string => (bytes === undefined ? "—" : (bytes / 1024 / 1024).toFixed(1));

interface Row {
  readonly figure: string;
  /** The kind of change the row is about (rows of kinds not measured at a size say so). */
  readonly kind?: keyof RunResult["changes"];
  readonly value: (r: RunResult) => number | undefined;
  readonly format: (v: number) => string;
  /** What to print when there is no value (default "—"). */
  readonly missing?: (r: RunResult) => string | undefined;
  /** Appended to a value. */
  readonly suffix?: (r: RunResult) => string;
  readonly noRatio?: boolean;
}

const ms = (v: number): string => v.toFixed(0);
const s2 = (v: number): string => v.toFixed(2);
const kb = (v: number): string => (v / 1024).toFixed(1);
const changeRow = (kind: keyof RunResult["changes"], label: string, p: "p50" | "p90" | "p99"): Row => ({
  kind,
  figure: `${label}: ${p} (ms)`,
  value: (r) => (r.changes[kind].latenciesMs.length > 0 ? percentiles(r.changes[kind].latenciesMs)[p] : undefined),
  format: ms,
});
const bytesRow = (kind: keyof RunResult["changes"], label: string): Row => ({
  kind,
  figure: `xDS bytes to Envoy for ${label}, median (KiB)`,
  value: (r) => (r.changes[kind].bytes.length > 0 ? median(r.changes[kind].bytes) : undefined),
  format: kb,
});

const ROWS: Row[] = [
  { figure: "cold start: process start → every sampled route served (s)", value: (r) => (r.coldStartMs === undefined ? undefined : r.coldStartMs / 1000), format: s2 },
  { figure: "controller CPU until then (s)", value: (r) => r.coldCpuSeconds, format: s2 },
  { figure: "controller RSS then (MB)", value: (r) => r.coldRssBytes, format: mb },
  { figure: "settled: last status write (nothing for 1.5 s after) and CPU idle, from process start (s)", value: (r) => (r.settledMs === undefined ? undefined : r.settledMs / 1000), format: s2, missing: (r) => (r.settleCapMs !== undefined ? `> ${(r.settleCapMs / 1000).toFixed(0)}` : undefined) },
  { figure: "HTTPProxy status writes until then", value: (r) => r.statusWrites, format: (v) => v.toFixed(0) },
  { figure: "HTTPProxies with a status written when settled (or at the cap)", value: (r) => r.statuses?.withStatus, format: (v) => v.toFixed(0), suffix: (r) => (r.statuses !== undefined ? ` / ${r.statuses.total}` : ""), noRatio: true },
  changeRow("new", "new HTTPProxy → served", "p50"),
  changeRow("new", "new HTTPProxy → served", "p90"),
  changeRow("new", "new HTTPProxy → served", "p99"),
  changeRow("weight", "route weight flip → other backend answers", "p50"),
  changeRow("weight", "route weight flip → other backend answers", "p90"),
  changeRow("weight", "route weight flip → other backend answers", "p99"),
  changeRow("swap", "route's Service swapped → other backend answers", "p50"),
  changeRow("swap", "route's Service swapped → other backend answers", "p90"),
  changeRow("swap", "route's Service swapped → other backend answers", "p99"),
  { figure: "controller peak RSS, VmHWM (MB)", value: (r) => r.peakRssBytes, format: mb },
  { figure: "controller steady RSS after the changes (MB)", value: (r) => r.steadyRssBytes, format: mb },
  { figure: "controller CPU total, start → end of changes (s)", value: (r) => r.totalCpuSeconds, format: s2 },
  { figure: "xDS bytes to Envoy, initial config (MB)", value: (r) => r.initialXdsBytes, format: mb },
  { figure: "requests failed (non-200) while polling the 2 × changes to served hosts", value: (r) => (r.changes.weight.latenciesMs.length + r.changes.swap.latenciesMs.length > 0 ? r.changes.weight.failedRequests + r.changes.swap.failedRequests : undefined), format: (v) => v.toFixed(0), noRatio: true },
  bytesRow("new", "one new HTTPProxy"),
  bytesRow("weight", "one weight flip"),
  bytesRow("swap", "one Service swap"),
  { figure: "Envoy active clusters", value: (r) => r.envoyClusters, format: (v) => v.toFixed(0) },
  { figure: "Envoy heap, server.memory_allocated (MB)", value: (r) => r.envoyMemoryBytes, format: mb },
  { figure: "Envoy CPU until cold start (s)", value: (r) => r.envoyColdCpuSeconds, format: s2 },
  { figure: "Envoy CPU total, start → end of changes (s)", value: (r) => r.envoyTotalCpuSeconds, format: s2 },
];

function renderTable(sizes: readonly SizeResult[], upstreamLabel: string): string {
  const lines = [`| figure | N | ${upstreamLabel} | our contour | ours ÷ upstream |`, "| --- | ---: | ---: | ---: | ---: |"];
  for (const row of ROWS) {
    for (const size of sizes) {
      const up = size.runs.find((r) => r.controller === "upstream");
      const ours = size.runs.find((r) => r.controller === "ours");
      const cell = (r: RunResult | undefined): string => {
        if (r === undefined) return "not run";
        if (r.skipped !== undefined) return "n/a";
        if (row.kind !== undefined && !KINDS(size.n).includes(row.kind)) return "not measured";
        const v = row.value(r);
        if (v === undefined) return r.error !== undefined ? "failed" : (row.missing?.(r) ?? "—");
        return row.format(v) + (row.suffix?.(r) ?? "");
      };
      const a = up === undefined || up.skipped !== undefined ? undefined : row.value(up);
      const b = ours === undefined || ours.skipped !== undefined ? undefined : row.value(ours);
      const ratio = row.noRatio !== true && a !== undefined && b !== undefined && a > 0 ? `${(b / a).toFixed(2)}×` : "—";
      lines.push(`| ${row.figure} | ${size.n.toLocaleString("en-US")} | ${cell(up)} | ${cell(ours)} | ${ratio} |`);
    }
  }
  return lines.join("\n");
}

function toolVersion(cmd: string, args: string[], pattern: RegExp): string {
  try {
    return pattern.exec(execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }))?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function render(sizes: readonly SizeResult[], controllers: readonly ControllerUnderTest[], notes: readonly string[], upstreamLabel: string, startedAt: Date): string {
  const out: string[] = [];
  out.push(`# contour and upstream Contour side by side (${startedAt.toISOString()})`, "");
  out.push(renderTable(sizes, upstreamLabel), "");
  out.push("## Setup", "");
  out.push(`- machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`);
  out.push(`- test bed: etcd ${toolVersion(resolveTool("etcd"), ["--version"], /etcd Version: (\S+)/)}, kube-apiserver ${toolVersion(resolveTool("kube-apiserver"), ["--version"], /Kubernetes (\S+)/)} (${APISERVER_ARGS.join(" ")}), Envoy ${toolVersion(resolveTool("envoy"), ["--version"], /\/(\d+\.\d+\.\d+)\//)} (--concurrency 1), one Envoy per controller run, started when the controller's xDS port accepts connections`);
  for (const c of controllers) {
    const mode = sizes.flatMap((s) => s.runs).find((r) => r.controller === c.id && r.xdsMode !== undefined)?.xdsMode;
    out.push(`- ${c.describe}; Envoy bootstrapped by its own \`contour bootstrap\`${mode !== undefined ? `: xDS ${mode}` : ""}`);
  }
  out.push(`- both controllers: plaintext xDS on 127.0.0.1, Envoy listeners on free 127.0.0.1 ports, run one after the other against the same API server and objects (changes reverted in between), upstream first`);
  out.push(
    `- objects per N: N root HTTPProxies in namespaces of ${MIX.proxiesPerNamespace}, each with its own Service + EndpointSlice; every ${MIX.tlsEvery}th with TLS (own Secret, one wildcard cert), every ${MIX.includeEvery}th including a child HTTPProxy (own Service + slice) from <ns>-team on /team, every ${MIX.multiRouteEvery}rd with 3 routes; ${CHANGES} weighted roots (app 100 / alt 0), ${CHANGES} swap roots with an unreferenced alt Service, ${CHANGES} Services for new proxies; ${MIX.backends} backends in the pod network`,
  );
  out.push(`- cold start: ${SAMPLE} random roots + the last created (and their /team routes), over HTTPS with SNI for TLS roots; each must be answered 200 by its Service's backend`);
  out.push(`- changes: ${CHANGES} of each kind (${sizes.map((sz) => `N=${sz.n}: ${KINDS(sz.n).join(", ")}`).join("; ")}), one at a time; latency from just before the API write to the first request through Envoy answered by the new backend (polled every ~5 ms, fresh connection each); xDS bytes = Envoy's upstream_cx_rx_bytes_total on the xDS cluster across the change, read once it stops moving (300 ms)`);
  out.push(`- RSS and CPU from /proc/<pid>/status (VmRSS, VmHWM) and /proc/<pid>/stat (utime + stime)`);
  out.push("", "## Load", "");
  for (const s of sizes) out.push(`- N=${s.n}: ${s.objects} objects created in ${s.loadSeconds.toFixed(1)} s (${(s.objects / s.loadSeconds).toFixed(0)}/s, ${CONCURRENCY} in flight)`);
  const problems = sizes.flatMap((s) =>
    s.runs.flatMap((r) => [
      ...(r.error !== undefined ? [`- N=${s.n} ${r.controller}: ${r.error}`] : []),
      ...(r.statuses !== undefined && r.statuses.others.length > 0 ? [`- N=${s.n} ${r.controller}: when settled (or at the cap) ${r.statuses.withStatus - r.statuses.valid} HTTPProxies had a status other than valid: ${r.statuses.others.join("; ")}`] : []),
      ...Object.entries(r.changes).flatMap(([k, c]) => (c.error !== undefined ? [`- N=${s.n} ${r.controller} ${k} changes: ${c.error}`] : [])),
    ]),
  );
  if (notes.length + problems.length > 0) out.push("", "## Notes", "", ...notes.map((n) => `- ${n}`), ...problems);
  const profiles = sizes.flatMap((s) => s.runs.filter((r) => r.profileSummary !== undefined).map((r) => `### N=${s.n}\n\n\`\`\`\n${r.profileSummary}\n\`\`\``));
  if (profiles.length > 0) out.push("", "## Our CPU profile (self time, top functions)", "", ...profiles);
  return out.join("\n") + "\n";
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const resultsDir = join(findRepoRoot(), "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
  log("installing upstream Contour (cached under .tools/)");
  const install = installUpstream();
  const upstream = upstreamController(install);
  const notes: string[] = [];
  const controllers: ControllerUnderTest[] = [];
  const skipped: RunResult[] = [];
  if (WANTED.includes("upstream")) controllers.push(upstream);
  if (WANTED.includes("ours")) {
    const support = oursSupportsHttpProxy();
    if (support.supported || FORCE_OURS) {
      controllers.push(ourController());
    } else {
      notes.push(`our controller: HTTPProxy not supported yet (${support.why}); its column is n/a. BENCH_FORCE_OURS=1 runs it anyway.`);
      log(`our controller: HTTPProxy not supported yet (${support.why}); measuring upstream only`);
      skipped.push({ ...emptyRun("ours"), skipped: "HTTPProxy not supported yet" });
    }
  }
  const cert = await selfSignedCert([`*.${MIX.domain}`]);
  const sizes: SizeResult[] = [];
  for (const n of SIZES) {
    sizes.push(await runSize(n, controllers, skipped, install.crds, cert, join(resultsDir, stamp)));
    log(`N=${n}: done`);
  }
  const text = render(sizes, [upstream, ...controllers.filter((c) => c.id === "ours")], notes, upstream.label, startedAt);
  const file = join(resultsDir, `${stamp}.md`);
  writeFileSync(file, text);
  process.stdout.write(`\n${text}\n`);
  log(`written to ${file}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench-upstream failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
