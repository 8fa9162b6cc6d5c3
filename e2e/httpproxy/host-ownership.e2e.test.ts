// Host ownership across APIs: an HTTPProxy root's fqdn belongs to it. An Ingress of another namespace
// cannot add a path to it (upstream Contour would serve `/hijack` to the intruder's backend with the
// owner's certificate) nor take a colliding path; the Ingress is logged with the owner's name and
// counted, and the owner's status carries a warning naming the Ingress. An Ingress in the owner's own
// namespace still adds paths, as upstream.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "mocha";
import type { HTTPProxy, SubCondition } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { applyEndpointSlice, createIngress, createService, createTlsSecret, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { metricValue } from "../fixtures/metrics.js";
import { selfSignedCert, type ServingCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, waitFor, type HttpResponse, type RequestLogReply } from "../harness/index.js";

const TENANT_A = "tenant-a";
const TENANT_B = "tenant-b";
const HOST = "a.sec.test";
// Pods: 0 = tenant A's app, 1 = tenant B's backend, 2 = tenant A's ACME solver.
const POD_A = 0;
const POD_B = 1;
const POD_ACME = 2;

const nameOf = (res: HttpResponse): string => (res.status === 200 ? res.json<{ name: string }>().name : `HTTP ${res.status}`);

describe("HTTPProxy: host ownership across APIs (Ingress over HTTPProxy)", function () {
  const ctx = useStack({ pods: ["a-1", "b-1", "acme-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  let certA: ServingCert;
  let certB: ServingCert;

  async function backend(namespace: string, name: string, pod: number): Promise<void> {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, namespace);
    await createService(kube, namespace, name, [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, namespace, name, "http", [{ ip: bed.pods[pod]!.ip, port: bed.pods[pod]!.port }]);
  }

  const https = (host: string, path: string, ca: string): Promise<HttpResponse> =>
    httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}${path}`, { host, servername: host, ca, timeoutMs: 3000 });

  /** How often a pod backend saw exactly `path`. */
  async function seenBy(pod: number, path: string): Promise<number> {
    const url = ctx.stack.bed.pods[pod]!.url;
    return (await httpGet(`${url}/__requests?path=${encodeURIComponent(path)}`, { timeoutMs: 3000 })).json<RequestLogReply>().count;
  }

  /** Contour's JSON log lines that mention every one of `fragments`. */
  function logLines(...fragments: string[]): Record<string, unknown>[] {
    return readFileSync(ctx.stack.contour.process.logPath, "utf8")
      .split("\n")
      .filter((l) => fragments.every((f) => l.includes(f)))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async function waitForLog(what: string, ...fragments: string[]): Promise<Record<string, unknown>> {
    return waitFor(() => logLines(...fragments)[0], { timeoutMs: 20_000, description: `contour to log ${what}` });
  }

  /** Polls the proxy until its warnings are exactly `want` (type/reason pairs) and returns it. */
  async function waitForWarnings(namespace: string, name: string, want: readonly string[]): Promise<readonly SubCondition[]> {
    let last: HTTPProxy | undefined;
    const warnings = (p: HTTPProxy | undefined): readonly SubCondition[] => p?.status?.conditions?.find((c) => c.type === "Valid")?.warnings ?? [];
    await waitFor(
      async () => {
        last = await readHTTPProxy(kc(), namespace, name);
        return JSON.stringify(warnings(last).map((w) => `${w.type}/${w.reason}`)) === JSON.stringify(want);
      },
      { timeoutMs: 20_000, description: () => `${namespace}/${name} to warn ${JSON.stringify(want)} (status: ${JSON.stringify(last?.status)})` },
    );
    return warnings(last);
  }

  it("serves tenant A's proxy on its host with its certificate", async () => {
    const { kube } = ctx.stack;
    await backend(TENANT_A, "svc-a", POD_A);
    await backend(TENANT_A, "acme-solver", POD_ACME);
    await backend(TENANT_B, "svc-b", POD_B);
    certA = await selfSignedCert([HOST]);
    certB = await selfSignedCert([HOST]);
    await createTlsSecret(kube, TENANT_A, "a-cert", certA.certPem, certA.keyPem);
    await createTlsSecret(kube, TENANT_B, "b-cert", certB.certPem, certB.keyPem);
    await createHTTPProxy(kc(), TENANT_A, "app-a", { virtualhost: { fqdn: HOST, tls: { secretName: "a-cert" } }, routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "svc-a", port: 80 }] }] });
    await waitForProxyStatus(kc(), TENANT_A, "app-a", "valid");
    await waitFor(async () => nameOf(await https(HOST, "/", certA.certPem).catch(() => ({ status: 0 }) as HttpResponse)) === "a-1", { timeoutMs: 20_000, description: "tenant A's host over HTTPS" });
  });

  it("does not serve an intruding Ingress's paths, with its certificate or not, and tells both sides", async () => {
    const { kube } = ctx.stack;
    // /hijack would be a new path on A's host (upstream serves it to B, with A's certificate);
    // / collides with A's own route (upstream lets A win without a word to anyone).
    await createIngress(kube, TENANT_B, "hijack", { ...simpleIngressSpec(HOST, "svc-b", 80, "/hijack"), tls: [{ hosts: [HOST], secretName: "b-cert" }] });
    await createIngress(kube, TENANT_B, "collide", simpleIngressSpec(HOST, "svc-b", 80, "/"));

    // The owner is told, naming each intruder, and stays valid: its routes are all served.
    const warnings = await waitForWarnings(TENANT_A, "app-a", ["VirtualHostError/ForeignRoutesRefused", "VirtualHostError/ForeignRoutesRefused"]);
    assert.deepEqual(
      warnings.map((w) => w.message),
      [
        `host "${HOST}": the routes of Ingress tenant-b/collide are not served; only sources in the owner's namespace may add routes to this host`,
        `host "${HOST}": the routes of Ingress tenant-b/hijack are not served; only sources in the owner's namespace may add routes to this host`,
      ],
    );
    const owner = await readHTTPProxy(kc(), TENANT_A, "app-a");
    assert.equal(owner.status?.currentStatus, "valid");
    assert.equal(owner.status?.conditions?.find((c) => c.type === "Valid")?.errors, undefined);

    // Each Ingress is told in contour's log (Ingress status has no conditions), with the owner's name.
    for (const name of ["hijack", "collide"]) {
      const line = await waitForLog(`the refusal of ${name}`, '"reason":"HostOwnedByAnotherNamespace"', `"name":"${name}"`);
      assert.deepEqual([line["level"], line["kind"], line["namespace"], line["name"]], [40, "Ingress", TENANT_B, name]);
      assert.equal(line["msg"], `host "${HOST}" is owned by HTTPProxy tenant-a/app-a; sources in namespace "tenant-b" cannot add routes to it, so none of this Ingress's routes for the host are served`);
    }
    const metrics = await ctx.stack.contour.metrics();
    assert.equal(metricValue(metrics, "contour_host_ownership_refusals", { kind: "Ingress" }), 2);

    // On the wire: A's certificate, A's backend, for every path; B's backend never sees a request.
    for (const path of ["/hijack", "/hijack/x", "/"]) assert.equal(nameOf(await https(HOST, path, certA.certPem)), "a-1", path);
    await assert.rejects(https(HOST, "/hijack", certB.certPem), "the intruder's certificate is not served for A's host");
    assert.equal(await seenBy(POD_B, "/hijack"), 0);
    assert.equal(await seenBy(POD_B, "/"), 0);
    assert.equal((await ctx.stack.http(HOST, "/hijack")).status, 301, "plain HTTP on A's TLS host redirects, as A's route says");
  });

  it("still lets an Ingress of the owner's namespace add a path (as upstream)", async () => {
    await createIngress(ctx.stack.kube, TENANT_A, "acme", simpleIngressSpec(HOST, "acme-solver", 80, "/.well-known/acme-challenge/"));
    const res = await waitFor(
      async () => {
        const r = await https(HOST, "/.well-known/acme-challenge/token", certA.certPem);
        return nameOf(r) === "acme-1" ? r : undefined;
      },
      { timeoutMs: 20_000, description: "tenant A's ACME path to be served" },
    );
    assert.equal(res.json<{ path: string }>().path, "/.well-known/acme-challenge/token");
    assert.equal(nameOf(await https(HOST, "/", certA.certPem)), "a-1");
    // Nothing new for the owner to hear about.
    await waitForWarnings(TENANT_A, "app-a", ["VirtualHostError/ForeignRoutesRefused", "VirtualHostError/ForeignRoutesRefused"]);
  });

  it("takes a host back from another namespace's Ingress when a root claims it later, and says so", async () => {
    const host = "late.sec.test";
    await createIngress(ctx.stack.kube, TENANT_B, "early", simpleIngressSpec(host, "svc-b", 80, "/"));
    await ctx.stack.waitForHttp(host, "/", (r) => nameOf(r) === "b-1", "the unclaimed host to be served to tenant B's Ingress (as upstream)");
    await createHTTPProxy(kc(), TENANT_A, "late", { virtualhost: { fqdn: host }, routes: [{ conditions: [{ prefix: "/app" }], services: [{ name: "svc-a", port: 80 }] }] });
    await ctx.stack.waitForHttp(host, "/", (r) => r.status === 404, "tenant B's path to stop being served");
    assert.equal(nameOf(await ctx.stack.http(host, "/app")), "a-1");
    // The Ingress did not change, yet it is logged: its host's owner arrived.
    const line = await waitForLog("the refusal of early", '"reason":"HostOwnedByAnotherNamespace"', '"name":"early"');
    assert.match(String(line["msg"]), /owned by HTTPProxy tenant-a\/late;/u);
    const [w] = await waitForWarnings(TENANT_A, "late", ["VirtualHostError/ForeignRoutesRefused"]);
    assert.match(w?.message ?? "", /Ingress tenant-b\/early/u);
  });

  it("drops the owner's warning when the intruders go", async () => {
    const { kube } = ctx.stack;
    for (const name of ["hijack", "collide"]) await kube.networking.deleteNamespacedIngress({ namespace: TENANT_B, name });
    await waitForWarnings(TENANT_A, "app-a", []);
    await waitFor(async () => metricValue(await ctx.stack.contour.metrics(), "contour_host_ownership_refusals", { kind: "Ingress" }) === 1, {
      timeoutMs: 20_000,
      description: "one refused Ingress left (tenant-b/early)",
    });
  });

  it("ends with Envoy having accepted every update", async () => {
    await assertNoRejectedUpdates(ctx.stack.envoy);
  });
});
