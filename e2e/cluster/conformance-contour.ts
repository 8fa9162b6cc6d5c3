// contour as the implementation under the Gateway API conformance suite: `contour serve` (the compiled
// CLI) on the host with its xDS server on the bed's node address, an Envoy pod (label app=envoy, the
// selector of the Services contour owns for Gateways) bootstrapped to it, and the GatewayClass
// `contour`. Traffic to a Gateway's LoadBalancer address reaches that pod on the Envoy port contour
// allocated to the Gateway. Usage: node dist/e2e/cluster/conformance-contour.js [--report FILE] [--features a,b] [--profiles a,b] [-- suite flags...]
// The supported features default to what GatewayClass status claims (SUPPORTED_FEATURES), the profiles to
// every one we claim (CONFORMANCE_PROFILES). Exits 1 when the suite fails or its report shows a failed
// or skipped test (conformance-report.ts).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { freePort, httpGet, waitFor, type TestBed } from "../harness/index.js";
import { createApiClient } from "../harness/kubelet/api.js";
import { applyManifests, waitForReadyPods } from "./objects.js";
import { runConformance } from "./conformance-run.js";
import { reportFileProblems } from "./conformance-report.js";

import { SUPPORTED_FEATURES } from "../../controllers/gateway/index.js";

const ENVOY_NAMESPACE = "projectcontour";

/** The conformance profiles we claim: what `make conformance` and CI run and report. */
export const CONFORMANCE_PROFILES: readonly string[] = ["GATEWAY-HTTP", "GATEWAY-TLS", "GATEWAY-GRPC", "GATEWAY-TCP", "GATEWAY-UDP"];

function repoRoot(): string {
  return new URL("../../../", import.meta.url).pathname;
}

/** Starts contour and an Envoy pod on the bed, and creates the GatewayClass `contour`. */
export async function startContourOnBed(bed: TestBed): Promise<void> {
  const nodeIp = bed.cluster.kubelet.nodeIp;
  const xdsPort = await freePort();
  const httpPort = await freePort();
  // Never the fixed default 6060: several runs (and other processes) share this machine.
  const debugPort = await freePort();
  const main = join(repoRoot(), "dist", "operator", "main.js");
  const configFile = join(bed.runDir.path, "contour-conformance.yaml");
  writeFileSync(configFile, "accesslog-level: disabled\n");
  const proc = bed.spawn({
    name: "contour",
    command: process.execPath,
    args: [
      "--enable-source-maps",
      main,
      "serve",
      `--kubeconfig=${bed.apiserver.kubeconfigPath}`,
      "--insecure",
      `--xds-address=${nodeIp}`,
      `--xds-port=${xdsPort}`,
      "--http-address=127.0.0.1",
      `--http-port=${httpPort}`,
      `--debug-http-port=${debugPort}`,
      "--disable-leader-election",
      // The bed's container stdout is a socket, which Envoy cannot open as an access log file.
      `--config-path=${configFile}`,
      "--log-format=json",
    ],
  });
  await waitFor(async () => (await httpGet(`http://127.0.0.1:${httpPort}/readyz`, { timeoutMs: 1000 }).catch(() => undefined))?.status === 200, {
    timeoutMs: 30_000,
    description: `contour to become ready (log: ${proc.logPath})`,
    bail: () => proc.exitError(),
  });
  const bootstrap = execFileSync(process.execPath, [main, "bootstrap", "-", `--xds-address=${nodeIp}`, `--xds-port=${xdsPort}`, "--insecure", "--admin-address=127.0.0.1", "--admin-port=9001"], { encoding: "utf8" });
  const api = createApiClient(bed.apiserver);
  try {
    const docs = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: ENVOY_NAMESPACE } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "envoy-bootstrap", namespace: ENVOY_NAMESPACE }, data: { "envoy.json": bootstrap } },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "envoy", namespace: ENVOY_NAMESPACE, labels: { app: "envoy" } },
        spec: {
          containers: [
            {
              name: "envoy",
              image: "docker.io/envoyproxy/envoy:distroless-v1.40.0",
              args: ["-c", "/config/envoy.json", "--disable-hot-restart", "--concurrency", "2"],
              volumeMounts: [{ name: "bootstrap", mountPath: "/config", readOnly: true }],
              readinessProbe: { httpGet: { path: "/ready", port: 8002 }, periodSeconds: 2 },
            },
          ],
          volumes: [{ name: "bootstrap", configMap: { name: "envoy-bootstrap" } }],
        },
      },
      // The Envoy Service (--envoy-service-*): its endpoints are what every Gateway's Service forwards to.
      { apiVersion: "v1", kind: "Service", metadata: { name: "envoy", namespace: ENVOY_NAMESPACE }, spec: { selector: { app: "envoy" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] } },
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "contour" }, spec: { controllerName: "projectcontour.io/gateway-controller" } },
    ];
    for (const d of docs) await applyManifests(api, JSON.stringify(d));
    await waitForReadyPods(api, ENVOY_NAMESPACE, "app=envoy", 1, 60_000);
  } finally {
    api.close();
  }
}

/** A run of the claimed profiles against contour: where to write the report, which features, more suite flags. */
export interface ContourConformance {
  readonly report: string;
  readonly features?: readonly string[];
  /** Default: CONFORMANCE_PROFILES. */
  readonly profiles?: readonly string[];
  readonly suiteArgs?: readonly string[];
}

/** The suite's flags for a run against contour. */
export function contourConformanceArgs(run: ContourConformance): string[] {
  return [
    `-conformance-profiles=${(run.profiles ?? CONFORMANCE_PROFILES).join(",")}`,
    `-supported-features=${(run.features ?? SUPPORTED_FEATURES).join(",")}`,
    `-report-output=${run.report}`,
    "-organization=projectcontour",
    "-project=contour",
    "-url=https://github.com/projectcontour/contour",
    "-version=v1.33.6-ts",
    "-contact=https://github.com/projectcontour/contour/issues",
    "-mode=default",
    ...(run.suiteArgs ?? []),
  ];
}

/**
 * Runs the claimed profiles against contour on a fresh bed; resolves with the suite's exit code and
 * what is wrong with its report (reportProblems). A single test (-run-test) is not checked against
 * the profile's statistics, as it leaves the rest unrun.
 */
export async function runContourConformance(run: ContourConformance): Promise<{ code: number; problems: string[] }> {
  const code = await runConformance({ start: startContourOnBed, args: contourConformanceArgs(run) });
  const single = (run.suiteArgs ?? []).some((a) => a.startsWith("-run-test"));
  const problems = single ? [] : reportFileProblems(run.report, run.profiles ?? CONFORMANCE_PROFILES, run.features ?? SUPPORTED_FEATURES);
  if (code !== 0) problems.unshift(`the suite exited with ${code}`);
  return { code, problems };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf("--");
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const rest = dash >= 0 ? argv.slice(dash + 1) : [];
  if (own.includes("--help") || own.includes("-h")) {
    console.log(
      [
        "usage: node dist/e2e/cluster/conformance-contour.js [--report FILE] [--features a,b] [--profiles a,b] [-- suite flags...]",
        "  --report FILE     where the suite writes its report (default conformance/report.yaml)",
        "  --features a,b    supported features (default: SUPPORTED_FEATURES, what GatewayClass status claims)",
        `  --profiles a,b    conformance profiles (default: ${CONFORMANCE_PROFILES.join(",")})`,
        "  -- flags          passed to the suite, e.g. -- -run-test=GatewayStaticAddresses; -usable-address/-unusable-address",
        "                    default to a free request-only address of the bed's load balancer and 198.19.254.1",
      ].join("\n"),
    );
    process.exit(0);
  }
  const r = own.indexOf("--report");
  // The suite runs in the bed's run dir: a relative path is the caller's.
  const report = resolve(r >= 0 && own[r + 1] !== undefined ? own[r + 1]! : join(repoRoot(), "conformance", "report.yaml"));
  // --features a,b: try features beyond what GatewayClass status claims (to see which pass before claiming them).
  const f = own.indexOf("--features");
  const features = f >= 0 && own[f + 1] !== undefined ? own[f + 1]!.split(",") : SUPPORTED_FEATURES;
  // --profiles a,b: the conformance profiles to run and report (default: every one we claim).
  const p = own.indexOf("--profiles");
  const profiles = p >= 0 && own[p + 1] !== undefined ? own[p + 1]!.split(",") : CONFORMANCE_PROFILES;
  runContourConformance({ report, features, profiles, suiteArgs: rest }).then(
    ({ problems }) => {
      for (const problem of problems) console.error(`conformance: ${problem}`);
      process.exit(problems.length === 0 ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
