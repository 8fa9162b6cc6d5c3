// The bed's kubelet: registers one Ready Node at a bed address, runs each Pod bound to that Node through
// a pod worker, and serves the kubelet endpoint kube-apiserver calls for pods/log. There is no
// kube-scheduler: one kubelet of the bed binds every unscheduled Pod to one of the bed's nodes
// (scheduler.ts). A two-node bed runs two kubelets in the test process; their container processes die
// with it (pdeathsig).
import { appendFileSync, mkdirSync } from "node:fs";
import type { Server } from "node:https";
import { hostname } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import type { RunDir } from "../run-dir.js";
import { errorMessage } from "../wait-for.js";
import { createApiClient, type ApiClient, type ApiTarget, type KubeObject } from "./api.js";
import type { KubeletCa } from "./certs.js";
import { DEFAULT_IMAGES, type ImageEntry } from "./images.js";
import { startLogServer } from "./log-server.js";
import { startPodWorker, type PodWorker } from "./pod-worker.js";
import { removeMountpoints } from "./sandbox.js";
import { pickNode } from "./scheduler.js";

// Kubelets running in this process: the mountpoint ledger is the process's, so only the last one to stop clears it.
let running = 0;

/** Options of startKubelet. */
export interface KubeletOptions {
  readonly runDir: RunDir;
  readonly apiserver: ApiTarget;
  readonly ca: KubeletCa;
  /** The node's InternalIP: a bed address on the host (see host-addresses.ts). */
  readonly nodeIp: string;
  /** Default "contour-e2e-node". */
  readonly nodeName?: string;
  /** Where pods reach the API server: KUBERNETES_SERVICE_HOST/PORT of every container. */
  readonly apiserverFromPods?: { host: string; port: number };
  /** Default DEFAULT_IMAGES; entries listed first win. */
  readonly images?: readonly ImageEntry[];
  /** The resolv.conf of a pod in a namespace (the cluster DNS); without it pods see the host's. */
  readonly resolvConf?: (namespace: string) => string;
  /** The nodes this kubelet binds unscheduled pods to; default its own node; [] binds none (another kubelet does). */
  readonly schedulesTo?: readonly string[];
}

/** A running kubelet. */
export interface Kubelet {
  readonly nodeName: string;
  readonly nodeIp: string;
  /** The kubelet endpoint's port on nodeIp. */
  readonly port: number;
  /** The kubelet's log file (shared by the bed's kubelets; each line names its node). */
  readonly logPath: string;
  /** The network namespace of a running pod, e.g. to run a client inside it with `ip netns exec`. */
  podNetwork(namespace: string, name: string): { name: string; podIp: string } | undefined;
  /** Stops every pod (gracefully, up to graceMs each) and the endpoint; deletes the Node. */
  stop(graceMs?: number): Promise<void>;
}

/** Registers the node and starts running pods. */
export async function startKubelet(options: KubeletOptions): Promise<Kubelet> {
  const nodeName = options.nodeName ?? "contour-e2e-node";
  const api = createApiClient(options.apiserver);
  const images = [...(options.images ?? []), ...DEFAULT_IMAGES];
  // One log for every node of the bed, each line naming its node.
  // Not a scratch dir: the containers' logs are what a failed spec needs most, so they are kept with the rest.
  const podsDir = options.runDir.file("pods");
  mkdirSync(podsDir, { recursive: true });
  const logPath = options.runDir.file("kubelet.log");
  const log = (line: string): void => appendFileSync(logPath, `${new Date().toISOString()} [${nodeName}] ${line}\n`);
  const workers = new Map<string, PodWorker>();
  const byName = new Map<string, PodWorker>();
  const binding = new Set<string>();
  const schedulesTo = options.schedulesTo ?? [nodeName];
  // Pod UID -> node, of every pod bound and not finished: the scheduler's load figures.
  const placed = new Map<string, string>();
  if (running++ === 0) removeMountpoints();

  const serving = await options.ca.issueServing(options.nodeIp, nodeName);
  let server: Server;
  let port: number;
  try {
    ({ server, port } = await startLogServer(options.nodeIp, 0, serving, options.ca.caPem, {
      find(namespace, pod, container, previous) {
        const worker = byName.get(`${namespace}/${pod}`);
        if (worker === undefined) return { error: `pod ${namespace}/${pod} is not running on ${nodeName}` };
        const path = worker.logPath(container, previous);
        if (path === undefined) return { error: `container "${container}" in pod "${pod}" is ${previous ? "not restarted" : "waiting to start"}` };
        return { path, running: () => !previous && worker.running(container) };
      },
    }));
  } catch (err) {
    api.close();
    running--;
    throw new Error(`e2e kubelet: cannot serve on ${options.nodeIp}: ${errorMessage(err)}`);
  }
  try {
    await registerNode(api, nodeName, options.nodeIp, port);
  } catch (err) {
    server.close();
    api.close();
    running--;
    throw err;
  }
  log(`node ${nodeName} registered at ${options.nodeIp}:${port}`);

  const bind = async (pod: V1Pod): Promise<void> => {
    const key = pod.metadata?.uid ?? "";
    if (binding.has(key)) return;
    const load = new Map<string, number>();
    for (const n of placed.values()) load.set(n, (load.get(n) ?? 0) + 1);
    const target = pickNode(pod, schedulesTo, load);
    if (target === undefined) {
      log(`no node of [${schedulesTo.join(", ")}] fits pod ${pod.metadata?.namespace}/${pod.metadata?.name}: left unscheduled`);
      return;
    }
    binding.add(key);
    placed.set(key, target);
    try {
      await api.request("POST", `/api/v1/namespaces/${pod.metadata?.namespace}/pods/${pod.metadata?.name}/binding`, {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: pod.metadata?.name, uid: pod.metadata?.uid },
        target: { apiVersion: "v1", kind: "Node", name: target },
      });
      log(`bound pod ${pod.metadata?.namespace}/${pod.metadata?.name} to ${target}`);
    } catch (err) {
      log(`binding ${pod.metadata?.namespace}/${pod.metadata?.name} failed: ${errorMessage(err)}`);
      binding.delete(key);
      placed.delete(key);
    }
  };

  const onPod = (type: string, pod: V1Pod): void => {
    const uid = pod.metadata?.uid ?? "";
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (type === "DELETED") {
      const worker = workers.get(uid);
      workers.delete(uid);
      if (byName.get(key) === worker) byName.delete(key);
      binding.delete(uid);
      placed.delete(uid);
      if (worker !== undefined) void worker.kill();
      return;
    }
    const nodeOf = pod.spec?.nodeName ?? "";
    const schedulerName = pod.spec?.schedulerName ?? "default-scheduler";
    if (nodeOf === "") {
      if (schedulerName === "default-scheduler" && pod.metadata?.deletionTimestamp == null && schedulesTo.length > 0) void bind(pod);
      return;
    }
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") placed.delete(uid);
    else placed.set(uid, nodeOf);
    if (nodeOf !== nodeName) return;
    let worker = workers.get(uid);
    if (worker === undefined) {
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return;
      const dir = join(podsDir, `${pod.metadata?.namespace}_${pod.metadata?.name}_${uid.slice(0, 8)}`);
      mkdirSync(dir, { recursive: true });
      log(`starting pod ${key}`);
      worker = startPodWorker({ api, nodeName, hostIp: options.nodeIp, images, dir, log, ...(options.apiserverFromPods !== undefined ? { apiserverFromPods: options.apiserverFromPods } : {}), ...(options.resolvConf !== undefined ? { resolvConf: options.resolvConf } : {}) }, pod);
      workers.set(uid, worker);
      byName.set(key, worker);
    }
    worker.update(pod);
  };

  const watch = api.watch<KubeObject>("/api/v1/pods", (e) => onPod(e.type, e.object as V1Pod));

  return {
    nodeName,
    nodeIp: options.nodeIp,
    port,
    logPath,
    podNetwork: (namespace, name) => byName.get(`${namespace}/${name}`)?.network(),
    async stop(graceMs = 2_000) {
      watch.close();
      await Promise.all([...workers.values()].map((w) => w.kill(graceMs).catch(() => undefined)));
      workers.clear();
      server.close();
      server.closeAllConnections();
      await api.request("DELETE", `/api/v1/nodes/${nodeName}`).catch(() => undefined);
      api.close();
      if (--running === 0) removeMountpoints();
    },
  };
}

// The Node object, then its status (conditions, addresses, kubelet endpoint) through /status, then
// without the not-ready taint the API server's admission gives every new node (node-lifecycle would
// lift it once the node is Ready; the bed does not run that controller).
async function registerNode(api: ApiClient, nodeName: string, nodeIp: string, port: number): Promise<void> {
  const labels = {
    "kubernetes.io/hostname": nodeName,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": process.arch === "x64" ? "amd64" : process.arch,
    "node.kubernetes.io/e2e-host": hostname().slice(0, 63).replace(/[^A-Za-z0-9_.-]/g, "-"),
  };
  await api.request("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: nodeName, labels }, spec: {} });
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
  const resources = { cpu: "2", memory: "24Gi", pods: "110", "ephemeral-storage": "100Gi" };
  await api.request("PATCH", `/api/v1/nodes/${nodeName}/status`, {
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition("Ready", "True", "KubeletReady", "the e2e kubelet is posting ready status"),
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
      ],
      addresses: [
        { type: "InternalIP", address: nodeIp },
        { type: "Hostname", address: nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
      nodeInfo: {
        machineID: "",
        systemUUID: "",
        bootID: "",
        kernelVersion: "",
        osImage: "contour e2e bed",
        containerRuntimeVersion: "e2e://processes",
        kubeletVersion: "v1.36.3",
        kubeProxyVersion: "",
        operatingSystem: "linux",
        architecture: labels["kubernetes.io/arch"],
      },
    },
  });
  await api.request("PATCH", `/api/v1/nodes/${nodeName}`, { spec: { taints: null } });
}
