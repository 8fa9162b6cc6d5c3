// The whole e2e test bed in one object: etcd + kube-apiserver, Envoys and backends on demand, any
// extra process (e.g. contour) tracked too; stop() tears it all down and keeps the logs on failure.
import { startBackends, type Backend } from "./backends.js";
import { startEnvoy, type Envoy, type EnvoyOptions } from "./envoy.js";
import { startEtcd, type Etcd } from "./etcd.js";
import { startKubeApiserver, type KubeApiserver } from "./kube-apiserver.js";
import { spawnProcess, type ManagedProcess, type SpawnOptions } from "./processes.js";
import { startPodBackends, type PodBackend, type PodBackends } from "./pod-backends.js";
import { createRunDir, type RunDir } from "./run-dir.js";
import { errorMessage } from "./wait-for.js";
import { startCluster, type Cluster, type ClusterOptions } from "./cluster.js";
import { pickServiceRange } from "./load-balancer.js";
import { createKubeletCa, type KubeletCa } from "./kubelet/certs.js";
import { checkClusterPrerequisites } from "./cluster.js";
import { createHostAddresses, type HostAddresses } from "./host-addresses.js";
import { removeStalePodNetworks } from "./pod-network.js";

/** Options of createTestBed. */
export interface TestBedOptions {
  /** Names the run dir and the kept-logs dir, e.g. the spec name. */
  name: string;
  /** Start etcd + kube-apiserver; default true. */
  kubernetes?: boolean;
  /** Extra kube-apiserver flags. */
  apiserverArgs?: readonly string[];
  /** Backends to start on 127.0.0.1: a count or names (see startBackends). */
  backends?: number | readonly string[];
  /** Backends to start in the pod network namespace, for EndpointSlices to point at (see pod-backends.ts). */
  pods?: readonly string[];
  /**
   * Run Pods: the bed's kubelet (pods as local processes, see kubelet/), kube-controller-manager and the
   * LoadBalancer Service implementation. Needs root, `ip`, `nft` and `unshare`; fails naming what is missing.
   * `{ nodes: 2 }` registers a second Node (its own kubelet, address and endpoint) for per-node workloads.
   */
  cluster?: boolean | ClusterOptions;
  /** An Envoy to start once the rest is up; a function gets the bed so far (e.g. for backend ports). */
  envoy?: BedEnvoyOptions | ((bed: TestBed) => BedEnvoyOptions | Promise<BedEnvoyOptions>);
}

/** Envoy options inside a bed (the bed supplies the run dir). */
export type BedEnvoyOptions = Omit<EnvoyOptions, "runDir">;

/** A process to spawn inside a bed (its log goes to <run dir>/<name>.log). */
export type BedSpawnOptions = Omit<SpawnOptions, "logPath">;

/** How stop() should treat the logs. */
export interface StopOptions {
  /** A test failed: keep the logs under e2e-logs/. Logs are also kept if a process died on its own. */
  failed?: boolean;
}

/** A running test bed. */
export interface TestBed {
  readonly name: string;
  readonly runDir: RunDir;
  /** The etcd (throws if the bed was created with kubernetes: false). */
  readonly etcd: Etcd;
  /** The kube-apiserver (throws if the bed was created with kubernetes: false). */
  readonly apiserver: KubeApiserver;
  /** The first Envoy started (throws if none). */
  readonly envoy: Envoy;
  /** The kubelet, controller manager and load balancer (throws if the bed was created without `cluster`). */
  readonly cluster: Cluster;
  /** Every Envoy started, in order. */
  readonly envoys: readonly Envoy[];
  /** Every backend started, in order. */
  readonly backends: readonly Backend[];
  /** The pod backends, in the order of options.pods. */
  readonly pods: readonly PodBackend[];
  /** Milliseconds each component took to become ready, by name ("etcd", "kube-apiserver", "envoy"...). */
  readonly startupMs: Readonly<Record<string, number>>;
  /** Starts another Envoy (give it a distinct `name` if there is more than one). */
  startEnvoy(options: BedEnvoyOptions): Promise<Envoy>;
  /** Starts more backends and appends them to `backends`. */
  startBackends(names: number | readonly string[]): Promise<Backend[]>;
  /** Spawns a tracked process (stopped with the bed) logging to <run dir>/<name>.log. */
  spawn(options: BedSpawnOptions): ManagedProcess;
  /** Registers a teardown step; steps run in reverse order before the bed's own processes stop. */
  onStop(step: () => void | Promise<void>): void;
  /** Stops everything; returns where the logs were kept, if they were. */
  stop(options?: StopOptions): Promise<{ keptLogs?: string }>;
}

/** Starts a test bed; on a startup failure everything is stopped and the error names the kept logs. */
export async function createTestBed(options: TestBedOptions): Promise<TestBed> {
  const runDir = createRunDir(options.name);
  // Processes started through spawn(); etcd, the API server and Envoys are held separately.
  const processes: ManagedProcess[] = [];
  const envoys: Envoy[] = [];
  const backends: Backend[] = [];
  const stopSteps: Array<() => void | Promise<void>> = [];
  const startupMs: Record<string, number> = {};
  let etcd: Etcd | undefined;
  let apiserver: KubeApiserver | undefined;
  let pods: PodBackends | undefined;
  let cluster: Cluster | undefined;
  let hostAddresses: HostAddresses | undefined;
  let stopped: Promise<{ keptLogs?: string }> | undefined;

  const bed: TestBed = {
    name: options.name,
    runDir,
    get etcd() {
      if (etcd === undefined) throw new Error("this test bed has no etcd (created with kubernetes: false)");
      return etcd;
    },
    get apiserver() {
      if (apiserver === undefined) throw new Error("this test bed has no kube-apiserver (created with kubernetes: false)");
      return apiserver;
    },
    get cluster() {
      if (cluster === undefined) throw new Error("this test bed runs no pods: pass `cluster: true` to createTestBed");
      return cluster;
    },
    get envoy() {
      const first = envoys[0];
      if (first === undefined) throw new Error("this test bed has no Envoy: pass `envoy` to createTestBed or call startEnvoy()");
      return first;
    },
    envoys,
    backends,
    get pods() {
      return pods?.backends ?? [];
    },
    startupMs,
    async startEnvoy(envoyOptions) {
      const envoy = await startEnvoy({ ...envoyOptions, runDir });
      envoys.push(envoy);
      startupMs[envoy.name] = envoy.startupMs;
      return envoy;
    },
    async startBackends(names) {
      const started = await startBackends(names);
      backends.push(...started);
      return started;
    },
    spawn(spawnOptions) {
      const proc = spawnProcess({ ...spawnOptions, logPath: runDir.file(`${spawnOptions.name}.log`) });
      processes.push(proc);
      return proc;
    },
    onStop(step) {
      stopSteps.push(step);
    },
    stop(stopOptions = {}) {
      // Idempotent: mocha's after hook and a signal-driven shutdown may both ask.
      stopped ??= teardown(stopOptions);
      return stopped;
    },
  };

  async function teardown(stopOptions: StopOptions): Promise<{ keptLogs?: string }> {
    const problems: string[] = [];
    // A process that died before we stopped it (other than a one-shot command exiting 0) is worth
    // keeping the logs for, even if every test passed.
    const all = [etcd?.process, apiserver?.process, cluster?.controllerManager.process, ...envoys.map((e) => e.process), ...processes, pods?.process];
    for (const proc of all) {
      const status = proc?.exitStatus();
      if (proc === undefined || status === undefined || status.code === 0 || status.intended === true) continue;
      problems.push(`${proc.name} died during the run: ${proc.exitError()?.message ?? "unknown reason"}`);
    }
    for (const step of stopSteps.reverse()) {
      try {
        await step();
      } catch (err) {
        problems.push(`a teardown step failed: ${errorMessage(err)}`);
      }
    }
    // Data plane first (so it logs no outage noise), then the control plane, then the API server and its store.
    await Promise.all(envoys.map((e) => e.stop()));
    await Promise.all(backends.map((b) => b.close()));
    await pods?.stop();
    await Promise.all(processes.map((p) => p.stop()));
    try {
      await cluster?.stop();
    } catch (err) {
      problems.push(`stopping the cluster failed: ${errorMessage(err)}`);
    }
    hostAddresses?.remove();
    await apiserver?.stop();
    await etcd?.stop();
    for (const p of problems) console.error(`e2e test bed "${options.name}": ${p}`);
    if (stopOptions.failed === true || problems.length > 0) {
      const keptLogs = runDir.keepLogs();
      runDir.remove();
      console.error(`e2e test bed "${options.name}": logs kept in ${keptLogs}`);
      return { keptLogs };
    }
    runDir.remove();
    return {};
  }

  try {
    const clusterOptions = options.cluster === true ? {} : options.cluster === false ? undefined : options.cluster;
    let kubeletCa: KubeletCa | undefined;
    let nodeIp: string | undefined;
    if (clusterOptions !== undefined) {
      if (options.kubernetes === false) throw new Error("`cluster` needs `kubernetes`");
      checkClusterPrerequisites();
      // The API server needs, at start, the kubelet CA and its client certificate, and the node address
      // in its serving certificate (in-cluster clients in pods dial it).
      kubeletCa = await createKubeletCa(runDir);
      removeStalePodNetworks();
      hostAddresses = createHostAddresses();
      nodeIp = hostAddresses.addNodeAddress();
    }
    if (options.kubernetes ?? true) {
      etcd = await startEtcd({ runDir });
      startupMs["etcd"] = etcd.startupMs;
      apiserver = await startKubeApiserver({
        runDir,
        etcdUrl: etcd.clientUrl,
        extraArgs: [...(kubeletCa?.apiserverArgs ?? []), ...(options.apiserverArgs ?? [])],
        ...(nodeIp !== undefined ? { advertiseAddress: nodeIp, serviceAccountAdmission: true, serviceClusterIpRange: pickServiceRange() } : {}),
      });
      startupMs["kube-apiserver"] = apiserver.startupMs;
    }
    if (clusterOptions !== undefined && apiserver !== undefined && kubeletCa !== undefined && hostAddresses !== undefined && nodeIp !== undefined) {
      const clusterStarted = Date.now();
      cluster = await startCluster({ ...clusterOptions, runDir, apiserver, ca: kubeletCa, addresses: hostAddresses, nodeIp });
      startupMs["cluster"] = Date.now() - clusterStarted;
    }
    if (options.backends !== undefined) await bed.startBackends(options.backends);
    if (options.pods !== undefined && options.pods.length > 0) pods = await startPodBackends(runDir, options.pods);
    if (options.envoy !== undefined) {
      await bed.startEnvoy(typeof options.envoy === "function" ? await options.envoy(bed) : options.envoy);
    }
  } catch (err) {
    const { keptLogs } = await bed.stop({ failed: true });
    // The run dir is gone by now: point the log paths in the message at the kept copy.
    const message = errorMessage(err).replaceAll(runDir.path, keptLogs ?? runDir.path);
    throw new Error(`e2e test bed "${options.name}" failed to start: ${message}\n(logs kept in ${keptLogs})`, { cause: err });
  }
  return bed;
}
