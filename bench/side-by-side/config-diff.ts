// `make config-diff`: upstream Contour v1.33.6 and our controller, one after the other on the same bed
// and the same objects (two HTTPProxies and two Ingresses, plain and TLS, all with default settings),
// each with its own Envoy bootstrapped by its own `contour bootstrap`; both Envoys' /config_dump are
// normalised (config-normalize.ts) and diffed. Writes bench/results/config-diff-<timestamp>.md and
// prints it. Asserts nothing: the README lists which differences are deliberate.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { createTestBed, findRepoRoot, freePort, waitFor, type TestBed } from "../../e2e/harness/index.js";
import { selfSignedCert } from "../../e2e/fixtures/serving-cert.js";
import { installUpstream, ourController, upstreamController, type ControllerUnderTest, type ListenerPorts } from "./controllers.js";
import { collapseDifferences, diffConfigs, normalizeConfigDump, type FlatConfig } from "./config-normalize.js";
import { createApi, createObject, waitForPort, type Api } from "./measure.js";
import { installCrds } from "./crds.js";
import { serviceObjects } from "./objects.js";

const NS = "configdiff";
const HOSTS = { proxy: "proxy.configdiff.example.com", proxyTls: "proxy-tls.configdiff.example.com", ingress: "ingress.configdiff.example.com", ingressTls: "ingress-tls.configdiff.example.com" };

const log = (line: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** The fixed objects: default settings everywhere, so what differs is each controller's defaults. */
async function createObjects(api: Api, bed: TestBed): Promise<void> {
  await createObject(api, "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
  const pod = bed.pods[0];
  if (pod === undefined) throw new Error("config-diff: the bed has no pod backend");
  for (const o of serviceObjects(NS, "echo", { ip: pod.ip, port: pod.port })) await createObject(api, o.path, o.body);
  const cert = await selfSignedCert([HOSTS.proxyTls, HOSTS.ingressTls]);
  const data = { "tls.crt": Buffer.from(cert.certPem).toString("base64"), "tls.key": Buffer.from(cert.keyPem).toString("base64") };
  await createObject(api, `/api/v1/namespaces/${NS}/secrets`, { apiVersion: "v1", kind: "Secret", metadata: { name: "tls", namespace: NS }, type: "kubernetes.io/tls", data });
  const proxy = (name: string, virtualhost: Record<string, unknown>) => ({
    apiVersion: "projectcontour.io/v1",
    kind: "HTTPProxy",
    metadata: { name, namespace: NS },
    spec: { virtualhost, routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "echo", port: 80 }] }, { conditions: [{ prefix: "/api" }], services: [{ name: "echo", port: 80 }] }] },
  });
  await createObject(api, `/apis/projectcontour.io/v1/namespaces/${NS}/httpproxies`, proxy("plain", { fqdn: HOSTS.proxy }));
  await createObject(api, `/apis/projectcontour.io/v1/namespaces/${NS}/httpproxies`, proxy("tls", { fqdn: HOSTS.proxyTls, tls: { secretName: "tls" } }));
  const ingress = (name: string, host: string, tls: boolean) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: NS },
    spec: {
      ...(tls ? { tls: [{ hosts: [host], secretName: "tls" }] } : {}),
      rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "echo", port: { number: 80 } } } }] } }],
    },
  });
  await createObject(api, `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`, ingress("plain", HOSTS.ingress, false));
  await createObject(api, `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`, ingress("tls", HOSTS.ingressTls, true));
}

/** Starts one controller and its Envoy, waits until every host is in Envoy's routes, and returns the normalised dump. */
async function dumpOf(ctrl: ControllerUnderTest, bed: TestBed): Promise<{ flat: FlatConfig; raw: unknown }> {
  const ports: ListenerPorts = { http: await freePort(), https: await freePort() };
  const running = await ctrl.start(bed, ports);
  const bail = (): Error | undefined => running.process.exitError();
  try {
    await waitForPort(running.xdsPort, 60_000, bail);
    const bootstrap = ctrl.bootstrap(bed, running.xdsPort);
    const envoy = await bed.startEnvoy({ bootstrap: bootstrap.json, name: `envoy-${ctrl.id}`, waitUntil: "admin", extraArgs: bootstrap.envoyArgs });
    try {
      const raw = await waitFor(
        async () => {
          const dump = await envoy.admin.configDump();
          const text = JSON.stringify(dump);
          return Object.values(HOSTS).every((h) => text.includes(`"${h}"`)) && text.includes('"ingress_https"') ? dump : undefined;
        },
        { timeoutMs: 60_000, description: `${ctrl.label}: every host in Envoy's configuration` },
      );
      // One more poll after a quiet second: EDS and late route updates land before the final dump.
      await new Promise((r) => setTimeout(r, 1_500));
      const final = await envoy.admin.configDump();
      return { flat: normalizeConfigDump(final as { configs?: Array<Record<string, unknown>> }), raw: final ?? raw };
    } finally {
      await envoy.stop();
    }
  } finally {
    await running.process.stop();
  }
}

function cell(v: string | undefined): string {
  if (v === undefined) return "—";
  const short = v.length > 200 ? `${v.slice(0, 197)}...` : v;
  return `\`${short.replace(/\|/g, "\\|").replace(/`/g, "'")}\``;
}

/** `--from <upstream.json> <ours.json>`: diff two dumps saved by an earlier run, without a bed. */
function fromFiles(args: readonly string[]): { upstream: FlatConfig; ours: FlatConfig } | undefined {
  if (args[0] !== "--from") return undefined;
  const read = (f: string | undefined): FlatConfig => {
    if (f === undefined) throw new Error("usage: config-diff.js --from <upstream.json> <ours.json>");
    return normalizeConfigDump(JSON.parse(readFileSync(f, "utf8")) as { configs?: Array<Record<string, unknown>> });
  };
  return { upstream: read(args[1]), ours: read(args[2]) };
}

async function main(): Promise<void> {
  const saved = fromFiles(process.argv.slice(2));
  if (saved !== undefined) {
    const diffs = collapseDifferences(diffConfigs(saved.upstream, saved.ours), saved.upstream, saved.ours);
    process.stdout.write(`${diffs.length} differing paths\n\n| path | upstream | ours |\n| --- | --- | --- |\n${diffs.map((d) => `| ${d.path.replace(/\|/g, "\\|")} | ${cell(d.upstream)} | ${cell(d.ours)} |`).join("\n")}\n`);
    return;
  }
  const install = installUpstream();
  // Ours in state of the world: with delta, the plain-HTTP hosts arrive by VHDS, which the dump lists apart.
  process.env["BENCH_OURS_XDS_MODE"] ??= "sotw";
  const controllers = [upstreamController(install), ourController()];
  const bed = await createTestBed({ name: "config-diff", pods: ["echo"] });
  const flats = new Map<string, FlatConfig>();
  const resultsDir = join(findRepoRoot(), "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  try {
    const api = await createApi(bed.apiserver.makeKubeConfig());
    bed.onStop(() => api.close());
    await installCrds(api, install.crds);
    await createObjects(api, bed);
    for (const ctrl of controllers) {
      log(`${ctrl.label}: starting`);
      const { flat, raw } = await dumpOf(ctrl, bed);
      flats.set(ctrl.id, flat);
      writeFileSync(join(resultsDir, `config-diff-${stamp}-${ctrl.id}.json`), JSON.stringify(raw, null, 1));
      log(`${ctrl.label}: ${flat.size} configuration leaves`);
    }
  } finally {
    await bed.stop({ failed: false });
  }
  const upstream = flats.get("upstream") ?? new Map<string, string>();
  const ours = flats.get("ours") ?? new Map<string, string>();
  const diffs = collapseDifferences(diffConfigs(upstream, ours), upstream, ours);
  const lines = [
    `# Envoy configuration: upstream Contour ${install.version} vs ours`,
    "",
    `Objects: HTTPProxies \`${HOSTS.proxy}\` and \`${HOSTS.proxyTls}\` (TLS), Ingresses \`${HOSTS.ingress}\` and \`${HOSTS.ingressTls}\` (TLS), each to one Service; every setting default.`,
    `${controllers.map((c) => c.describe).join("; ")}.`,
    "Listeners, route configurations and clusters from each Envoy's /config_dump, flattened (lists keyed by name or match; cluster-name hashes, versions and the bed's ports taken out). `—`: absent on that side.",
    "",
    `${diffs.length} differing paths.`,
    "",
    "| path | upstream | ours |",
    "| --- | --- | --- |",
    ...diffs.map((d) => `| ${d.path.replace(/\|/g, "\\|")} | ${cell(d.upstream)} | ${cell(d.ours)} |`),
    "",
  ];
  const file = join(resultsDir, `config-diff-${stamp}.md`);
  writeFileSync(file, lines.join("\n"));
  process.stdout.write(lines.join("\n"));
  log(`written to ${file}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`config-diff: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
