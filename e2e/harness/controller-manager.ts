// kube-controller-manager with the controllers a cluster of the bed needs: Deployments, ReplicaSets,
// DaemonSets, Jobs, EndpointSlices, garbage collection, namespace deletion, default ServiceAccounts and
// their token Secrets, and the kube-root-ca.crt ConfigMaps. Not node-lifecycle: the bed's node posts
// no heartbeats, and that controller would mark it NotReady and evict its pods.
import { writeFileSync } from "node:fs";
import { spawnProcess, type ManagedProcess } from "./processes.js";
import type { KubeApiserver } from "./kube-apiserver.js";
import type { RunDir } from "./run-dir.js";
import { resolveTool } from "./tools.js";
import { waitFor } from "./wait-for.js";
import { httpGet } from "./http-client.js";

/** The controllers the bed runs. */
export const BED_CONTROLLERS = [
  "deployment-controller",
  "replicaset-controller",
  "daemonset-controller",
  "job-controller",
  "ttl-after-finished-controller",
  "endpointslice-controller",
  "endpointslice-mirroring-controller",
  "garbage-collector-controller",
  "namespace-controller",
  "serviceaccount-controller",
  "serviceaccount-token-controller",
  "root-ca-certificate-publisher-controller",
  "clusterrole-aggregation-controller",
] as const;

/** A running kube-controller-manager. */
export interface ControllerManager {
  readonly process: ManagedProcess;
  readonly startupMs: number;
  stop(): Promise<void>;
}

/** Starts kube-controller-manager against the bed's API server; resolves once the default ServiceAccount exists. */
export async function startControllerManager(runDir: RunDir, apiserver: KubeApiserver, saPrivateKey: string, caFile: string): Promise<ControllerManager> {
  const binary = resolveTool("kube-controller-manager");
  const started = Date.now();
  const proc = spawnProcess({
    name: "kube-controller-manager",
    command: binary,
    logPath: runDir.file("kube-controller-manager.log"),
    args: [
      `--kubeconfig=${apiserver.kubeconfigPath}`,
      `--controllers=${BED_CONTROLLERS.join(",")}`,
      "--leader-elect=false",
      // No serving endpoint: nothing scrapes it, and it saves a port and a certificate.
      "--secure-port=0",
      `--service-account-private-key-file=${saPrivateKey}`,
      `--root-ca-file=${caFile}`,
      "--use-service-account-credentials=false",
      // Sync fast: tests wait on these controllers.
      "--concurrent-deployment-syncs=5",
      "--concurrent-replicaset-syncs=5",
      "--endpointslice-updates-batch-period=0s",
      "--v=1",
    ],
  });
  try {
    // The serviceaccount controller creating "default" in kube-system shows the informers are synced.
    await waitFor(
      async () => {
        const res = await httpGet(`${apiserver.url}/api/v1/namespaces/default/serviceaccounts/default`, {
          ca: apiserver.caPem,
          headers: { authorization: `Bearer ${apiserver.token}` },
        });
        return res.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: `kube-controller-manager to create the default ServiceAccount (log: ${proc.logPath})`, bail: () => proc.exitError() },
    );
  } catch (err) {
    await proc.stop(1_000);
    throw err;
  }
  return { process: proc, startupMs: Date.now() - started, stop: async () => void (await proc.stop()) };
}

/** Writes the API server's CA into the run dir, for --root-ca-file. */
export function writeApiserverCa(runDir: RunDir, apiserver: KubeApiserver): string {
  const path = runDir.file("apiserver-ca.crt");
  writeFileSync(path, apiserver.caPem);
  return path;
}
