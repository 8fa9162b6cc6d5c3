// Runs the Gateway API conformance suite (the test binary `make tools` builds from
// sigs.k8s.io/gateway-api/conformance@v1.6.1) against a fresh bed with pods: the experimental CRDs
// installed server-side, an implementation started by the caller, then the suite with KUBECONFIG
// pointing at the bed. Usage: node dist/e2e/cluster/conformance-run.js [--gateway-class NAME] [-- suite flags...]
// The Gateway API work passes `start` (contour and its GatewayClass) through runConformance. The
// suite's -usable-address/-unusable-address (GatewayStaticAddresses) come from the bed's load balancer
// pool unless given (staticAddressArgs).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createTestBed, resolveTool, resolveToolFile, type TestBed } from "../harness/index.js";
import { pickRequestOnlyAddress, UNUSABLE_ADDRESS } from "../harness/load-balancer-requests.js";
import { ipBinary, runIp } from "../harness/pod-network.js";
import { createApiClient } from "../harness/kubelet/api.js";
import { applyManifests } from "./objects.js";

/** What to run. */
export interface ConformanceRun {
  /** --gateway-class of the suite; default "contour". */
  readonly gatewayClass?: string;
  /** More flags for the suite, e.g. ["-run-test=HTTPRouteSimpleSameNamespace", "-supported-features=Gateway,HTTPRoute"]. */
  readonly args?: readonly string[];
  /** Starts the implementation under test once the CRDs are in (e.g. contour and its GatewayClass). */
  readonly start?: (bed: TestBed) => Promise<void>;
}

/**
 * The suite's addresses for GatewayStaticAddresses unless the caller gave them: a usable one (a free
 * request-only address of the bed's LoadBalancer pool) and an unusable one (inside 198.18.0.0/15, outside
 * every range of the bed, so the load balancer refuses it). Never an address outside 198.18.0.0/15.
 */
export function staticAddressArgs(args: readonly string[], used: () => string): string[] {
  const given = (flag: string): boolean => args.some((a) => a === `-${flag}` || a.startsWith(`-${flag}=`) || a === `--${flag}` || a.startsWith(`--${flag}=`));
  return [...(given("usable-address") ? [] : [`-usable-address=${pickRequestOnlyAddress(used())}`]), ...(given("unusable-address") ? [] : [`-unusable-address=${UNUSABLE_ADDRESS}`])];
}

/** Runs the suite on a fresh bed; resolves with the suite's exit code (logs kept when it is not 0). */
export async function runConformance(run: ConformanceRun = {}): Promise<number> {
  const binary = resolveTool("gateway-api-conformance");
  const bed = await createTestBed({ name: "gateway-api-conformance", cluster: true });
  let code = 1;
  try {
    const api = createApiClient(bed.apiserver);
    try {
      await applyManifests(api, readFileSync(resolveToolFile("gateway-api-crds"), "utf8"));
    } finally {
      api.close();
    }
    await run.start?.(bed);
    const ip = ipBinary();
    const args = ["-test.v", "-test.run=^TestConformance$", "-test.timeout=90m", `-gateway-class=${run.gatewayClass ?? "contour"}`, ...staticAddressArgs(run.args ?? [], () => runIp(ip, ["-4", "-o", "addr", "show"])), ...(run.args ?? [])];
    console.log(`conformance: ${binary} ${args.join(" ")} (KUBECONFIG=${bed.apiserver.kubeconfigPath})`);
    const child = spawn(binary, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, KUBECONFIG: bed.apiserver.kubeconfigPath }, cwd: bed.runDir.path });
    const stop = (): void => void child.kill("SIGTERM");
    process.once("SIGINT", stop);
    code = await new Promise<number>((resolve) => child.once("exit", (c, signal) => resolve(c ?? (signal !== null ? 128 : 1))));
    process.removeListener("SIGINT", stop);
  } finally {
    await bed.stop({ failed: code !== 0 });
  }
  return code;
}

function parseArgs(argv: readonly string[]): ConformanceRun {
  const dash = argv.indexOf("--");
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const rest = dash >= 0 ? argv.slice(dash + 1) : [];
  const i = own.indexOf("--gateway-class");
  return { ...(i >= 0 && own[i + 1] !== undefined ? { gatewayClass: own[i + 1] } : {}), args: rest };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runConformance(parseArgs(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
