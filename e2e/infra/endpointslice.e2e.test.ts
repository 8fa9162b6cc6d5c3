// Port of upstream Contour v1.33.6's test/e2e/infra/endpointslice_test.go ("simple-endpoint-slice", "test
// endpoint slices"), on a bed that runs Pods: upstream's echo Deployment scaled 1 → 10 → 2 → 0, and after
// each step Envoy's cluster simple-endpoint-slice/echo/80/da39a3ee5e holds exactly the pods' IPs.
// Upstream reads /clusters?format=json through the admin listener; here through the bed Envoy's admin.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack, type Stack } from "../fixtures/stack.js";
import { deployEchoDeployment, echoPods, scaleEchoDeployment } from "../fixtures/upstream-echo-deployment.js";
import { adminClient, waitForReadyPods } from "../cluster/objects.js";
import { httpGet, waitFor } from "../harness/index.js";

const NS = "simple-endpoint-slice";
const CLUSTER = "simple-endpoint-slice/echo/80/da39a3ee5e";

interface ClusterStatuses {
  cluster_statuses?: { name: string; host_statuses?: { address?: { socket_address?: { address?: string } } }[] }[];
}

/** Upstream's GetIPsFromAdminRequest: the host addresses of the echo cluster. */
async function envoyEndpoints(stack: Stack): Promise<string[]> {
  const res = await httpGet(`${stack.envoy.admin.url}/clusters?format=json`);
  const clusters = res.json<ClusterStatuses>();
  return (clusters.cluster_statuses ?? []).filter((c) => c.name === CLUSTER).flatMap((c) => (c.host_statuses ?? []).map((h) => h.address?.socket_address?.address ?? ""));
}

/** Upstream's IsEnvoyProgrammedWithAllPodIPs, polled as its require.Eventually (60 s, every 1 s). */
async function expectAllPodIps(stack: Stack): Promise<void> {
  let last = "";
  await waitFor(
    async () => {
      const pods = (await echoPods(stack, NS, "echo")).map((p) => p.status.podIP ?? "").sort();
      const envoy = (await envoyEndpoints(stack)).sort();
      last = `pods ${JSON.stringify(pods)}, Envoy's ${CLUSTER} ${JSON.stringify(envoy)}`;
      return JSON.stringify(pods) === JSON.stringify(envoy);
    },
    { timeoutMs: 60_000, intervalMs: 1000, description: () => `Envoy to be programmed with all pod IPs (${last})` },
  );
}

/** Upstream's ScaleAndWaitDeployment: scale, then wait until the Deployment has that many ready pods. */
async function scaleAndWait(stack: Stack, replicas: number): Promise<void> {
  await scaleEchoDeployment(stack, NS, "echo", replicas);
  await waitForReadyPods(adminClient(stack.bed), NS, "app.kubernetes.io/name=echo", replicas, 120_000);
}

describe("infra/endpointslice_test.go", function () {
  const ctx = useStack({ crds: true, cluster: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("test endpoint slices", async function () {
    this.timeout(600_000);
    const { stack } = ctx;
    await deployEchoDeployment(stack, NS, "echo", 1);
    await createHTTPProxy(kc(), NS, "endpoint-slice", { virtualhost: { fqdn: "eps.projectcontour.io" }, routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "echo", port: 80 }] }] });
    await waitForProxyStatus(kc(), NS, "endpoint-slice", "valid");
    await expectAllPodIps(stack);
    // scale up to 10 pods
    await scaleAndWait(stack, 10);
    await expectAllPodIps(stack);
    // scale down to 2 pods
    await scaleAndWait(stack, 2);
    await expectAllPodIps(stack);
    // scale to 0
    await scaleAndWait(stack, 0);
    await expectAllPodIps(stack);
  });
});
