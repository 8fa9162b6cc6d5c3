// Drop-in deployment on the cluster bed: upstream Contour v1.33.6's quickstart manifest
// (examples/render/contour.yaml, read from the Go module cache) applied unchanged -- the image map runs
// ghcr.io/projectcontour/contour as the compiled CLI and Envoy's image as the bed's Envoy -- and then
// our config/install/contour.yaml the same way. Each must: complete the certgen Job and create the
// Secrets, elect a leader among two contour replicas, bootstrap the Envoy DaemonSet's pod from its init
// container until Ready on :8002/ready (xDS reached through the `contour` Service name: cluster DNS and
// ClusterIP DNAT), and serve an HTTPProxy and an Ingress through the Envoy Service's LoadBalancer
// address with their status written (while one replica holds the Lease; which replica wrote it is not
// told apart: both use the same ServiceAccount). Then an Envoy pod is deleted through its preStop hooks
// and the DaemonSet's next pod serves again. The seconds each step took are printed.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { httpGet, useTestBed, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { CONTOUR_NS, UPSTREAM_VERSION, echoWorkload, leaseHolder, upstreamManifest } from "./contour-install.js";
import { adminClient, applyManifests, getOrUndefined, listPods, waitForReadyPods } from "./objects.js";

const NS = CONTOUR_NS;
const APP_NS = "quickstart";
const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const workload = echoWorkload(APP_NS);

function quickstart(label: string, manifest: () => string): void {
  describe(`quickstart: ${label}`, function () {
    this.timeout(600_000);
    const ctx = useTestBed({ cluster: true });
    const figures: Record<string, number> = {};
    let api: ApiClient;
    let t0 = 0;
    const mark = (step: string): void => {
      figures[step] = Math.round((Date.now() - t0) / 100) / 10;
    };

    before(async () => {
      api = adminClient(ctx.bed);
      t0 = Date.now();
      await applyManifests(api, manifest());
    });
    after(() => {
      console.log(`      ${label}: seconds after apply ${JSON.stringify(figures)}`);
      api?.close();
    });

    it("runs the certgen Job to completion and it creates the Secrets", async () => {
      let pods = "";
      await waitFor(
        async () => {
          const jobs = await api.request<{ items: Array<{ metadata: { name: string }; status?: { succeeded?: number } }> }>("GET", `/apis/batch/v1/namespaces/${NS}/jobs`);
          pods = JSON.stringify((await listPods(api, NS, "app=contour-certgen")).map((p) => p.status));
          return jobs.items.length > 0 && jobs.items.every((j) => (j.status?.succeeded ?? 0) >= 1);
        },
        { timeoutMs: 120_000, intervalMs: 250, description: () => `the certgen Job to succeed; its pods: ${pods}` },
      );
      mark("certgen Job complete");
      for (const name of ["contourcert", "envoycert"]) {
        const secret = await getOrUndefined<{ type?: string; data?: Record<string, string> }>(api, `/api/v1/namespaces/${NS}/secrets/${name}`);
        assert.ok(secret !== undefined, `Secret ${NS}/${name} was not created`);
        for (const key of ["ca.crt", "tls.crt", "tls.key"]) assert.ok((secret.data?.[key] ?? "") !== "", `Secret ${name} lacks ${key}`);
      }
    });

    it("runs two contour replicas, Ready, one of them the leader", async () => {
      const pods = await waitForReadyPods(api, NS, "app=contour", 2, 180_000);
      mark("contour replicas Ready");
      const names = pods.map((p) => p.metadata.name);
      const leader = await waitFor(
        () => leaseHolder(api, NS, names),
        { timeoutMs: 60_000, intervalMs: 250, description: `a Lease in ${NS} held by one of ${names.join(", ")}` },
      );
      mark("leader elected");
      assert.ok(leader !== undefined);
    });

    it("bootstraps the Envoy DaemonSet's pod from its init container until Ready on :8002/ready", async () => {
      await waitForReadyPods(api, NS, "app=envoy", 1, 180_000);
      mark("envoy pod Ready");
    });

    it("serves an HTTPProxy and an Ingress through the Envoy Service's LoadBalancer address and writes their status", async () => {
      const address = await waitFor(() => ctx.bed.cluster.loadBalancer.addressOf(NS, "envoy"), { timeoutMs: 30_000, description: `a LoadBalancer address for ${NS}/envoy` });
      await applyManifests(api, workload);
      await waitForReadyPods(api, APP_NS, "app=echo", 1, 60_000);
      const t1 = Date.now();
      for (const host of ["proxy.quickstart.example.com", "ingress.quickstart.example.com"]) {
        let last = "";
        const res = await waitFor(
          async () => {
            try {
              const r = await httpGet(`http://${address}/`, { host, timeoutMs: 2_000 });
              last = `${r.status} ${r.body.slice(0, 200)}`;
              return r.status === 200 ? r : undefined;
            } catch (err) {
              last = String(err);
              return undefined;
            }
          },
          { timeoutMs: 60_000, intervalMs: 250, description: () => `GET http://${address}/ Host ${host} to answer 200 from the echo pod; last: ${last}` },
        );
        assert.match(res.body, /"namespace":\s*"quickstart"/);
        mark(`${host} served`);
      }
      figures["routes served after backend Ready"] = Math.round((Date.now() - t1) / 100) / 10;
      const proxy = await waitFor(
        async () => {
          const p = await api.request<{ status?: { currentStatus?: string; description?: string } }>("GET", `/apis/projectcontour.io/v1/namespaces/${APP_NS}/httpproxies/echo`);
          return p.status?.currentStatus === "valid" ? p : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 250, description: `HTTPProxy ${APP_NS}/echo status valid` },
      );
      assert.equal(proxy.status?.currentStatus, "valid");
      await waitFor(
        async () => {
          const ing = await api.request<{ status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } } }>("GET", `/apis/networking.k8s.io/v1/namespaces/${APP_NS}/ingresses/echo`);
          return ing.status?.loadBalancer?.ingress?.some((i) => i.ip === address) === true;
        },
        { timeoutMs: 30_000, intervalMs: 250, description: `Ingress ${APP_NS}/echo status.loadBalancer to carry ${address}` },
      );
      mark("status written");
    });

    it("deletes an Envoy pod through its preStop hooks, and the DaemonSet's next pod serves again", async () => {
      const [old] = await waitForReadyPods(api, NS, "app=envoy", 1, 10_000);
      const uid = (old!.metadata as { uid?: string }).uid ?? "";
      const began = Date.now();
      await api.request("DELETE", `/api/v1/namespaces/${NS}/pods/${old!.metadata.name}`);
      await waitFor(async () => (await getOrUndefined(api, `/api/v1/namespaces/${NS}/pods/${old!.metadata.name}`)) === undefined, {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: `Envoy pod ${old!.metadata.name} to terminate`,
      });
      figures["envoy pod deletion (preStop, SIGTERM)"] = Math.round((Date.now() - began) / 100) / 10;
      const podDir = readdirSync(ctx.bed.runDir.file("pods")).find((d) => d.startsWith(`${NS}_${old!.metadata.name}_${uid.slice(0, 8)}`));
      assert.ok(podDir !== undefined, "the old Envoy pod's folder in the run dir");
      // The shutdown-manager's exec hook (`/bin/contour envoy shutdown`) ran and succeeded. Envoy's own
      // httpGet hook (GET :8090/shutdown) races it as in any cluster: hooks of a pod's containers run
      // side by side and each container is stopped when its own hook ends, so once the drain finished
      // the shutdown-manager may be gone before it answers (a kubelet's FailedPreStopHook); not checked.
      const hookLog = join(ctx.bed.runDir.file("pods"), podDir, "containers/shutdown-manager/logs/prestop.log");
      assert.ok(existsSync(hookLog) && readFileSync(hookLog, "utf8") !== "", "the shutdown-manager's preStop exec ran and wrote its output");
      const kubeletLog = readFileSync(ctx.bed.runDir.file("kubelet.log"), "utf8");
      assert.doesNotMatch(kubeletLog, new RegExp(`pod ${NS}/${old!.metadata.name}: preStop of container shutdown-manager`), "the shutdown-manager's preStop failed (kubelet.log)");
      const address = ctx.bed.cluster.loadBalancer.addressOf(NS, "envoy");
      await waitForReadyPods(api, NS, "app=envoy", 1, 120_000);
      await waitFor(
        async () => {
          try {
            return (await httpGet(`http://${address}/`, { host: "proxy.quickstart.example.com", timeoutMs: 2_000 })).status === 200;
          } catch {
            return false;
          }
        },
        { timeoutMs: 60_000, intervalMs: 250, description: `the new Envoy pod to serve proxy.quickstart.example.com at ${address}` },
      );
      figures["new envoy pod serving after delete"] = Math.round((Date.now() - began) / 100) / 10;
    });
  });
}

quickstart(`upstream v${UPSTREAM_VERSION} examples/render/contour.yaml`, () => upstreamManifest());
quickstart("config/install/contour.yaml", () => readFileSync(join(REPO, "config/install/contour.yaml"), "utf8"));
