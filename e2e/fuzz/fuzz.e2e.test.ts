// The fuzzer against a running stack: a few thousand generated HTTPProxies and Ingresses (the
// generators of controllers/fuzz, filtered by the real API server's admission) are applied while
// request loops hit canary hosts, and a canary added in the middle must be served as usual. Bounded in
// objects (FUZZ_E2E_OBJECTS, default 3000) and in time (FUZZ_E2E_SECONDS of applying, default 150).
// Reported and asserted: Envoy NACKs (contour_xds_nacks_total and Envoy's own update_rejected stats),
// rebuild failures (contour_rebuild_failures_total, snapshots refused, error logs), sources quarantined
// after a NACK, canary request failures, and
// objects left without a status.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "mocha";
import fc from "fast-check";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { GROUP, HTTPPROXY_PLURAL, VERSION, type HTTPProxy } from "../../crds/index.js";
import { kubeRequest } from "../../operator/runtime/kube-request.js";
import { KubeError } from "../../operator/runtime/kube-error.js";
import { fuzzCaSecret, fuzzServices, fuzzTlsSecret, objectPartsArb, toObjects } from "../../controllers/fuzz/generators.js";
import { makeTestCert, type TestKeyType } from "../../controllers/fuzz/test-certs.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { metricValue } from "../fixtures/metrics.js";
import { startRequestLoop } from "../fixtures/request-loop.js";
import { useStack } from "../fixtures/stack.js";
import { waitFor, type HttpResponse } from "../harness/index.js";

const FUZZ = "fuzz";
const CANARY = "canary";
const OBJECTS = Number(process.env["FUZZ_E2E_OBJECTS"] ?? "3000");
const APPLY_SECONDS = Number(process.env["FUZZ_E2E_SECONDS"] ?? "150");
const SEED = Number(process.env["FUZZ_E2E_SEED"] ?? "20261201");
const CONCURRENCY = 8;

const backendName = (res: HttpResponse): string => (res.status === 200 ? res.json<{ name: string }>().name : `HTTP ${res.status}`);

/** POSTs one object; false when the API server's admission refused it (422, 400). */
async function create(kc: KubeConfig, o: KubernetesObject): Promise<boolean> {
  const ns = o.metadata?.namespace ?? "";
  const path = o.kind === "HTTPProxy" ? `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${HTTPPROXY_PLURAL}` : `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`;
  try {
    await kubeRequest(kc, { method: "POST", path, body: o });
    return true;
  } catch (err) {
    const code = KubeError.from(err).statusCode;
    if (code === 422 || code === 400) return false;
    throw err;
  }
}

describe("fuzz: thousands of generated objects on a running stack", function () {
  this.timeout(600_000);
  const ctx = useStack({ pods: ["canary-1"], crds: true, contourArgs: ["--ingress-status-address=127.0.0.1", "--kubernetes-client-qps=200", "--kubernetes-client-burst=200"] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("applies them with 0 NACKs, 0 rebuild failures, 0 canary failures, and a status on every object", async () => {
    const { bed, kube, contour, envoy } = ctx.stack;
    const pod = bed.pods[0]!;
    for (const ns of [FUZZ, CANARY]) await ensureNamespace(kube, ns);
    await createService(kube, CANARY, "canary", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, CANARY, "canary", "http", [{ ip: pod.ip, port: pod.port }]);
    for (const svc of fuzzServices(FUZZ)) {
      await createService(kube, FUZZ, svc.metadata!.name!, (svc.spec?.ports ?? []).map((p) => ({ name: p.name!, port: p.port })), svc.metadata?.annotations);
      await applyEndpointSlice(kube, FUZZ, svc.metadata!.name!, "p80", [{ ip: pod.ip, port: pod.port }]);
    }
    const keys: Record<string, TestKeyType> = { "cert-rsa2048": "rsa-2048", "cert-p256": "p256", "cert-rsa1024": "rsa-1024", "cert-secp256k1": "secp256k1" };
    for (const [name, type] of Object.entries(keys)) {
      const cert = makeTestCert(type, "*.fuzz.test");
      const secret = fuzzTlsSecret(name, FUZZ, cert.cert, cert.key);
      await kube.core.createNamespacedSecret({ namespace: FUZZ, body: secret });
    }
    await kube.core.createNamespacedSecret({ namespace: FUZZ, body: fuzzCaSecret("ca-bundle", FUZZ, makeTestCert("rsa-2048", "ca.fuzz.test").cert) });

    // Canaries: one HTTPProxy and one Ingress, under request loops for the whole run.
    await createHTTPProxy(kc(), CANARY, "canary", { virtualhost: { fqdn: "canary.test" }, routes: [{ services: [{ name: "canary", port: 80 }] }] });
    await createIngress(kube, CANARY, "canary", simpleIngressSpec("ingress.canary.test", "canary", 80));
    await ctx.stack.waitForHttp("canary.test", "/", (r) => backendName(r) === "canary-1", "the canary proxy to be served");
    await ctx.stack.waitForHttp("ingress.canary.test", "/", (r) => backendName(r) === "canary-1", "the canary Ingress to be served");
    const url = `http://127.0.0.1:${ctx.stack.envoyPorts.http}/`;
    const loops = [startRequestLoop(url, { host: "canary.test", pauseMs: 20, maxRequests: 20_000 }), startRequestLoop(url, { host: "ingress.canary.test", pauseMs: 20, maxRequests: 20_000 })];

    // The fuzzed objects, applied CONCURRENCY at a time until OBJECTS are sent or the time is up.
    const parts = fc.sample(objectPartsArb, { numRuns: OBJECTS, seed: SEED });
    const objects = toObjects(parts, FUZZ, "f");
    const started = Date.now();
    const deadline = started + APPLY_SECONDS * 1000;
    const applied: KubernetesObject[] = [];
    let refused = 0;
    let next = 0;
    let lateCanaryMs: number | undefined;
    const worker = async (): Promise<void> => {
      while (next < objects.length && Date.now() < deadline) {
        const o = objects[next++]!;
        if (await create(kc(), o)) applied.push(o);
        else refused++;
      }
    };
    // Halfway through, a new tenant arrives: its route must be served as usual while the fuzzing goes on.
    const lateCanary = (async () => {
      await waitFor(() => next >= objects.length / 2 || Date.now() > deadline, { timeoutMs: APPLY_SECONDS * 1000 + 10_000, description: "half of the objects to be sent" });
      const t0 = Date.now();
      await createHTTPProxy(kc(), CANARY, "late", { virtualhost: { fqdn: "late.canary.test" }, routes: [{ services: [{ name: "canary", port: 80 }] }] });
      await ctx.stack.waitForHttp("late.canary.test", "/", (r) => backendName(r) === "canary-1", "the canary added during the fuzzing to be served");
      lateCanaryMs = Date.now() - t0;
    })();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const applySeconds = (Date.now() - started) / 1000;
    await lateCanary;
    await waitForProxyStatus(kc(), CANARY, "late", "valid");

    // Every applied object gets a status: HTTPProxies their currentStatus, Ingresses their load balancer address.
    const proxies = applied.filter((o) => o.kind === "HTTPProxy").length;
    const ingresses = applied.length - proxies;
    let withoutStatus: string[] = [];
    let counts: Record<string, number> = {};
    await waitFor(
      async () => {
        const proxyList = await kubeRequest<{ items: HTTPProxy[] }>(kc(), { path: `/apis/${GROUP}/${VERSION}/namespaces/${FUZZ}/${HTTPPROXY_PLURAL}` });
        const ingressList = await kubeRequest<{ items: { metadata: { name: string }; status?: { loadBalancer?: { ingress?: unknown[] } } }[] }>(kc(), { path: `/apis/networking.k8s.io/v1/namespaces/${FUZZ}/ingresses` });
        counts = {};
        for (const p of proxyList.items) counts[p.status?.currentStatus ?? "none"] = (counts[p.status?.currentStatus ?? "none"] ?? 0) + 1;
        withoutStatus = [
          ...proxyList.items.filter((p) => !["valid", "invalid", "orphaned"].includes(p.status?.currentStatus ?? "")).map((p) => `HTTPProxy ${p.metadata?.name ?? ""}`),
          ...ingressList.items.filter((i) => (i.status?.loadBalancer?.ingress ?? []).length === 0).map((i) => `Ingress ${i.metadata.name}`),
        ];
        return withoutStatus.length === 0 && proxyList.items.length === proxies && ingressList.items.length === ingresses;
      },
      { timeoutMs: 120_000, description: () => `every fuzzed object to have a status (${withoutStatus.length} without: ${withoutStatus.slice(0, 5).join(", ")})` },
    );
    const results = await Promise.all(loops.map((l) => l.stop()));

    const metrics = await contour.metrics();
    // Summed over every label set: a renamed type label must not hide a NACK; the metric must exist.
    assert.match(metrics, /^# TYPE contour_xds_nacks_total counter$/mu, "contour exports contour_xds_nacks_total");
    const nackLines = metrics.split("\n").filter((l) => l.startsWith("contour_xds_nacks_total"));
    const nackTotal = nackLines.reduce((sum, l) => sum + Number(l.split(" ").pop() ?? 0), 0);
    const total = (name: string): number => {
      assert.match(metrics, new RegExp(`^# TYPE ${name} `, "mu"), `contour exports ${name}`);
      return metrics.split("\n").filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`)).reduce((sum, l) => sum + Number(l.split(" ").pop() ?? 0), 0);
    };
    const rebuildFailures = total("contour_rebuild_failures_total");
    const quarantined = total("contour_quarantined_sources");
    const snapshotRefused = metricValue(metrics, "contour_snapshot_refused_total") ?? 0;
    const rejected = [...(await envoy.admin.stats("\\.update_rejected$"))].filter(([, v]) => v > 0);
    const errorLogs = readFileSync(contour.process.logPath, "utf8").split("\n").filter((l) => /"level":(50|60)/u.test(l));
    const canaryFailures = results.flatMap((r) => r.failures);
    const fullRebuilds = metricValue(metrics, "contour_rebuilds_total", { scope: "full" }) ?? 0;

    console.log(
      [
        `      fuzz e2e (seed ${SEED}): ${applied.length} objects applied (${proxies} HTTPProxies, ${ingresses} Ingresses; ${refused} refused by admission) in ${applySeconds.toFixed(1)} s`,
        `      HTTPProxy statuses: ${JSON.stringify(counts)}; full rebuilds: ${fullRebuilds}; late canary served after ${lateCanaryMs ?? "?"} ms`,
        `      canary requests: ${results.map((r) => r.total).reduce((a, b) => a + b, 0)}, failed: ${canaryFailures.length}`,
        `      NACKs: ${nackTotal} (contour_xds_nacks_total), Envoy update_rejected > 0: ${rejected.length}, snapshots refused: ${snapshotRefused}, rebuild failures: ${rebuildFailures}, quarantined sources: ${quarantined}, contour error logs: ${errorLogs.length}`,
      ].join("\n"),
    );
    assert.equal(nackTotal, 0, `contour_xds_nacks_total: ${nackLines.join(", ")}`);
    assert.deepEqual(rejected, [], "Envoy rejected no update");
    await assertNoRejectedUpdates(envoy);
    assert.equal(snapshotRefused, 0, "no snapshot refused");
    assert.equal(rebuildFailures, 0, "no rebuild failed (contour_rebuild_failures_total)");
    assert.equal(quarantined, 0, "no source quarantined after a NACK (contour_quarantined_sources)");
    assert.deepEqual(errorLogs.slice(0, 5), [], "contour logged no error (a rebuild that throws is one)");
    assert.deepEqual(canaryFailures.slice(0, 10), [], "no canary request failed");
    assert.ok(applied.length >= Math.min(OBJECTS, 500) * 0.5, `enough objects applied (${applied.length})`);
  });
});
