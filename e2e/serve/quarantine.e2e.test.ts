// What still gets past the validators costs only its own object, through a real Envoy: a host Envoy
// rejects (NACK) is quarantined with Envoy's error in its status, a host that cannot be encoded is
// left out with the encoder's error, and another tenant's new route is served meanwhile. The faults
// are planted below the validators with CONTOUR_TEST_FAULTS (operator/serve/test-faults.ts), so
// these tests hold whatever the validators learn to refuse.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { describe, it } from "mocha";
import type { HTTPProxy } from "../../crds/index.js";
import { before } from "mocha";
import { createHTTPProxy, deleteHTTPProxy, updateHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { startEnvoyFor } from "../fixtures/contour.js";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { metricValue } from "../fixtures/metrics.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, waitFor, type Envoy, type HttpResponse } from "../harness/index.js";

const NS = "tenants";
const faults = { rejectedHosts: ["rejected.quarantine.test"], unencodableHosts: ["unencodable.quarantine.test"], rebuildFailureHosts: ["rebuild-failure.quarantine.test"] };
const nameOf = (res: HttpResponse): string => (res.status === 200 ? res.json<{ name: string }>().name : `HTTP ${res.status}`);
const route = (path = "/") => ({ conditions: [{ prefix: path }], services: [{ name: "web", port: 80 }] });

for (const xdsMode of ["delta", "sotw"] as const) {
  describe(`contour serve: quarantine of what Envoy rejects or protobuf cannot encode (${xdsMode})`, function () {
    const ctx = useStack({ pods: ["web-1"], crds: true, xdsMode, contourEnv: { CONTOUR_TEST_FAULTS: JSON.stringify(faults) } });
    const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
    const errorsOf = (p: HTTPProxy) => p.status?.conditions?.[0]?.errors ?? [];
    // Delta streams get plain-HTTP hosts through VHDS: a rejected host is a rejected VirtualHost there.
    const nackType = xdsMode === "delta" ? "virtualHost" : "route";

    /** Creates a proxy for `fqdn` and returns how long until Envoy served it (ms). */
    async function newTenantServed(name: string, fqdn: string): Promise<number> {
      const start = performance.now();
      await createHTTPProxy(kc(), NS, name, { virtualhost: { fqdn }, routes: [route()] });
      await ctx.stack.waitForHttp(fqdn, "/", (r) => nameOf(r) === "web-1", `${fqdn} to be served`);
      return Math.round(performance.now() - start);
    }

    it("serves a first tenant (the baseline latency)", async () => {
      const { bed, kube } = ctx.stack;
      await ensureNamespace(kube, NS);
      await createService(kube, NS, "web", [{ name: "http", port: 80 }]);
      await applyEndpointSlice(kube, NS, "web", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
      const ms = await newTenantServed("first", "first.quarantine.test");
      console.log(`      new tenant served in ${ms} ms (baseline, ${xdsMode})`);
    });

    it("quarantines the source of a route Envoy NACKs, with Envoy's message, and keeps serving everyone else's changes", async () => {
      const nacksBefore = metricValue(await ctx.stack.contour.metrics(), "contour_xds_nacks_total", { type: nackType }) ?? 0;
      await createHTTPProxy(kc(), NS, "rejected", { virtualhost: { fqdn: "rejected.quarantine.test" }, routes: [route()] });
      const proxy = await waitForProxyStatus(kc(), NS, "rejected", "invalid");
      const [error] = errorsOf(proxy);
      assert.equal(error?.type, "VirtualHostError");
      assert.equal(error?.reason, "EnvoyRejected");
      // Envoy's own error_detail text: the regex RE2 refused, as Envoy words it.
      // Delta streams get the host as a VHDS resource of its own; SotW ones inside ingress_http.
      const resource = xdsMode === "delta" ? 'virtualHost "ingress_http/rejected.quarantine.test"' : 'route "ingress_http"';
      assert.ok((error?.message ?? "").startsWith(`Envoy rejected the ${resource} built from this object: `), error?.message);
      assert.match(error?.message ?? "", /missing \): \/__contour_test_fault\/rejected\/\(/);
      console.log(`      status: ${error?.message}`);
      const metrics = await ctx.stack.contour.metrics();
      assert.ok((metricValue(metrics, "contour_xds_nacks_total", { type: nackType }) ?? 0) > nacksBefore, "the NACK is counted");
      assert.equal(metricValue(metrics, "contour_quarantined_sources", { kind: "HTTPProxy", cause: "nack" }), 1);
      // Not served, and the tenant before it still is.
      assert.equal((await ctx.stack.http("rejected.quarantine.test", "/")).status, 404);
      assert.equal(nameOf(await ctx.stack.http("first.quarantine.test", "/")), "web-1");
      await waitForProxyStatus(kc(), NS, "first", "valid");

      // Another tenant's new route reaches Envoy as usual.
      const ms = await newTenantServed("after-nack", "after-nack.quarantine.test");
      console.log(`      new tenant served in ${ms} ms while another is quarantined (${xdsMode})`);
      await waitForProxyStatus(kc(), NS, "after-nack", "valid");
      const dump = await ctx.stack.envoy.admin.configDump();
      assert.ok(!JSON.stringify(dump).includes("rejected.quarantine.test"), "Envoy runs nothing of the quarantined proxy");

      // Changing the quarantined proxy tries it again: still rejected here (the fault is planted by host), so again invalid.
      const nacksBeforeRetry = metricValue(await ctx.stack.contour.metrics(), "contour_xds_nacks_total", { type: nackType }) ?? 0;
      await updateHTTPProxy(kc(), NS, "rejected", { virtualhost: { fqdn: "rejected.quarantine.test" }, routes: [route("/v2")] });
      await waitFor(async () => ((metricValue(await ctx.stack.contour.metrics(), "contour_xds_nacks_total", { type: nackType }) ?? 0) > nacksBeforeRetry ? true : undefined), {
        timeoutMs: 20_000,
        description: "the changed proxy to be tried again (and NACKed again)",
      });
      const again = await waitForProxyStatus(kc(), NS, "rejected", "invalid");
      assert.equal(errorsOf(again)[0]?.reason, "EnvoyRejected");
    });

    it("leaves out a source whose routes cannot be encoded; others' updates and status keep flowing", async () => {
      await createHTTPProxy(kc(), NS, "unencodable", { virtualhost: { fqdn: "unencodable.quarantine.test" }, routes: [route()] });
      const proxy = await waitForProxyStatus(kc(), NS, "unencodable", "invalid");
      const [error] = errorsOf(proxy);
      assert.equal(error?.reason, "EnvoyEncodeFailed");
      assert.match(error?.message ?? "", /virtualHost "unencodable\.quarantine\.test" could not be encoded: cannot encode field google\.protobuf\.UInt32Value\.value to binary: invalid uint32/);
      assert.equal(metricValue(await ctx.stack.contour.metrics(), "contour_quarantined_sources", { kind: "HTTPProxy", cause: "encode" }), 1);
      const ms = await newTenantServed("after-encode", "after-encode.quarantine.test");
      console.log(`      new tenant served in ${ms} ms while another cannot be encoded (${xdsMode})`);
      await waitForProxyStatus(kc(), NS, "after-encode", "valid");
      assert.equal(metricValue(await ctx.stack.contour.metrics(), "contour_rebuild_failures_total"), 0);
      const ready = await httpGet(`http://127.0.0.1:${ctx.stack.contour.httpPort}/readyz`);
      assert.deepEqual([ready.status, ready.body], [200, "ok\n"], "nothing failed as a whole");
    });

    it("a rebuild that fails as a whole (a bug) is a metric, an error log and a /readyz detail; the last good snapshot stays served", async () => {
      const readyz = () => httpGet(`http://127.0.0.1:${ctx.stack.contour.httpPort}/readyz`);
      await createHTTPProxy(kc(), NS, "rebuild-failure", { virtualhost: { fqdn: "rebuild-failure.quarantine.test" }, routes: [route()] });
      const failing = await waitFor(async () => {
        const res = await readyz();
        return res.body.includes("rebuild: failing since") ? res : undefined;
      }, { timeoutMs: 20_000, description: "/readyz to report the failing rebuild" });
      // Stays 200: every replica would fail alike, and the last good snapshot is still worth serving.
      assert.equal(failing.status, 200);
      assert.match(failing.body, /^ok\nrebuild: failing since \S+ \(test fault: the rebuild fails while rebuild-failure\.quarantine\.test exists\); serving the last good snapshot [0-9a-f]{16}\n$/);
      assert.ok((metricValue(await ctx.stack.contour.metrics(), "contour_rebuild_failures_total") ?? 0) >= 1);
      assert.equal(nameOf(await ctx.stack.http("first.quarantine.test", "/")), "web-1", "the last good snapshot is still served");
      assert.ok(readFileSync(ctx.stack.contour.process.logPath, "utf8").includes("rebuild failed; the previous snapshot stays served"), "logged");
      await deleteHTTPProxy(kc(), NS, "rebuild-failure");
      await waitFor(async () => ((await readyz()).body === "ok\n" ? true : undefined), { timeoutMs: 20_000, description: "/readyz to be plain ok again" });
    });

    it("a weight of 2^32 (issue #9) costs only its own proxy, whoever refuses it", async () => {
      await createHTTPProxy(kc(), NS, "huge-weight", {
        virtualhost: { fqdn: "huge-weight.quarantine.test" },
        routes: [{ services: [{ name: "web", port: 80, weight: 4294967296 }, { name: "web", port: 80, weight: 1 }] }],
      });
      await waitForProxyStatus(kc(), NS, "huge-weight", "invalid");
      await newTenantServed("after-weight", "after-weight.quarantine.test");
      await waitForProxyStatus(kc(), NS, "after-weight", "valid");
      assert.equal((await ctx.stack.http("huge-weight.quarantine.test", "/")).status, 404);
    });
  });
}

describe("contour serve: quarantine with two Envoys, one delta and one SotW", function () {
  const ctx = useStack({ pods: ["web-1"], crds: true, xdsMode: "delta", contourEnv: { CONTOUR_TEST_FAULTS: JSON.stringify(faults) } });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  let sotw: Envoy | undefined;
  before(async function () {
    this.timeout(60_000);
    // Same listener ports as the first Envoy (Envoy binds them with SO_REUSEPORT); told apart by their admin.
    sotw = await startEnvoyFor(ctx.stack.bed, { certs: ctx.stack.certs, xdsPort: ctx.stack.contour.xdsPort, mode: "sotw", name: "envoy-sotw" });
  });

  /** Waits until an Envoy's config dump mentions `fqdn` (or, with present false, stops mentioning it). */
  const waitForHost = (envoy: Envoy, fqdn: string, label: string) =>
    waitFor(async () => (JSON.stringify(await envoy.admin.configDump()).includes(fqdn) ? true : undefined), { timeoutMs: 20_000, description: `${label} to run ${fqdn}` });

  it("quarantines once, both Envoys keep the others' routes and run a new tenant's", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "web", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "web", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createHTTPProxy(kc(), NS, "first", { virtualhost: { fqdn: "first.quarantine.test" }, routes: [route()] });
    await waitForHost(ctx.stack.envoy, "first.quarantine.test", "the delta Envoy");
    await waitForHost(sotw!, "first.quarantine.test", "the SotW Envoy");

    await createHTTPProxy(kc(), NS, "rejected", { virtualhost: { fqdn: "rejected.quarantine.test" }, routes: [route()] });
    const proxy = await waitForProxyStatus(kc(), NS, "rejected", "invalid");
    const error = proxy.status?.conditions?.[0]?.errors?.[0];
    assert.equal(error?.reason, "EnvoyRejected");
    assert.match(error?.message ?? "", /missing \): \/__contour_test_fault\/rejected\/\(/);
    const metrics = await ctx.stack.contour.metrics();
    assert.equal(metricValue(metrics, "contour_quarantined_sources", { kind: "HTTPProxy", cause: "nack" }), 1, "one object quarantined, whichever Envoy said so first");

    await createHTTPProxy(kc(), NS, "after", { virtualhost: { fqdn: "after.quarantine.test" }, routes: [route()] });
    await waitForHost(ctx.stack.envoy, "after.quarantine.test", "the delta Envoy");
    await waitForHost(sotw!, "after.quarantine.test", "the SotW Envoy");
    for (const [label, envoy] of [["delta", ctx.stack.envoy], ["sotw", sotw!]] as const) {
      const dump = JSON.stringify(await envoy.admin.configDump());
      assert.ok(!dump.includes("rejected.quarantine.test"), `the ${label} Envoy runs nothing of the quarantined proxy`);
      assert.ok(dump.includes("first.quarantine.test"), `the ${label} Envoy still runs the first tenant`);
    }
    await waitForProxyStatus(kc(), NS, "after", "valid");
    await waitForProxyStatus(kc(), NS, "first", "valid");
  });

  it("serves the catch-all host (an Ingress without a host: VHDS resource ingress_http/*) through both", async () => {
    await createIngress(ctx.stack.kube, NS, "catch-all", simpleIngressSpec(undefined, "web", 80));
    // The delta Envoy got it as the VHDS resource ingress_http/*, the SotW one inside ingress_http as "*".
    for (const [envoy, name] of [[ctx.stack.envoy, "ingress_http/*"], [sotw!, "*"]] as const) {
      const wanted = `"name":${JSON.stringify(name)},"domains":["*"]`;
      await waitFor(async () => (JSON.stringify(await envoy.admin.configDump()).includes(wanted) ? true : undefined), { timeoutMs: 20_000, description: `${envoy.name} to run the catch-all host as ${name}` });
    }
    await ctx.stack.waitForHttp("anything.example.test", "/", (r) => nameOf(r) === "web-1", "an unknown host to reach the catch-all");
  });
});
