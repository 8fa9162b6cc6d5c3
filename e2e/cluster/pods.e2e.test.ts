// The bed as a cluster: a Deployment of echo-basic runs as local processes on the bed's kubelet, the
// EndpointSlice controller fills its Service's slice, kubectl logs reads the request lines through the
// API server and the kubelet endpoint, a LoadBalancer Service answers through to the pods, and deleting
// everything leaves no pod, slice, address, rule or namespace behind.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { httpGet, useTestBed, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { adminClient, applyManifests, getOrUndefined, kubectl, listPods, waitForReadyPods, type PodView } from "./objects.js";

const NS = "echo";

const manifests = `
apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: echo, namespace: ${NS} }
spec:
  replicas: 2
  selector: { matchLabels: { app: echo } }
  template:
    metadata: { labels: { app: echo } }
    spec:
      terminationGracePeriodSeconds: 5
      containers:
        - name: echo
          image: registry.k8s.io/gateway-api/echo-basic:v1.5.1
          ports: [{ name: http, containerPort: 3000 }]
          env:
            - { name: POD_NAME, valueFrom: { fieldRef: { fieldPath: metadata.name } } }
            - { name: NAMESPACE, valueFrom: { fieldRef: { fieldPath: metadata.namespace } } }
            - { name: SERVICE_NAME, value: echo }
          readinessProbe:
            httpGet: { path: /, port: http }
            periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata: { name: echo, namespace: ${NS} }
spec:
  selector: { app: echo }
  ports: [{ name: http, port: 8080, targetPort: http }]
`;

interface Slice {
  metadata: { name: string };
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean }; nodeName?: string; targetRef?: { name: string } }>;
  ports?: Array<{ name?: string; port?: number }>;
}

async function slicesOf(api: ApiClient, service: string): Promise<Slice[]> {
  const path = `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`;
  return (await api.request<{ items: Slice[] }>("GET", path)).items;
}

function ourNetnsCount(): number {
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.startsWith(`ctr-e2e-${process.pid}-`)).length;
}

describe("cluster: pods as local processes", function () {
  const ctx = useTestBed({ cluster: true });
  let api: ApiClient;
  let pods: PodView[] = [];

  before(async function () {
    api = adminClient(ctx.bed);
    await applyManifests(api, manifests);
  });
  after(() => api?.close());

  it("registers one Ready node at a bed address with the kubelet endpoint", async function () {
    const node = await api.request<{ metadata: { labels: Record<string, string> }; status: { addresses: Array<{ type: string; address: string }>; conditions: Array<{ type: string; status: string }>; daemonEndpoints: { kubeletEndpoint: { Port: number } } } }>(
      "GET",
      `/api/v1/nodes/${ctx.bed.cluster.kubelet.nodeName}`,
    );
    assert.equal(node.status.conditions.find((c) => c.type === "Ready")?.status, "True");
    assert.deepEqual(node.status.addresses.find((a) => a.type === "InternalIP")?.address, ctx.bed.cluster.nodeIp);
    assert.match(ctx.bed.cluster.nodeIp, /^198\.18\./);
    assert.equal(node.status.daemonEndpoints.kubeletEndpoint.Port, ctx.bed.cluster.kubelet.port);
    assert.equal(node.metadata.labels["kubernetes.io/os"], "linux");
  });

  it("binds the Deployment's pods to the node and makes them Ready with a pod IP each", async function () {
    this.timeout(90_000);
    pods = await waitForReadyPods(api, NS, "app=echo", 2);
    for (const pod of pods) {
      assert.equal(pod.spec.nodeName, ctx.bed.cluster.kubelet.nodeName);
      assert.equal(pod.status.phase, "Running");
      assert.equal(pod.status.hostIP, ctx.bed.cluster.nodeIp);
      assert.match(pod.status.podIP ?? "", /^198\.18\./);
      assert.ok(pod.status.startTime);
      const types = (pod.status.conditions ?? []).filter((c) => c.status === "True").map((c) => c.type);
      for (const t of ["PodScheduled", "Initialized", "ContainersReady", "Ready"]) assert.ok(types.includes(t), `${pod.metadata.name} lacks ${t}: ${types}`);
      assert.equal(pod.status.containerStatuses?.[0]?.restartCount, 0);
      assert.ok(pod.status.containerStatuses?.[0]?.state["running"]);
    }
    assert.notEqual(pods[0]?.status.podIP, pods[1]?.status.podIP);
  });

  it("fills the Service's EndpointSlice with both pods (kube-controller-manager)", async function () {
    this.timeout(30_000);
    const want = pods.map((p) => p.status.podIP).sort();
    const slice = await waitFor(
      async () => {
        const slices = await slicesOf(api, "echo");
        const ready = slices.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready === true).flatMap((e) => e.addresses));
        return JSON.stringify(ready.sort()) === JSON.stringify(want) ? slices[0] : undefined;
      },
      { timeoutMs: 20_000, description: `the EndpointSlice of echo to list ${want}` },
    );
    assert.equal(slice?.ports?.[0]?.port, 3000);
    assert.equal(slice?.endpoints?.[0]?.nodeName, ctx.bed.cluster.kubelet.nodeName);
  });

  it("answers on each pod IP, and kubectl logs shows the request lines", async function () {
    this.timeout(30_000);
    for (const pod of pods) {
      const res = await httpGet(`http://${pod.status.podIP}:3000/hello-${pod.metadata.name}`);
      assert.equal(res.status, 200);
      const body = res.json<{ pod: string; namespace: string; path: string }>();
      assert.equal(body.pod, pod.metadata.name, "POD_NAME came from a fieldRef");
      assert.equal(body.namespace, NS);
    }
    for (const pod of pods) {
      const logs = await waitFor(
        async () => {
          const text = await kubectl(ctx.bed, ["logs", "-n", NS, pod.metadata.name]);
          return text.includes(`/hello-${pod.metadata.name}`) ? text : undefined;
        },
        { timeoutMs: 10_000, description: `kubectl logs of ${pod.metadata.name} to show the request` },
      );
      assert.match(logs, /Starting server, listening on port 3000/);
      const tail = await kubectl(ctx.bed, ["logs", "-n", NS, pod.metadata.name, "--tail=1", "--timestamps"]);
      assert.equal(tail.trim().split("\n").length, 1);
      assert.match(tail, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
      const since = await kubectl(ctx.bed, ["logs", "-n", NS, pod.metadata.name, "--since-time=2999-01-01T00:00:00Z"]);
      assert.equal(since, "");
    }
  });

  it("gives a LoadBalancer Service an address of 198.19.255.0/24 that answers from the pods", async function () {
    this.timeout(30_000);
    await applyManifests(
      api,
      `apiVersion: v1
kind: Service
metadata: { name: echo-lb, namespace: ${NS} }
spec:
  type: LoadBalancer
  selector: { app: echo }
  ports: [{ name: http, port: 80, targetPort: http }]
`,
    );
    const ip = await waitFor(
      async () => {
        const svc = await api.request<{ status?: { loadBalancer?: { ingress?: Array<{ ip: string }> } } }>("GET", `/api/v1/namespaces/${NS}/services/echo-lb`);
        return svc.status?.loadBalancer?.ingress?.[0]?.ip;
      },
      { timeoutMs: 10_000, description: "echo-lb to get a LoadBalancer address" },
    );
    assert.match(ip, /^198\.19\.255\.\d+$/);
    // Random DNAT: within 40 requests both pods answer (a miss has odds of 2^-39).
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const res = await httpGet(`http://${ip}/through-lb`, { timeoutMs: 2_000 });
        assert.equal(res.status, 200);
        seen.add(res.json<{ pod: string }>().pod);
        return seen.size === 2;
      },
      { timeoutMs: 15_000, intervalMs: 20, description: () => `both pods to answer on ${ip}; seen ${[...seen]}` },
    );
  });

  it("reports an image that is not in the image map as ErrImagePull naming it", async function () {
    this.timeout(30_000);
    await applyManifests(
      api,
      `apiVersion: v1
kind: Pod
metadata: { name: unknown-image, namespace: ${NS} }
spec:
  containers: [{ name: app, image: example.invalid/nothing:v1 }]
`,
    );
    const waiting = await waitFor(
      async () => {
        const pod = await api.request<PodView>("GET", `/api/v1/namespaces/${NS}/pods/unknown-image`);
        return pod.status.containerStatuses?.[0]?.state["waiting"]?.reason === "ErrImagePull" ? pod : undefined;
      },
      { timeoutMs: 15_000, description: "unknown-image to report ErrImagePull" },
    );
    assert.equal(waiting.status.phase, "Pending");
    assert.match(waiting.status.containerStatuses?.[0]?.state["waiting"]?.message ?? "", /example\.invalid\/nothing:v1/);
    await api.request("DELETE", `/api/v1/namespaces/${NS}/pods/unknown-image`);
  });

  it("deleting the Deployment stops the pods gracefully and empties the slice; deleting the Services removes slices and the address", async function () {
    this.timeout(60_000);
    const lbIp = ctx.bed.cluster.loadBalancer.addressOf(NS, "echo-lb");
    assert.ok(lbIp);
    await api.request("DELETE", `/apis/apps/v1/namespaces/${NS}/deployments/echo`, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground" });
    await waitFor(async () => (await listPods(api, NS)).length === 0, { timeoutMs: 30_000, description: "the pods of echo to be deleted" });
    await waitFor(async () => (await slicesOf(api, "echo")).every((s) => (s.endpoints ?? []).length === 0), { timeoutMs: 10_000, description: "the slice of echo to empty" });
    assert.equal(ourNetnsCount(), 0, "every pod network namespace is removed");
    await api.request("DELETE", `/api/v1/namespaces/${NS}/services/echo`);
    await api.request("DELETE", `/api/v1/namespaces/${NS}/services/echo-lb`);
    await waitFor(async () => (await slicesOf(api, "echo")).length === 0 && (await slicesOf(api, "echo-lb")).length === 0, {
      timeoutMs: 20_000,
      description: "the garbage collector to delete the slices of the deleted Services",
    });
    await waitFor(() => ctx.bed.cluster.loadBalancer.addressOf(NS, "echo-lb") === undefined, { timeoutMs: 5_000, description: "the load balancer to release its address" });
    assert.ok(!execFileSync("ip", ["-o", "addr", "show"], { encoding: "utf8" }).includes(` ${lbIp}/`), `${lbIp} is off the host`);
    assert.ok(!execFileSync("nft", ["list", "ruleset"], { encoding: "utf8" }).includes(lbIp), `no nft rule names ${lbIp}`);
  });

  it("deletes a namespace with its objects (namespace controller)", async function () {
    this.timeout(60_000);
    await api.request("DELETE", `/api/v1/namespaces/${NS}`);
    await waitFor(async () => (await getOrUndefined(api, `/api/v1/namespaces/${NS}`)) === undefined, { timeoutMs: 45_000, description: `namespace ${NS} to be deleted` });
  });
});
