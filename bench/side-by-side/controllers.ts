// The two controllers under test, started the same way: `contour serve` against the bed's API server
// with plaintext xDS on a free 127.0.0.1 port, Envoy's listeners on free 127.0.0.1 ports, no leader
// election; Envoy bootstrapped by the controller's own `contour bootstrap`.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { findRepoRoot, freePort, type ManagedProcess, type TestBed } from "../../e2e/harness/index.js";

/** Ports of Envoy's HTTP and HTTPS listeners. */
export interface ListenerPorts {
  readonly http: number;
  readonly https: number;
}

/** A started controller. */
export interface RunningController {
  readonly process: ManagedProcess;
  readonly pid: number;
  /** Date.now() just before the spawn. */
  readonly startedAt: number;
  readonly xdsPort: number;
}

/** The Envoy bootstrap a controller's `contour bootstrap` wrote, and the stat prefix of its xDS cluster. */
export interface Bootstrap {
  readonly json: Record<string, unknown>;
  /** e.g. "cluster.contour" — the prefix of upstream_cx_rx_bytes_total for the xDS connection. */
  readonly xdsStatPrefix: string;
  /** Extra Envoy flags the controller's own install manifests pass. */
  readonly envoyArgs: readonly string[];
  /** How Envoy subscribes, from the bootstrap: e.g. "ADS, DELTA_GRPC" or "one stream per type, GRPC (state of the world)". */
  readonly xdsMode: string;
}

function xdsMode(json: Record<string, unknown>): string {
  const dyn = (json["dynamic_resources"] ?? {}) as { ads_config?: { api_type?: string }; cds_config?: { api_config_source?: { api_type?: string }; ads?: unknown } };
  const flavour = (t: string | undefined): string => (t === "DELTA_GRPC" ? "delta" : t === "GRPC" ? "state of the world" : String(t));
  if (dyn.ads_config !== undefined && dyn.cds_config?.ads !== undefined) return `ADS (one stream), ${flavour(dyn.ads_config.api_type)}`;
  return `one gRPC stream per resource type, ${flavour(dyn.cds_config?.api_config_source?.api_type)}`;
}

/** One controller under test. */
export interface ControllerUnderTest {
  readonly id: "upstream" | "ours";
  readonly label: string;
  /** Exact version and settings, for the results file. */
  readonly describe: string;
  /** profileDir: write a CPU profile there (ours only). */
  start(bed: TestBed, ports: ListenerPorts, options?: { profileDir?: string }): Promise<RunningController>;
  bootstrap(bed: TestBed, xdsPort: number): Bootstrap;
}

/** Upstream's binary and CRDs, from e2e/tools/install-upstream-contour.sh (which builds it once). */
export interface UpstreamInstall {
  readonly bin: string;
  readonly crds: string;
  readonly version: string;
}

export function installUpstream(): UpstreamInstall {
  const script = join(findRepoRoot(), "e2e", "tools", "install-upstream-contour.sh");
  const out = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const value = (key: string): string => {
    const line = out.split("\n").find((l) => l.startsWith(`${key}=`));
    if (line === undefined) throw new Error(`${script} printed no ${key}=`);
    return line.slice(key.length + 1);
  };
  const bin = value("CONTOUR_UPSTREAM_BIN");
  const ran = spawnSync(bin, ["version"], { encoding: "utf8" });
  const version = /version: (v\S+)/.exec(`${ran.stdout}${ran.stderr}`)?.[1] ?? "unknown";
  return { bin, crds: value("CONTOUR_UPSTREAM_CRDS"), version };
}

// The stat prefix of the bootstrap cluster named "contour" (upstream sets alt_stat_name).
function xdsStatPrefix(json: Record<string, unknown>): string {
  const clusters = ((json["static_resources"] as { clusters?: Array<{ name: string; alt_stat_name?: string }> } | undefined)?.clusters ?? []);
  const xds = clusters.find((c) => c.name === "contour");
  if (xds === undefined) throw new Error("the bootstrap has no static cluster named contour");
  return `cluster.${xds.alt_stat_name ?? xds.name}`;
}

// The harness reads Envoy's admin address back from --admin-address-path, which needs a TCP admin.
function tcpAdmin(json: Record<string, unknown>): Record<string, unknown> {
  const admin = (json["admin"] ?? {}) as Record<string, unknown>;
  return { ...json, admin: { ...admin, address: { socket_address: { address: "127.0.0.1", port_value: 0 } } } };
}

function readBootstrap(path: string, envoyArgs: readonly string[] = []): Bootstrap {
  const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  return { json: tcpAdmin(json), xdsStatPrefix: xdsStatPrefix(json), envoyArgs, xdsMode: xdsMode(json) };
}

function spawned(bed: TestBed, name: string, command: string, args: string[]): RunningController {
  const startedAt = Date.now();
  const proc = bed.spawn({ name, command, args });
  if (proc.pid === undefined) throw new Error(`${name} did not start: ${proc.exitError()?.message ?? "no pid"}`);
  return { process: proc, pid: proc.pid, startedAt, xdsPort: 0 };
}

/**
 * Status writes are rate-limited on both sides by --kubernetes-client-qps/--kubernetes-client-burst
 * (same flag names). Upstream defaults to client-go's 5 QPS / burst 10 and its event handler blocks
 * once 100 status updates are queued: at N=100 one new HTTPProxy then waited 19 s for 120 status
 * writes to drain, and at N=10,000 the first status writes alone would stall every change for over
 * half an hour. Both get the same raised limits so that the run fits and the figures compare.
 */
export const CLIENT_FLAGS = (process.env["BENCH_CLIENT_FLAGS"] ?? "--kubernetes-client-qps=100 --kubernetes-client-burst=200").split(" ").filter((f) => f !== "");

/** Extra `contour serve` flags for ours only (BENCH_OURS_FLAGS, e.g. "--debug" to log every xDS response and ACK). */
const OURS_EXTRA_FLAGS = (process.env["BENCH_OURS_FLAGS"] ?? "").split(" ").filter((f) => f !== "");

export function upstreamController(install: UpstreamInstall): ControllerUnderTest {
  return {
    id: "upstream",
    label: `upstream Contour ${install.version}`,
    describe: `upstream Contour ${install.version} (${install.bin}; built by e2e/tools/install-upstream-contour.sh with ${goVersion()}), CRDs from ${install.crds}; serve --insecure --disable-leader-election ${CLIENT_FLAGS.join(" ")}, other settings default`,
    async start(bed, ports) {
      const xdsPort = await freePort();
      const args = [
        "serve",
        `--kubeconfig=${bed.apiserver.kubeconfigPath}`,
        "--insecure",
        "--xds-address=127.0.0.1",
        `--xds-port=${xdsPort}`,
        "--envoy-service-http-address=127.0.0.1",
        `--envoy-service-http-port=${ports.http}`,
        "--envoy-service-https-address=127.0.0.1",
        `--envoy-service-https-port=${ports.https}`,
        "--http-address=127.0.0.1",
        `--http-port=${await freePort()}`,
        "--health-address=127.0.0.1",
        `--health-port=${await freePort()}`,
        "--debug-http-address=127.0.0.1",
        `--debug-http-port=${await freePort()}`,
        "--stats-address=127.0.0.1",
        `--stats-port=${await freePort()}`,
        "--disable-leader-election",
        ...CLIENT_FLAGS,
      ];
      return { ...spawned(bed, "contour-upstream", install.bin, args), xdsPort };
    },
    bootstrap(bed, xdsPort) {
      const path = bed.runDir.file("upstream-bootstrap.json");
      execFileSync(install.bin, ["bootstrap", path, "--xds-address=127.0.0.1", `--xds-port=${xdsPort}`, `--admin-address=${bed.runDir.file("upstream-admin.sock")}`], { stdio: "ignore" });
      // Upstream's bootstrap has no node; its example DaemonSet passes these (with the namespace and pod name).
      return readBootstrap(path, ["--service-cluster", "projectcontour", "--service-node", "envoy"]);
    },
  };
}

/** Whether our controller serves HTTPProxy yet (the reconciler exists and the pipeline wires it). */
export function oursSupportsHttpProxy(): { supported: boolean; why: string } {
  const root = findRepoRoot();
  if (!existsSync(join(root, "dist", "controllers", "httpproxy"))) return { supported: false, why: "controllers/httpproxy is not there (or not compiled)" };
  const pipeline = join(root, "operator", "pipeline", "pipeline.ts");
  if (!existsSync(pipeline) || !/httpproxy/i.test(readFileSync(pipeline, "utf8"))) return { supported: false, why: "operator/pipeline/pipeline.ts does not wire HTTPProxy" };
  return { supported: true, why: "" };
}

export function ourController(): ControllerUnderTest {
  const root = findRepoRoot();
  const main = join(root, "dist", "operator", "main.js");
  const commit = gitDescribe(root);
  // Older builds of ours had no client flags (and wrote status at a fixed rate).
  const help = spawnSync(process.execPath, [main, "serve", "--help"], { encoding: "utf8" }).stdout ?? "";
  const clientFlags = help.includes("--kubernetes-client-qps") ? CLIENT_FLAGS : [];
  return {
    id: "ours",
    label: "our contour",
    describe: `our contour (${commit}, node ${process.version}); serve --insecure --disable-leader-election ${[...clientFlags, ...OURS_EXTRA_FLAGS].join(" ")}, other settings default`,
    async start(bed, ports, options = {}) {
      const xdsPort = await freePort();
      const args = [
        ...(options.profileDir !== undefined ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : []),
        main,
        "serve",
        `--kubeconfig=${bed.apiserver.kubeconfigPath}`,
        "--insecure",
        "--xds-address=127.0.0.1",
        `--xds-port=${xdsPort}`,
        "--envoy-http-address=127.0.0.1",
        `--envoy-http-port=${ports.http}`,
        "--envoy-https-address=127.0.0.1",
        `--envoy-https-port=${ports.https}`,
        "--http-address=127.0.0.1",
        `--http-port=${await freePort()}`,
        "--disable-leader-election",
        ...clientFlags,
        ...OURS_EXTRA_FLAGS,
      ];
      return { ...spawned(bed, "contour-ours", process.execPath, args), xdsPort };
    },
    bootstrap(bed, xdsPort) {
      const path = bed.runDir.file("ours-bootstrap.json");
      // BENCH_OURS_XDS_MODE=sotw compares like with like against upstream's state-of-the-world xDS.
      const mode = process.env["BENCH_OURS_XDS_MODE"];
      execFileSync(process.execPath, [main, "bootstrap", path, "--insecure", "--stats-port=0", "--xds-address=127.0.0.1", `--xds-port=${xdsPort}`, ...(mode !== undefined ? [`--xds-mode=${mode}`] : [])], { stdio: "ignore" });
      return readBootstrap(path);
    },
  };
}

function goVersion(): string {
  try {
    return execFileSync("go", ["version"], { encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local" } }).trim().replace(/^go version /, "");
  } catch {
    return "go (version unknown)";
  }
}

function gitDescribe(root: string): string {
  try {
    const head = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["-C", root, "status", "--porcelain"], { encoding: "utf8" }).trim() !== "";
    return `commit ${head}${dirty ? " + uncommitted changes" : ""}`;
  } catch {
    return "commit unknown";
  }
}
