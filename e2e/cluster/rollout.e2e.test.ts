// Day-2 operations on upstream Contour v1.33.6's own manifests, run on the cluster bed unchanged (images
// mapped): a rolling restart of Envoy under a request loop through the Envoy Service's LoadBalancer
// address, the leader contour pod deleted, and the uninstall.
//
// The quickstart's Envoy is a DaemonSet with `maxUnavailable: 10%` and no maxSurge, so on one node its only
// pod is deleted before its successor exists and a restart must drop requests (10% of one node rounds up
// to 1, and a DaemonSet runs at most one pod per node without surge). The bed therefore has two Nodes: 10%
// of two is still 1, so the DaemonSet controller replaces the two pods one at a time, and while one is
// drained by its shutdown manager the load balancer forwards only to the other (a terminating pod's
// endpoint turns not-ready at once). Upstream's other rendering, examples/render/contour-deployment.yaml
// (Envoy as a Deployment of 2 replicas, maxSurge 1, maxUnavailable 0), is restarted on the same bed.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRequestLoop, type LoopResult } from "../fixtures/request-loop.js";
import { useTestBed, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { CONTOUR_NS as NS, UPSTREAM_VERSION, echoWorkload, httpProxy, leaseHolder, upstreamManifest, upstreamManifestPath, waitProxyValid, waitServed } from "./contour-install.js";
import { adminClient, applyManifests, getOrUndefined, kubectl, listPods, waitForReadyPods, type PodView } from "./objects.js";

const APP_NS = "rollout";
const HOST = `proxy.${APP_NS}.example.com`;

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Waits until the Contour namespace, every pod of it, the HTTPProxy CRD and `clusterPaths` are gone. */
async function waitUninstalled(api: ApiClient, clusterPaths: readonly string[]): Promise<void> {
  let left = "";
  await waitFor(
    async () => {
      const ns = await getOrUndefined(api, `/api/v1/namespaces/${NS}`);
      const pods = (await api.request<{ items: PodView[] }>("GET", `/api/v1/pods`)).items.filter((p) => p.metadata.namespace === NS);
      left = `namespace ${ns === undefined ? "gone" : "present"}, pods [${pods.map((p) => p.metadata.name).join(", ")}]`;
      return ns === undefined && pods.length === 0;
    },
    { timeoutMs: 300_000, intervalMs: 500, description: () => `namespace ${NS} and its pods to be gone; ${left}` },
  );
  for (const path of ["/apis/apiextensions.k8s.io/v1/customresourcedefinitions/httpproxies.projectcontour.io", ...clusterPaths]) {
    await waitFor(async () => (await getOrUndefined(api, path)) === undefined, { timeoutMs: 60_000, intervalMs: 250, description: `${path} to be deleted` });
  }
}

const uidOf = (p: PodView): string => (p.metadata as { uid?: string }).uid ?? "";
const terminating = (p: PodView): boolean => (p.metadata as { deletionTimestamp?: string }).deletionTimestamp !== undefined;
const isReady = (p: PodView): boolean => p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
const nodeOf = (p: PodView): string => p.spec.nodeName ?? "";
const seconds = (ms: number): number => Math.round(ms / 100) / 10;

describe(`rollout: upstream v${UPSTREAM_VERSION} manifests, restarts, leader loss and uninstall`, function () {
  this.timeout(900_000);
  const ctx = useTestBed({ cluster: { nodes: 2 } });
  const figures: Record<string, unknown> = {};
  let api: ApiClient;
  let address = "";

  before(async () => {
    api = adminClient(ctx.bed);
    await applyManifests(api, upstreamManifest("contour.yaml"));
    await applyManifests(api, echoWorkload(APP_NS));
    await waitForReadyPods(api, NS, "app=contour", 2, 180_000);
    await waitForReadyPods(api, NS, "app=envoy", 2, 180_000);
    await waitForReadyPods(api, APP_NS, "app=echo", 1, 60_000);
    address = await waitFor(() => ctx.bed.cluster.loadBalancer.addressOf(NS, "envoy"), { timeoutMs: 30_000, description: `a LoadBalancer address for ${NS}/envoy` });
    await waitServed(address, HOST);
  });
  after(() => {
    console.log(`      rollout figures: ${JSON.stringify(figures)}`);
    api?.close();
  });

  /** `kubectl rollout restart` semantics: a new restartedAt annotation on the pod template. */
  const restart = async (path: string): Promise<void> => {
    const patch = { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } } } } };
    await api.request("PATCH", path, patch, "application/merge-patch+json");
  };

  /** Restarts the workload under a request loop; resolves when `count` new pods are Ready and every old pod is gone. */
  const restartUnderLoad = async (path: string, count: number): Promise<{ loop: LoopResult; old: PodView[]; fresh: PodView[]; ms: number; maxUnready: number }> => {
    const old = await waitForReadyPods(api, NS, "app=envoy", count, 30_000);
    const oldUids = new Set(old.map(uidOf));
    const loop = startRequestLoop(`http://${address}/`, { host: HOST, pauseMs: 5, maxRequests: 50_000, timeoutMs: 5_000 });
    const began = Date.now();
    let result: LoopResult | undefined;
    let last: PodView[] = [];
    // The most pods short of `count` Ready and not terminating at one poll (every 250 ms): 1 means one at a time.
    let maxUnready = 0;
    try {
      await restart(path);
      await waitFor(
        async () => {
          last = await listPods(api, NS, "app=envoy");
          const fresh = last.filter((p) => !oldUids.has(uidOf(p)));
          const serving = last.filter((p) => !terminating(p) && isReady(p));
          maxUnready = Math.max(maxUnready, count - serving.length);
          return last.length === count && fresh.length === count && fresh.every((p) => !terminating(p) && isReady(p));
        },
        { timeoutMs: 300_000, intervalMs: 250, description: () => `${count} new Ready Envoy pods and no old one; have ${JSON.stringify(last.map((p) => ({ name: p.metadata.name, node: nodeOf(p), phase: p.status.phase, ready: isReady(p), terminating: terminating(p), old: oldUids.has(uidOf(p)) })))}` },
      );
    } finally {
      result = await loop.stop();
    }
    return { loop: result, old, fresh: last, ms: Date.now() - began, maxUnready };
  };

  /** The old pod's shutdown-manager preStop (`contour envoy shutdown`) ran, and kubelet.log names no failure of it. */
  const assertDrained = (pod: PodView): void => {
    const dir = readdirSync(ctx.bed.runDir.file("pods")).find((d) => d.startsWith(`${NS}_${pod.metadata.name}_${uidOf(pod).slice(0, 8)}`));
    assert.ok(dir !== undefined, `the folder of Envoy pod ${pod.metadata.name} in the run dir`);
    const hookLog = join(ctx.bed.runDir.file("pods"), dir, "containers/shutdown-manager/logs/prestop.log");
    assert.ok(existsSync(hookLog) && readFileSync(hookLog, "utf8") !== "", `the shutdown-manager preStop of ${pod.metadata.name} ran and wrote its output`);
    const kubeletLog = readFileSync(ctx.bed.runDir.file("kubelet.log"), "utf8");
    assert.doesNotMatch(kubeletLog, new RegExp(`pod ${NS}/${pod.metadata.name}: preStop of container shutdown-manager`), `the shutdown-manager preStop of ${pod.metadata.name} failed (kubelet.log)`);
  };

  it("restarts the Envoy DaemonSet (two nodes, one pod each) under a request loop with 0 failed requests: each old pod is drained by its shutdown manager", async () => {
    const { loop, old, ms, fresh, maxUnready } = await restartUnderLoad(`/apis/apps/v1/namespaces/${NS}/daemonsets/envoy`, 2);
    for (const pod of old) assertDrained(pod);
    const nodes = ctx.bed.cluster.kubelets.map((k) => k.nodeName).sort();
    assert.deepEqual(old.map(nodeOf).sort(), nodes, "the DaemonSet ran one Envoy pod on each node before the restart");
    assert.deepEqual(fresh.map(nodeOf).sort(), nodes, "the DaemonSet runs one new Envoy pod on each node after the restart");
    figures["daemonset restart"] = { seconds: seconds(ms), sent: loop.total, failed: loop.failures.length, maxUnready, failures: loop.failures.slice(0, 5) };
    assert.equal(maxUnready, 1, "the DaemonSet replaced its pods one at a time (never both out of service at once)");
    // kube-apiserver reaches the second node's kubelet endpoint for the logs of its pod.
    const second = fresh.find((p) => nodeOf(p) === nodes[1])!;
    assert.match(await kubectl(ctx.bed, ["logs", "-n", NS, second.metadata.name, "-c", "envoy"]), /\S/, `kubectl logs of ${second.metadata.name} on ${nodes[1]}`);
    assert.ok(loop.total >= 100, `the request loop sent only ${loop.total} requests`);
    assert.deepEqual(loop.failures, [], `${loop.failures.length} of ${loop.total} requests failed during the rolling restart`);
  });

  it("restarts upstream's Envoy Deployment variant (2 replicas, maxSurge 1, maxUnavailable 0) under a request loop with 0 failed requests", async () => {
    // examples/render/contour-deployment.yaml is contour.yaml with Envoy as a Deployment: swap the DaemonSet for it.
    await api.request("DELETE", `/apis/apps/v1/namespaces/${NS}/daemonsets/envoy`);
    await waitFor(async () => (await listPods(api, NS, "app=envoy")).length === 0, { timeoutMs: 120_000, intervalMs: 250, description: "the DaemonSet's Envoy pod to be gone" });
    await applyManifests(api, upstreamManifest("contour-deployment.yaml"));
    await waitForReadyPods(api, NS, "app=envoy", 2, 180_000);
    await waitServed(address, HOST);
    const { loop, old, ms, maxUnready } = await restartUnderLoad(`/apis/apps/v1/namespaces/${NS}/deployments/envoy`, 2);
    for (const pod of old) assertDrained(pod);
    figures["deployment restart"] = { seconds: seconds(ms), sent: loop.total, failed: loop.failures.length, maxUnready };
    assert.ok(loop.total >= 100, `the request loop sent only ${loop.total} requests`);
    assert.deepEqual(loop.failures, [], `${loop.failures.length} of ${loop.total} requests failed during the rolling restart`);
  });

  it("deletes the leader contour pod: a live replica takes the Lease and status writes resume", async () => {
    const pods = await waitForReadyPods(api, NS, "app=contour", 2, 60_000);
    const names = pods.map((p) => p.metadata.name);
    const leader = await waitFor(() => leaseHolder(api, NS, names), { timeoutMs: 60_000, intervalMs: 250, description: `a Lease held by one of ${names.join(", ")}` });
    const leaderPod = names.find((n) => leader.startsWith(n))!;
    const other = names.find((n) => n !== leaderPod)!;
    const began = Date.now();
    await api.request("DELETE", `/api/v1/namespaces/${NS}/pods/${leaderPod}`);
    let holder = "";
    await waitFor(
      async () => {
        const leases = await api.request<{ items: Array<{ spec?: { holderIdentity?: string } }> }>("GET", `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`);
        holder = leases.items.map((l) => l.spec?.holderIdentity ?? "").find((h) => h !== "" && !h.startsWith(leaderPod) && h.includes("contour")) ?? "";
        return holder !== "";
      },
      { timeoutMs: 120_000, intervalMs: 100, description: () => `the Lease to pass from ${leader} to another contour pod` },
    );
    const takeover = Date.now() - began;
    // The leader releases the Lease as it stops; the surviving replica retries every 2-4.4 s (retryPeriod
    // with client-go's jitter) while the ReplicaSet's replacement campaigns as soon as it starts (~3 s), so
    // either may win, as in any cluster. What must hold: a live replica, not the deleted one, leads.
    const live = (await listPods(api, NS, "app=contour")).filter((p) => !terminating(p)).map((p) => p.metadata.name);
    assert.ok(live.some((n) => holder.startsWith(n)), `the Lease went to ${holder}, not to a live replica of ${live.join(", ")}`);
    figures["leader takeover by"] = holder.startsWith(other) ? "the other replica" : "the replacement pod";
    await applyManifests(api, httpProxy(APP_NS, "after-takeover", `after.${APP_NS}.example.com`));
    await waitProxyValid(api, APP_NS, "after-takeover", 60_000);
    figures["leader takeover"] = { seconds: seconds(takeover), newLeader: holder, statusWrittenSeconds: seconds(Date.now() - began) };
    await waitServed(address, `after.${APP_NS}.example.com`, 30_000);
  });

  it("uninstalls with `kubectl delete -f` the manifest: the namespace, its pods, the CRDs and cluster-wide RBAC are gone", async () => {
    const began = Date.now();
    await kubectl(ctx.bed, ["delete", "--wait=false", "-f", upstreamManifestPath("contour-deployment.yaml")]);
    await waitUninstalled(api, ["/apis/rbac.authorization.k8s.io/v1/clusterroles/contour", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/contour"]);
    figures["uninstall seconds"] = seconds(Date.now() - began);
  });
});

// Our own install, removed with the README's uninstall command as written there.
describe("uninstall: config/install/contour.yaml with the README's command", function () {
  this.timeout(600_000);
  const ctx = useTestBed({ cluster: true });
  let api: ApiClient;
  before(() => {
    api = adminClient(ctx.bed);
  });
  after(() => api?.close());

  it("deletes the namespace, its pods, the CRDs and the cluster-wide RBAC", async () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const command = /\*\*Uninstall:\*\* `kubectl ([^`]+)`/.exec(readme)?.[1];
    assert.ok(command !== undefined, "README.md names the uninstall command as **Uninstall:** `kubectl ...`");
    await applyManifests(api, readFileSync(join(REPO, "config/install/contour.yaml"), "utf8"));
    await waitForReadyPods(api, NS, "app=contour", 2, 180_000);
    await waitForReadyPods(api, NS, "app=envoy", 1, 180_000);
    // The README's paths are relative to the repository; kubectl runs there. `--wait=false` only so the 60 s
    // kubectl timeout does not race the drain; the namespace's end is waited for below.
    const args = command.split(/\s+/).map((a) => (a.startsWith("config/") ? join(REPO, a) : a));
    await kubectl(ctx.bed, [...args, "--wait=false"]);
    await waitUninstalled(api, ["/apis/rbac.authorization.k8s.io/v1/clusterroles/contour", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/contour"]);
  });
});
