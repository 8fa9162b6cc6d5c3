// What turns the bed's API server into a cluster that runs Pods: the host link with the node address,
// kube-controller-manager, the bed's kubelet (one per Node: a second node has a host link and address of
// its own), and the LoadBalancer Service implementation. Started by
// createTestBed({ cluster: true }) once the API server is up; stopped before it.
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { startControllerManager, writeApiserverCa, type ControllerManager } from "./controller-manager.js";
import { createHostAddresses, type HostAddresses } from "./host-addresses.js";
import { startApiProxy, type ApiProxy } from "./kubelet/api-proxy.js";
import type { KubeApiserver } from "./kube-apiserver.js";
import type { KubeletCa } from "./kubelet/certs.js";
import type { ImageEntry } from "./kubelet/images.js";
import { startClusterDns, type ClusterDns } from "./kubelet/cluster-dns.js";
import { startKubelet, type Kubelet } from "./kubelet/kubelet.js";
import { nftBinary, startLoadBalancer, type LoadBalancer } from "./load-balancer.js";
import { ipBinary } from "./pod-network.js";
import type { RunDir } from "./run-dir.js";

/** Options of the bed's cluster (the `cluster` option of createTestBed). */
export interface ClusterOptions {
  /** Extra image map entries, before the defaults (e.g. the contour image). */
  images?: readonly ImageEntry[];
  /** Default "contour-e2e-node"; further nodes are named `<nodeName>-2`, `<nodeName>-3`, ... */
  nodeName?: string;
  /** How many Nodes (each its own kubelet, address and kubelet endpoint); default 1. */
  nodes?: number;
}

/** The bed's cluster components. */
export interface Cluster {
  /** The first node's kubelet (it also binds unscheduled pods to every node). */
  readonly kubelet: Kubelet;
  /** Every node's kubelet, the first one first. */
  readonly kubelets: readonly Kubelet[];
  readonly controllerManager: ControllerManager;
  readonly loadBalancer: LoadBalancer;
  /** The first node's InternalIP (pod range, on the host): cluster DNS and the API relay listen there. */
  readonly nodeIp: string;
  /** Where pods reach the API server: nodeIp:443 (KUBERNETES_SERVICE_HOST/PORT in every container). */
  readonly apiserverFromPods: { host: string; port: number };
  stop(): Promise<void>;
}

/** What checkClusterPrerequisites looks at (tests replace parts to see each error). */
export interface PrerequisiteProbe {
  readonly uid?: number;
  /** Where to look for `ip` and `nft`; default the usual system paths. */
  readonly ipPaths?: readonly string[];
  readonly nftPaths?: readonly string[];
}

/** Throws naming the tool and the cause when this machine cannot run the bed's pods. */
export function checkClusterPrerequisites(probe: PrerequisiteProbe = {}): void {
  const uid = probe.uid ?? process.getuid?.();
  if (uid !== 0) throw new Error(`the e2e kubelet needs root (network and mount namespaces, nftables), but runs as uid ${uid}: run the tests as root`);
  ipBinary(probe.ipPaths);
  nftBinary(probe.nftPaths);
  for (const tool of ["unshare", "mount"]) {
    if (!["/usr/bin", "/bin", "/usr/sbin", "/sbin"].some((d) => existsSync(`${d}/${tool}`))) {
      throw new Error(`the e2e kubelet needs \`${tool}\` (Debian package util-linux / mount) to give each container its mount namespace`);
    }
  }
  try {
    execFileSync("unshare", ["--mount", "--propagation", "private", "true"], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    throw new Error(`the e2e kubelet cannot create mount namespaces: \`unshare --mount true\` failed: ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err)}`);
  }
}

/** Starts kube-controller-manager, the API server's address for pods, the kubelet and the load balancer. */
export async function startCluster(options: ClusterOptions & { runDir: RunDir; apiserver: KubeApiserver; ca: KubeletCa; addresses: HostAddresses; nodeIp: string }): Promise<Cluster> {
  checkClusterPrerequisites();
  const { runDir, apiserver, addresses, nodeIp } = options;
  enableForwarding();
  let controllerManager: ControllerManager | undefined;
  let kubelet: Kubelet | undefined;
  const kubelets: Kubelet[] = [];
  const extraLinks: HostAddresses[] = [];
  let proxy: ApiProxy | undefined;
  let dns: ClusterDns | undefined;
  try {
    const dnsLog = runDir.file("cluster-dns.log");
    dns = await startClusterDns(apiserver, nodeIp, (line) => appendFileSync(dnsLog, `${new Date().toISOString()} ${line}\n`));
    const resolvConf = dns.resolvConf;
    controllerManager = await startControllerManager(runDir, apiserver, runDir.file("sa.key"), writeApiserverCa(runDir, apiserver));
    proxy = await startApiProxy(nodeIp, 443, new URL(apiserver.url));
    const count = options.nodes ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`cluster.nodes must be a positive integer, got ${count}`);
    const baseName = options.nodeName ?? "contour-e2e-node";
    const names = Array.from({ length: count }, (_, i) => (i === 0 ? baseName : `${baseName}-${i + 1}`));
    for (const [i, name] of names.entries()) {
      let ip = nodeIp;
      if (i > 0) {
        const link = createHostAddresses();
        extraLinks.push(link);
        ip = link.addNodeAddress();
      }
      const started = await startKubelet({
        runDir,
        apiserver,
        ca: options.ca,
        nodeIp: ip,
        nodeName: name,
        // Every pod reaches the API server and the DNS through the first node, as through a Service address.
        apiserverFromPods: { host: nodeIp, port: proxy.port },
        resolvConf,
        schedulesTo: i === 0 ? names : [],
        ...(options.images !== undefined ? { images: options.images } : {}),
      });
      kubelets.push(started);
    }
    kubelet = kubelets[0]!;
    const lbLog = runDir.file("load-balancer.log");
    const loadBalancer = startLoadBalancer(apiserver, addresses, (line) => appendFileSync(lbLog, `${new Date().toISOString()} ${line}\n`), apiserver.serviceClusterIpRange, {
      host: nodeIp,
      port: proxy.port,
    });
    const started = { controllerManager, proxy, dns };
    return {
      kubelet,
      kubelets,
      controllerManager,
      loadBalancer,
      nodeIp,
      apiserverFromPods: { host: nodeIp, port: proxy.port },
      async stop() {
        await loadBalancer.stop();
        await Promise.all(kubelets.map((k) => k.stop()));
        await started.controllerManager.stop();
        started.proxy.close();
        await started.dns.stop();
        for (const link of extraLinks) link.remove();
        addresses.remove();
      },
    };
  } catch (err) {
    await Promise.all(kubelets.map((k) => k.stop().catch(() => undefined)));
    await controllerManager?.stop().catch(() => undefined);
    proxy?.close();
    await dns?.stop().catch(() => undefined);
    for (const link of extraLinks) link.remove();
    addresses.remove();
    throw err;
  }
}

// Pod to pod and pod to LoadBalancer traffic crosses the host. Pods route only the bed's ranges
// (198.18.0.0/15) to it, so forwarding reaches nothing else.
function enableForwarding(): void {
  const path = "/proc/sys/net/ipv4/ip_forward";
  try {
    if (readFileSync(path, "utf8").trim() !== "1") writeFileSync(path, "1");
  } catch (err) {
    throw new Error(`the e2e kubelet needs IPv4 forwarding between pods: writing ${path} failed: ${String(err)}`);
  }
}
