// Operating contour like upstream Contour, on the whole product (real kube-apiserver, `contour serve`, Envoy):
// `contour version`, `contour cli rds` against the Envoy's own config, `/debug/dag` rendered by Graphviz,
// upstream's Grafana queries against /metrics, and log lines naming the object they are about.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { before, describe, it } from "mocha";
import { splitJsonDocuments } from "../../operator/xds-cli/xds-watch.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { evaluate, parseExposition, type Sample } from "../fixtures/promql-lite.js";
import { useStack } from "../fixtures/stack.js";
import { findRepoRoot, freePort, httpGet, waitFor } from "../harness/index.js";
import { UPSTREAM_GRAFANA_QUERIES, UPSTREAM_GRAFANA_VARIABLES, withAllVariables } from "./grafana-queries.js";

const NS = "ops";
const main = (): string => join(findRepoRoot(), "dist", "operator", "main.js");

function contourCommand(args: readonly string[], timeoutMs = 20_000): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [main(), ...args], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe("operating contour like upstream: version, cli, /debug/dag, metrics, logs", function () {
  const ctx = useStack({ pods: ["web-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  before(async function () {
    this.timeout(60_000);
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "web", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "web", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createHTTPProxy(kc(), NS, "shop", { virtualhost: { fqdn: "shop.example.com" }, routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "web", port: 80 }] }] });
    await createHTTPProxy(kc(), NS, "broken", { virtualhost: { fqdn: "broken.example.com" }, routes: [{ services: [{ name: "no-such-service", port: 80 }] }] });
    await createHTTPProxy(kc(), NS, "lonely", { routes: [{ services: [{ name: "web", port: 80 }] }] });
    await ctx.stack.waitForHttp("shop.example.com", "/", (r) => r.status === 200, "shop.example.com to be served");
    await waitForProxyStatus(kc(), NS, "broken", "invalid");
    await waitForProxyStatus(kc(), NS, "lonely", "orphaned");
  });

  it("contour version prints the version from package.json and the git commit", () => {
    const res = contourCommand(["version"]);
    assert.equal(res.status, 0, res.stderr);
    const version = (JSON.parse(readFileSync(join(findRepoRoot(), "package.json"), "utf8")) as { version: string }).version;
    assert.match(res.stdout, new RegExp(`^version: v${version.replace(/\./g, "\\.")}$`, "m"));
    // From dist/build-info.json (make build) or, failing that, git rev-parse in this checkout.
    assert.match(res.stdout, /^sha: [0-9a-f]{40}$/m, res.stdout);
  });

  for (const delta of [true, false]) {
    it(`contour cli rds${delta ? " --delta" : ""} prints the route configuration the Envoy has`, async () => {
      const { certs, contour, envoy } = ctx.stack;
      const res = contourCommand([
        "cli",
        "rds",
        `--contour=127.0.0.1:${contour.xdsPort}`,
        `--cafile=${certs.caFile}`,
        `--cert-file=${certs.envoyCert}`,
        `--key-file=${certs.envoyKey}`,
        "--node-id=envoy",
        "--once",
        ...(delta ? ["--delta"] : []),
      ]);
      assert.equal(res.status, 0, res.stderr);
      const docs = splitJsonDocuments(res.stdout) as Record<string, unknown>[];
      type Doc = { type_url?: string; resources: Record<string, unknown>[] };
      const responses = docs.filter((d): d is Doc => Array.isArray(d["resources"]));
      const resourcesOf = (d: Doc | undefined) => (d?.resources ?? []).map((r) => (delta ? (r["resource"] as Record<string, unknown>) : r));
      const routeResponse = responses.find((d) => d.type_url === "type.googleapis.com/envoy.config.route.v3.RouteConfiguration");
      const fromCli = resourcesOf(routeResponse).find((c) => c["name"] === "ingress_http");
      assert.ok(fromCli !== undefined, `no ingress_http in ${res.stdout.slice(0, 2000)}`);

      type VirtualHost = { name: string; domains: string[]; [field: string]: unknown };
      // Delta streams name the plain-HTTP hosts through VHDS (resources `ingress_http/<fqdn>`), which the CLI
      // follows; SotW streams carry them inline, named by fqdn.
      let cliHosts: VirtualHost[];
      if (delta) {
        assert.ok(fromCli["vhds"] !== undefined, "a delta stream's ingress_http names its hosts through VHDS");
        const vhds = responses.find((d) => d.type_url === "type.googleapis.com/envoy.config.route.v3.VirtualHost");
        cliHosts = resourcesOf(vhds) as VirtualHost[];
      } else {
        cliHosts = fromCli["virtual_hosts"] as VirtualHost[];
      }

      const dump = await envoy.admin.configDump({ resource: "dynamic_route_configs" });
      const fromEnvoy = dump.configs.map((c) => c["route_config"] as Record<string, unknown>).find((c) => c["name"] === "ingress_http");
      assert.ok(fromEnvoy !== undefined, "Envoy has no ingress_http route configuration");
      const envoyHosts = fromEnvoy["virtual_hosts"] as VirtualHost[];
      // Compared without the names, which differ by protocol only (the stack's Envoy is on delta xDS), and
      // without the @type a delta resource's Any carries.
      const byDomains = (hosts: VirtualHost[]) =>
        hosts
          .map(({ name: _name, "@type": _type, ...rest }) => rest)
          .sort((a, b) => String(a.domains[0]).localeCompare(String(b.domains[0])));
      assert.ok(cliHosts.some((h) => h.domains.includes("shop.example.com")), JSON.stringify(cliHosts));
      assert.deepEqual(byDomains(cliHosts), byDomains(envoyHosts), "the CLI's virtual hosts are the Envoy's");
    });
  }

  it("curl /debug/dag | dot -Tsvg renders the model", async () => {
    const res = await httpGet(`http://127.0.0.1:${ctx.stack.contour.debugPort}/debug/dag`);
    assert.equal(res.status, 200);
    assert.match(res.body, /^digraph DAG \{/);
    assert.ok(res.body.includes("http://shop.example.com"), res.body);
    assert.ok(res.body.includes("{service|ops/web:80}"), res.body);
    const dot = spawnSync("dot", ["-Tsvg"], { input: res.body, encoding: "utf8", timeout: 20_000 });
    if (dot.error !== undefined && (dot.error as NodeJS.ErrnoException).code === "ENOENT") {
      assert.fail("Graphviz `dot` is not installed: add Debian's graphviz package to e2e/tools/install.sh (make tools)");
    }
    assert.equal(dot.status, 0, `dot -Tsvg failed: ${dot.stderr}`);
    assert.match(dot.stdout, /<svg[\s\S]*shop\.example\.com[\s\S]*<\/svg>/);
  });

  it("the debug listener is on loopback and not on the metrics port", async () => {
    assert.equal((await httpGet(`http://127.0.0.1:${ctx.stack.contour.httpPort}/debug/dag`)).status, 404);
    const res = await httpGet(`http://127.0.0.1:${ctx.stack.contour.debugPort}/debug/pprof/profile?seconds=0.2`);
    assert.equal(res.status, 200);
    assert.ok((JSON.parse(res.body) as { nodes: unknown[] }).nodes.length > 0);
  });

  it("upstream's Grafana queries return data from /metrics", async () => {
    const { contour, kube } = ctx.stack;
    const scrape = async (): Promise<{ atSeconds: number; samples: Sample[] }> => ({ atSeconds: Date.now() / 1000, samples: parseExposition(await contour.metrics()) });
    const first = await scrape();
    // Some events between the scrapes, so rate() has something to measure.
    await createService(kube, NS, "another", [{ name: "http", port: 80 }]);
    const second = await waitFor(
      async () => {
        const s = await scrape();
        const q = evaluate('avg(rate(contour_eventhandler_operation_total{kind="Service"}[1m])) by (kind)', [first, s]);
        return q.some((r) => r.value > 0) ? s : undefined;
      },
      { timeoutMs: 15_000, description: "contour_eventhandler_operation_total to count the new Service" },
    );
    for (const query of [...UPSTREAM_GRAFANA_QUERIES, ...UPSTREAM_GRAFANA_VARIABLES]) {
      const result = evaluate(withAllVariables(query), [first, second]);
      assert.ok(result.length > 0, `no data for ${query}`);
    }
    const instant = (q: string) => evaluate(q, [second]);
    assert.deepEqual(instant('avg(contour_httpproxy{namespace=~".*"}) by (namespace)'), [{ labels: { namespace: NS }, value: 3 }]);
    assert.deepEqual(instant('avg(contour_httpproxy_root{namespace=~".*"}) by (namespace)'), [{ labels: { namespace: NS }, value: 2 }]);
    assert.deepEqual(instant('avg(contour_httpproxy_orphaned{namespace=~".*"}) by (namespace)'), [{ labels: { namespace: NS }, value: 1 }]);
    assert.deepEqual(instant('avg(contour_httpproxy_invalid{namespace=~".*"}) by (namespace,vhost)'), [{ labels: { namespace: NS, vhost: "broken.example.com" }, value: 1 }]);
    assert.deepEqual(instant('avg(contour_httpproxy_valid{namespace=~".*"}) by (namespace,vhost)'), [{ labels: { namespace: NS, vhost: "shop.example.com" }, value: 1 }]);

    const names = new Set(second.samples.map((s) => s.name));
    for (const name of [
      "contour_build_info",
      "contour_dagrebuild_total",
      "contour_dagrebuild_seconds_count",
      "contour_dagrebuild_timestamp",
      "contour_dag_cache_object",
      "contour_status_update_total",
      "contour_status_update_success_total",
      "contour_status_update_duration_seconds_count",
      "grpc_server_started_total",
      "grpc_server_msg_sent_total",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "contour_process_resident_memory_bytes",
      "contour_informer_synced",
    ]) {
      assert.ok(names.has(name), `/metrics lacks ${name}`);
    }
    const unsynced = second.samples.filter((s) => s.name === "contour_informer_synced" && s.value !== 1);
    assert.deepEqual(unsynced, [], "every informer has synced");
    assert.ok(second.samples.some((s) => s.name === "grpc_server_started_total" && s.labels["grpc_type"] === "bidi_stream" && s.value > 0));
  });

  it("a log line about an object carries its kind, namespace and name beside the logger's name", async () => {
    const { contour } = ctx.stack;
    const record = await waitFor(
      () => {
        const lines = readFileSync(contour.process.logPath, "utf8").split("\n").filter((l) => l.startsWith("{"));
        return lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r["kind"] === "HTTPProxy" && r["name"] === "broken" && r["namespace"] === NS);
      },
      { timeoutMs: 10_000, description: "a JSON log line about HTTPProxy ops/broken" },
    );
    assert.equal(record["logger"], "contour");
    assert.equal(typeof record["msg"], "string");
  });

  it("a kubeconfig that does not exist is one clear line, not a stack trace", () => {
    const res = contourCommand(["serve", "--kubeconfig=/nonexistent/kubeconfig", "--insecure", "--http-port=1", "--xds-port=2"]);
    assert.equal(res.status, 1);
    assert.equal(res.stderr, "contour: --kubeconfig /nonexistent/kubeconfig: no such file\n");
  });

  it("an API server that does not answer is one clear line, not a stack trace", async () => {
    const port = await freePort(); // nothing listens there
    const kubeconfig = ctx.stack.bed.runDir.file("silent-kubeconfig.yaml");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\n` +
        "users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
    );
    const [httpPort, xdsPort, debug] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [main(), "serve", `--kubeconfig=${kubeconfig}`, "--insecure", "--log-format=text", "--http-address=127.0.0.1", `--http-port=${httpPort}`, "--xds-address=127.0.0.1", `--xds-port=${xdsPort}`, `--debug-http-port=${debug}`],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    try {
      await waitFor(() => stderr.includes("cannot reach the API server"), { timeoutMs: 15_000, description: () => `the unreachable API server to be reported (stderr: ${stderr})` });
      // Give every informer time to fail at least once more: still one line.
      await waitFor(() => (stderr.match(/INFO {2}waiting for every informer/g) ?? []).length > 0, { timeoutMs: 5_000, description: "serve to be waiting for informers" });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      child.kill("SIGKILL");
    }
    const lines = stderr.split("\n").filter((l) => l.includes("cannot reach the API server"));
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0] ?? "", new RegExp(`ERROR cannot reach the API server; retrying (component=informers )?server=https://127\\.0\\.0\\.1:${port} error=`));
    assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
  });
});
