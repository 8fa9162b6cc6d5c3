// What else the bed's kubelet does as a kubelet: env from Secrets and ConfigMaps, configMap and secret
// volumes at their mountPath (an Envoy pod serving a file of its Secret with a bootstrap of its
// ConfigMap), Jobs that complete, DaemonSets, restarts with back-off and previous logs, a failing
// readiness probe, and traffic that starts inside a pod (pod to pod, and to a LoadBalancer address).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { httpGet, resolveTool, useTestBed, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { adminClient, applyManifests, getOrUndefined, kubectl, listPods, waitForReadyPods, type PodView } from "./objects.js";

const run = promisify(execFile);
const NS = "workloads";
const ECHO = "registry.k8s.io/gateway-api/echo-basic:v1.5.1";

const envoyBootstrap = JSON.stringify({
  admin: { address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } },
  static_resources: {
    listeners: [
      {
        name: "hello",
        address: { socket_address: { address: "0.0.0.0", port_value: 8080 } },
        filter_chains: [
          {
            filters: [
              {
                name: "envoy.filters.network.http_connection_manager",
                typed_config: {
                  "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                  stat_prefix: "hello",
                  route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, direct_response: { status: 200, body: { filename: "/etc/greeting/text" } } }] }] },
                  http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
                },
              },
            ],
          },
        ],
      },
    ],
  },
});

const manifests = `
apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
---
apiVersion: v1
kind: Secret
metadata: { name: greeting, namespace: ${NS} }
stringData: { text: "hello from a secret volume", service: from-secret }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: envoy, namespace: ${NS} }
data:
  envoy.json: '${envoyBootstrap}'
  ingress: from-configmap
---
apiVersion: v1
kind: Pod
metadata: { name: envoy, namespace: ${NS}, labels: { app: envoy } }
spec:
  containers:
    - name: envoy
      image: docker.io/envoyproxy/envoy:distroless-v1.36.2
      command: [envoy]
      args: [-c, /config/envoy.json, --log-level, info]
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 2 }
      volumeMounts:
        - { name: config, mountPath: /config, readOnly: true }
        - { name: greeting, mountPath: /etc/greeting, readOnly: true }
  volumes:
    - { name: config, configMap: { name: envoy, items: [{ key: envoy.json, path: envoy.json }] } }
    - { name: greeting, secret: { secretName: greeting } }
---
apiVersion: v1
kind: Pod
metadata: { name: echo-env, namespace: ${NS}, labels: { app: echo-env } }
spec:
  containers:
    - name: echo
      image: ${ECHO}
      env:
        - { name: POD_NAME, valueFrom: { fieldRef: { fieldPath: metadata.name } } }
        - { name: SERVICE_NAME, valueFrom: { secretKeyRef: { name: greeting, key: service } } }
        - { name: INGRESS_NAME, valueFrom: { configMapKeyRef: { name: envoy, key: ingress } } }
        - { name: NAMESPACE, value: "ns-$(POD_NAME)" }
---
apiVersion: v1
kind: Service
metadata: { name: echo-env, namespace: ${NS} }
spec:
  type: LoadBalancer
  selector: { app: echo-env }
  ports: [{ port: 80, targetPort: 3000 }]
---
apiVersion: batch/v1
kind: Job
metadata: { name: version, namespace: ${NS} }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: envoy, image: envoyproxy/envoy:v1.36.2, command: [envoy], args: [--version] }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: echo-ds, namespace: ${NS} }
spec:
  selector: { matchLabels: { app: echo-ds } }
  template:
    metadata: { labels: { app: echo-ds } }
    spec:
      containers: [{ name: echo, image: ${ECHO} }]
---
apiVersion: v1
kind: Pod
metadata: { name: with-init, namespace: ${NS}, labels: { app: with-init } }
spec:
  initContainers: [{ name: first, image: envoyproxy/envoy:v1.36.2, args: [--version], volumeMounts: [{ name: scratch, mountPath: /e2e-scratch }] }]
  containers: [{ name: echo, image: ${ECHO}, volumeMounts: [{ name: scratch, mountPath: /e2e-scratch }] }]
  volumes: [{ name: scratch, emptyDir: {} }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: default-view, namespace: ${NS} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: ServiceAccount, name: default, namespace: ${NS} }]
---
apiVersion: batch/v1
kind: Job
metadata: { name: in-cluster, namespace: ${NS} }
spec:
  backoffLimit: 3
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: kubectl, image: e2e.local/kubectl:v1, args: [get, configmaps, -o, name] }]
---
apiVersion: v1
kind: Pod
metadata: { name: crasher, namespace: ${NS} }
spec:
  containers: [{ name: envoy, image: envoyproxy/envoy:v1.36.2, command: [envoy], args: [--no-such-flag] }]
---
apiVersion: v1
kind: Pod
metadata: { name: never-ready, namespace: ${NS}, labels: { app: never-ready } }
spec:
  containers:
    - name: echo
      image: ${ECHO}
      readinessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1 }
`;

async function getPod(api: ApiClient, name: string): Promise<PodView> {
  return api.request<PodView>("GET", `/api/v1/namespaces/${NS}/pods/${name}`);
}

describe("cluster: workloads on the bed's kubelet", function () {
  // A test-only image: kubectl, to show a pod's in-cluster client reaching the API server.
  const ctx = useTestBed({
    cluster: { images: [{ repositories: ["e2e.local/kubectl"], launch: (c) => ({ command: resolveTool("kubectl"), args: [...(c.command ?? []).slice(1), ...(c.args ?? [])] }) }] },
  });
  let api: ApiClient;

  before(async function () {
    api = adminClient(ctx.bed);
    await applyManifests(api, manifests);
  });
  after(() => api?.close());

  it("runs Envoy's image with the pod's args, its ConfigMap and Secret volumes at their mountPaths", async function () {
    this.timeout(60_000);
    const [pod] = await waitForReadyPods(api, NS, "app=envoy", 1);
    const res = await httpGet(`http://${pod?.status.podIP}:8080/`);
    assert.equal(res.status, 200);
    assert.equal(res.body, "hello from a secret volume");
  });

  it("resolves env from a Secret, a ConfigMap, a fieldRef and $(VAR) references", async function () {
    this.timeout(60_000);
    const [pod] = await waitForReadyPods(api, NS, "app=echo-env", 1);
    const body = (await httpGet(`http://${pod?.status.podIP}:3000/`)).json<{ service: string; ingress: string; namespace: string; pod: string }>();
    assert.deepEqual([body.pod, body.service, body.ingress, body.namespace], ["echo-env", "from-secret", "from-configmap", "ns-echo-env"]);
  });

  it("runs a Job to completion (pod Succeeded, Job Complete, its output in kubectl logs)", async function () {
    this.timeout(60_000);
    await waitFor(
      async () => {
        const job = await api.request<{ status?: { succeeded?: number; conditions?: Array<{ type: string; status: string }> } }>("GET", `/apis/batch/v1/namespaces/${NS}/jobs/version`);
        return job.status?.succeeded === 1 && job.status.conditions?.some((c) => c.type === "Complete" && c.status === "True");
      },
      { timeoutMs: 45_000, description: "Job version to complete" },
    );
    const [pod] = await listPods(api, NS, "job-name=version");
    assert.equal(pod?.status.phase, "Succeeded");
    assert.match(await kubectl(ctx.bed, ["logs", "-n", NS, `job/version`]), /version/);
  });

  it("gives pods the API server in-cluster: KUBERNETES_SERVICE_HOST, a bound ServiceAccount token, the CA", async function () {
    this.timeout(60_000);
    await waitFor(
      async () => (await api.request<{ status?: { succeeded?: number } }>("GET", `/apis/batch/v1/namespaces/${NS}/jobs/in-cluster`)).status?.succeeded === 1,
      { timeoutMs: 45_000, description: "Job in-cluster (kubectl with the pod's ServiceAccount) to succeed" },
    );
    assert.match(await kubectl(ctx.bed, ["logs", "-n", NS, "job/in-cluster"]), /configmap\/kube-root-ca\.crt/);
  });

  it("runs a DaemonSet's pod on the node", async function () {
    this.timeout(60_000);
    const [pod] = await waitForReadyPods(api, NS, "app=echo-ds", 1);
    assert.equal(pod?.spec.nodeName, ctx.bed.cluster.kubelet.nodeName);
    await waitFor(async () => (await api.request<{ status?: { numberReady?: number } }>("GET", `/apis/apps/v1/namespaces/${NS}/daemonsets/echo-ds`)).status?.numberReady === 1, {
      timeoutMs: 15_000,
      description: "the DaemonSet to count its pod ready",
    });
  });

  it("runs init containers to completion before the containers (an emptyDir shared by both)", async function () {
    this.timeout(60_000);
    const [pod] = await waitForReadyPods(api, NS, "app=with-init", 1);
    const init = (pod?.status as { initContainerStatuses?: Array<{ name: string; state: { terminated?: { reason: string; exitCode: number } } }> }).initContainerStatuses;
    assert.deepEqual(init?.map((c) => [c.name, c.state.terminated?.reason, c.state.terminated?.exitCode]), [["first", "Completed", 0]]);
    assert.equal(pod?.status.conditions?.find((c) => c.type === "Initialized")?.status, "True");
    assert.match(await kubectl(ctx.bed, ["logs", "-n", NS, "with-init", "-c", "first"]), /version/);
  });

  it("restarts a crashing container with back-off and keeps the previous run's log", async function () {
    this.timeout(60_000);
    const pod = await waitFor(
      async () => {
        const p = await getPod(api, "crasher");
        return (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? p : undefined;
      },
      { timeoutMs: 30_000, description: "crasher to be restarted twice" },
    );
    const status = pod.status.containerStatuses?.[0] as { lastState?: { terminated?: { exitCode: number; reason: string } } } | undefined;
    assert.notEqual(status?.lastState?.terminated?.exitCode ?? 0, 0, "the last run's exit code is kept");
    assert.equal(status?.lastState?.terminated?.reason, "Error");
    assert.equal(pod.status.phase, "Running");
    const previous = await kubectl(ctx.bed, ["logs", "-n", NS, "crasher", "--previous"]);
    assert.match(previous, /no-such-flag/);
  });

  it("keeps a pod whose readiness probe fails out of the ready endpoints", async function () {
    this.timeout(30_000);
    await waitFor(async () => (await getPod(api, "never-ready")).status.containerStatuses?.[0]?.state["running"] !== undefined, { timeoutMs: 15_000, description: "never-ready to run" });
    const pod = await getPod(api, "never-ready");
    assert.equal(pod.status.conditions?.find((c) => c.type === "Ready")?.status, "False");
    assert.equal(pod.status.containerStatuses?.[0]?.ready, false);
  });

  it("lets a pod reach another pod, and a LoadBalancer address that leads back to itself", async function () {
    this.timeout(60_000);
    const [envoy] = await waitForReadyPods(api, NS, "app=envoy", 1);
    const [echo] = await waitForReadyPods(api, NS, "app=echo-env", 1);
    const lb = await waitFor(() => ctx.bed.cluster.loadBalancer.addressOf(NS, "echo-env"), { timeoutMs: 10_000, description: "echo-env to get an address" });
    const fetchFrom = async (pod: string, url: string): Promise<string> => {
      const netns = ctx.bed.cluster.kubelet.podNetwork(NS, pod);
      assert.ok(netns, `${pod} has a network namespace`);
      const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }).then(async (r) => console.log(r.status, await r.text()))`;
      const { stdout } = await run("ip", ["netns", "exec", netns.name, process.execPath, "-e", script], { timeout: 10_000 });
      return stdout;
    };
    assert.match(await fetchFrom("envoy", `http://${echo?.status.podIP}:3000/pod-to-pod`), /^200 [\s\S]*"pod": "echo-env"/);
    // The load balancer's address answers from inside a pod too, and DNAT back into the caller works.
    await waitFor(async () => /^200 [\s\S]*"pod": "echo-env"/.test(await fetchFrom("envoy", `http://${lb}/pod-to-lb`)), { timeoutMs: 10_000, description: "the LB address from the envoy pod" });
    assert.match(await fetchFrom("echo-env", `http://${lb}/hairpin`), /^200 [\s\S]*"pod": "echo-env"/);
    assert.ok(envoy);
  });

  it("deletes a pod gracefully: SIGTERM reaches the container, kubectl logs -f ends with it, the Pod goes", async function () {
    this.timeout(60_000);
    const follow = spawn(resolveTool("kubectl"), [`--kubeconfig=${ctx.bed.apiserver.kubeconfigPath}`, "logs", "-f", "-n", NS, "envoy"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    follow.stdout.on("data", (c: Buffer) => (output += c.toString()));
    follow.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const ended = new Promise<number | null>((resolve) => follow.once("exit", (code) => resolve(code)));
    try {
      await waitFor(() => output.includes("starting main dispatch loop"), { timeoutMs: 15_000, description: () => `kubectl logs -f to print Envoy's start; got ${output.slice(-500)}` });
      await api.request("DELETE", `/api/v1/namespaces/${NS}/pods/envoy`, { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 10 });
      const code = await Promise.race([ended, new Promise<string>((r) => setTimeout(() => r("still following"), 15_000))]);
      assert.equal(code, 0, `kubectl logs -f ended by itself; output:\n${output.slice(-1000)}`);
      assert.match(output, /caught ENVOY_SIGTERM/);
    } finally {
      follow.kill();
    }
    await waitFor(async () => (await getOrUndefined(api, `/api/v1/namespaces/${NS}/pods/envoy`)) === undefined, { timeoutMs: 15_000, description: "the envoy Pod to be deleted" });
  });
});
