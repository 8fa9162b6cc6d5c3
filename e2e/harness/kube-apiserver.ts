// A kube-apiserver on 127.0.0.1 against the test-bed etcd: token auth (admin in system:masters), RBAC,
// a self-signed serving certificate it generates itself, and a fresh service-account keypair.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { resolveTool } from "./tools.js";
import { freePort, retryOnPortClash } from "./free-port.js";
import { httpGet } from "./http-client.js";
import { loadKubeConfig, writeKubeconfig } from "./kubeconfig.js";
import { spawnProcess, type ManagedProcess } from "./processes.js";
import type { RunDir } from "./run-dir.js";
import { waitFor } from "./wait-for.js";

/** Options of startKubeApiserver. */
export interface KubeApiserverOptions {
  runDir: RunDir;
  /** --etcd-servers, e.g. the clientUrl of startEtcd. */
  etcdUrl: string;
  /** Path of the binary; default from KUBE_APISERVER_BIN or .tools/tools.env. */
  binary?: string;
  /** Extra flags appended last (so they override ours), e.g. ["--feature-gates=..."]. */
  extraArgs?: readonly string[];
  /**
   * The address in the serving certificate besides 127.0.0.1, which in-cluster clients dial (the bed's
   * node address); default 127.0.0.1. The API server still listens on 127.0.0.1 only.
   */
  advertiseAddress?: string;
  /** Turn on ServiceAccount admission (pods get a token volume); needs kube-controller-manager. Default off. */
  serviceAccountAdmission?: boolean;
  /** --service-cluster-ip-range; default SERVICE_CLUSTER_IP_RANGE (cluster beds pass a routed /24 of 198.19.0.0/17). */
  serviceClusterIpRange?: string;
  /** Default 90 s: the post-start hooks (RBAC bootstrap roles etc.) run before /readyz says ok. */
  startTimeoutMs?: number;
}

/** A running kube-apiserver and the ways to talk to it as admin. */
export interface KubeApiserver {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  /** Bearer token of user "admin" in group system:masters. */
  readonly token: string;
  /** A kubeconfig file using url, token and the serving CA. */
  readonly kubeconfigPath: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  readonly process: ManagedProcess;
  /** The range ClusterIPs are allocated from. */
  readonly serviceClusterIpRange: string;
  /** Milliseconds from spawn to /readyz ok. */
  readonly startupMs: number;
  /** A fresh client-node KubeConfig loaded from kubeconfigPath. */
  makeKubeConfig(): KubeConfig;
  stop(): Promise<void>;
}

/** The service CIDR of the test bed; ClusterIPs are allocated from it but route nowhere. */
export const SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16";

/** Starts kube-apiserver and resolves once GET /readyz answers ok. */
export async function startKubeApiserver(options: KubeApiserverOptions): Promise<KubeApiserver> {
  const binary = options.binary ?? resolveTool("kube-apiserver");
  const { runDir } = options;
  const token = randomBytes(24).toString("hex");
  const tokenFile = runDir.file("apiserver-tokens.csv");
  writeFileSync(tokenFile, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  // EC P-256 (ES256): generated in microseconds, unlike RSA, and the API server signs with it fine.
  const saKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const saPublicKey = runDir.file("sa.pub");
  const saPrivateKey = runDir.file("sa.key");
  writeFileSync(saPublicKey, saKeys.publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(saPrivateKey, saKeys.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });

  return retryOnPortClash(async (attempt) => {
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    // Without --tls-cert-file the API server writes a CA and a serving certificate for its
    // advertise address (and localhost) into --cert-dir: apiserver.crt is "serving cert + CA".
    const certDir = join(runDir.path, `apiserver-certs-${attempt}`);
    mkdirSync(certDir, { recursive: true });
    const started = Date.now();
    const proc = spawnProcess({
      name: "kube-apiserver",
      command: binary,
      logPath: runDir.file("kube-apiserver.log"),
      args: [
        `--etcd-servers=${options.etcdUrl}`,
        "--bind-address=127.0.0.1",
        `--advertise-address=${options.advertiseAddress ?? "127.0.0.1"}`,
        `--secure-port=${port}`,
        `--cert-dir=${certDir}`,
        `--token-auth-file=${tokenFile}`,
        "--authorization-mode=Node,RBAC",
        `--service-cluster-ip-range=${options.serviceClusterIpRange ?? SERVICE_CLUSTER_IP_RANGE}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${saPublicKey}`,
        `--service-account-signing-key-file=${saPrivateKey}`,
        // Without kube-controller-manager nothing creates "default" ServiceAccounts, and this plugin would reject Pods.
        ...(options.serviceAccountAdmission === true ? [] : ["--disable-admission-plugins=ServiceAccount"]),
        // Nothing else in the bed would reconcile the "kubernetes" Service's endpoints; skip the writes.
        "--endpoint-reconciler-type=none",
        "--profiling=false",
        "--v=1",
        ...(options.extraArgs ?? []),
      ],
    });
    try {
      const caPem = await waitFor(() => readCa(join(certDir, "apiserver.crt")), {
        timeoutMs: options.startTimeoutMs ?? 90_000,
        intervalMs: 50,
        description: `kube-apiserver to write its serving certificate into ${certDir} (log: ${proc.logPath})`,
        bail: () => proc.exitError(),
      });
      await waitFor(
        async () => {
          const res = await httpGet(`${url}/readyz`, { ca: caPem, headers: { authorization: `Bearer ${token}` }, timeoutMs: 5_000 });
          if (res.status !== 200) throw new Error(`/readyz answered ${res.status}: ${res.body.slice(0, 2_000)}`);
          return true;
        },
        {
          timeoutMs: options.startTimeoutMs ?? 90_000,
          intervalMs: 100,
          description: `kube-apiserver at ${url} to answer /readyz ok (log: ${proc.logPath})`,
          bail: () => proc.exitError(),
        },
      );
      const startupMs = Date.now() - started;
      const kubeconfigPath = runDir.file("kubeconfig.yaml");
      writeKubeconfig(kubeconfigPath, { server: url, token, caPem });
      return {
        url,
        token,
        kubeconfigPath,
        caPem,
        process: proc,
        serviceClusterIpRange: options.serviceClusterIpRange ?? SERVICE_CLUSTER_IP_RANGE,
        startupMs,
        makeKubeConfig: () => loadKubeConfig(kubeconfigPath),
        async stop() {
          await proc.stop();
        },
      };
    } catch (err) {
      await proc.stop(1_000);
      throw err;
    }
  });
}

// The file holds the serving certificate followed by its CA; trusting the whole bundle works because
// the CA is self-signed. Returns undefined until the file is complete.
function readCa(path: string): string | undefined {
  try {
    const pem = readFileSync(path, "utf8");
    return pem.includes("-----END CERTIFICATE-----") ? pem : undefined;
  } catch {
    return undefined;
  }
}
