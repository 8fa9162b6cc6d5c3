// One pod on the bed's node, from its network namespace to its deletion: volumes, init containers in
// order, then the containers; the Pod status a kubelet writes (phase, IPs, conditions, container
// statuses); graceful termination (SIGTERM, grace period, SIGKILL), the namespace removed, and the
// Pod deleted with a UID precondition.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { V1Container, V1ContainerStatus, V1Pod, V1PodCondition } from "@kubernetes/client-node";
import { createPodNetwork, ipBinary, type PodNetwork } from "../pod-network.js";
import { errorMessage } from "../wait-for.js";
import { ApiError, type ApiClient } from "./api.js";
import { startContainer, type Container } from "./container.js";
import { rfc3339Nano } from "./container-log.js";
import { findImage, type ImageEntry } from "./images.js";
import { preStopHook } from "./lifecycle.js";
import { ConfigError, containerEnv, expandVars, materialiseVolumes, objectReader, tokenRequester } from "./pod-config.js";
import { sandboxCommand, type Mount } from "./sandbox.js";

/** What a pod worker needs from its kubelet. */
export interface PodWorkerContext {
  readonly api: ApiClient;
  readonly nodeName: string;
  readonly hostIp: string;
  readonly images: readonly ImageEntry[];
  /** The folder for this pod's files (volumes, logs, mount scripts). */
  readonly dir: string;
  /** Reports a problem worth a line in the kubelet's log. */
  readonly log: (line: string) => void;
  /** KUBERNETES_SERVICE_HOST/PORT for in-cluster clients. */
  readonly apiserverFromPods?: { host: string; port: number };
  /** The resolv.conf for a pod of a namespace (cluster DNS), bind-mounted at /etc/resolv.conf. */
  readonly resolvConf?: (namespace: string) => string;
}

/** A pod being run. */
export interface PodWorker {
  readonly uid: string;
  /** The container's log file (current or previous start), for pods/log. */
  logPath(container: string, previous: boolean): string | undefined;
  /** Whether the container is still running (a follow=true log stream ends when it is not). */
  running(container: string): boolean;
  /** The pod's network namespace (name and address) while it has one. */
  network(): { name: string; podIp: string } | undefined;
  /** The API object changed (e.g. deletionTimestamp set). */
  update(pod: V1Pod): void;
  /** Stops every container (SIGKILL after graceMs, default 0) and removes the namespace; writes nothing more. */
  kill(graceMs?: number): Promise<void>;
}

type Phase = "Pending" | "Running" | "Succeeded" | "Failed";

/** Starts running `pod`. */
export function startPodWorker(ctx: PodWorkerContext, initial: V1Pod): PodWorker {
  let pod = initial;
  const uid = pod.metadata?.uid ?? "";
  const namespace = pod.metadata?.namespace ?? "";
  const name = pod.metadata?.name ?? "";
  const where = `pod ${namespace}/${name}`;
  const startTime = rfc3339Nano(new Date());
  const restartPolicy = pod.spec?.restartPolicy ?? "Always";
  let network: PodNetwork | undefined;
  const init = new Map<string, Container>();
  const main = new Map<string, Container>();
  // Waiting states of containers that could not start (unknown image, missing Secret...).
  const blocked = new Map<string, { reason: string; message: string }>();
  let terminating: Promise<void> | undefined;
  let killed = false;
  let written = "";
  let writing = false;
  let writeAgain = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const containerStatus = (c: V1Container, running: Map<string, Container>): V1ContainerStatus => {
    const started = running.get(c.name);
    if (started !== undefined) return started.status();
    const waiting = blocked.get(c.name) ?? { reason: network === undefined ? "ContainerCreating" : "PodInitializing" };
    return { name: c.name, image: c.image ?? "", imageID: "", ready: false, restartCount: 0, started: false, state: { waiting } } as V1ContainerStatus;
  };

  const phase = (): Phase => {
    const containers = pod.spec?.containers ?? [];
    const all = containers.map((c) => main.get(c.name));
    if (all.some((c) => c === undefined)) {
      const failedInit = [...init.values()].some((c) => c.finished() && c.exitCode() !== 0);
      return failedInit ? "Failed" : "Pending";
    }
    const started = all as Container[];
    if (started.every((c) => c.finished())) return started.every((c) => c.exitCode() === 0) ? "Succeeded" : "Failed";
    return "Running";
  };

  const status = (): Record<string, unknown> => {
    const now = rfc3339Nano(new Date());
    const containers = pod.spec?.containers ?? [];
    const initContainers = pod.spec?.initContainers ?? [];
    const initDone = initContainers.every((c) => init.get(c.name)?.finished() === true && init.get(c.name)?.exitCode() === 0);
    const allReady = containers.length > 0 && containers.every((c) => main.get(c.name)?.ready() === true);
    const current = phase();
    const condition = (type: string, ok: boolean, reason?: string): V1PodCondition =>
      ({ type, status: ok ? "True" : "False", lastProbeTime: null, lastTransitionTime: previousTransition(type, ok) ?? now, ...(reason !== undefined && !ok ? { reason } : {}) }) as unknown as V1PodCondition;
    const terminal = current === "Succeeded" || current === "Failed";
    return {
      phase: current,
      hostIP: ctx.hostIp,
      hostIPs: [{ ip: ctx.hostIp }],
      ...(network !== undefined ? { podIP: network.podIp, podIPs: [{ ip: network.podIp }] } : {}),
      startTime,
      conditions: [
        condition("PodReadyToStartContainers", network !== undefined),
        condition("Initialized", initDone, "ContainersNotInitialized"),
        condition("Ready", allReady && !terminal, terminal ? "PodCompleted" : "ContainersNotReady"),
        condition("ContainersReady", allReady && !terminal, terminal ? "PodCompleted" : "ContainersNotReady"),
        condition("PodScheduled", true),
      ],
      ...(initContainers.length > 0 ? { initContainerStatuses: initContainers.map((c) => containerStatus(c, init)) } : {}),
      containerStatuses: containers.map((c) => containerStatus(c, main)),
    };
  };

  const previousTransition = (type: string, ok: boolean): string | undefined => {
    const old = (pod.status?.conditions ?? []).find((c) => c.type === type);
    return old !== undefined && old.status === (ok ? "True" : "False") ? (old.lastTransitionTime as unknown as string | undefined) : undefined;
  };

  // One status write at a time; a change during a write triggers one more. Unchanged status is not written.
  const writeStatus = async (): Promise<void> => {
    if (killed) return;
    if (writing) {
      writeAgain = true;
      return;
    }
    writing = true;
    let retried = false;
    try {
      do {
        writeAgain = false;
        const next = status();
        const text = JSON.stringify(next);
        if (text === written) continue;
        try {
          const updated = await ctx.api.request<V1Pod>("PATCH", `/api/v1/namespaces/${namespace}/pods/${name}/status`, {
            metadata: { uid },
            status: next,
          });
          pod = { ...updated, spec: pod.spec };
          written = text;
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) return;
          // A 409 (a UID precondition: the pod was replaced) ends the writes; any other failure is logged and,
          // as the status it carried is then never written, tried again once shortly (a Ready lost here kept
          // a pod out of its Service for good).
          if (err instanceof ApiError && err.status === 409 && /precondition/i.test(err.message)) return;
          ctx.log(`${where}: writing status failed: ${errorMessage(err)}`);
          if (!retried) {
            retried = true;
            await new Promise((r) => setTimeout(r, 200));
            writeAgain = true;
          }
        }
      } while (writeAgain && !killed);
    } finally {
      writing = false;
    }
    if (phase() === "Succeeded" || phase() === "Failed") releaseNetwork();
  };
  const changed = (): void => void writeStatus();

  const releaseNetwork = (): void => {
    // The pod keeps its IP in status, as a kubelet's does after its sandbox is gone.
    if ([...main.values(), ...init.values()].every((c) => c.finished())) network?.remove();
  };

  // dnsPolicy ClusterFirst (the default; ClusterFirstWithHostNet too, as the bed has no host network): the cluster DNS.
  const resolvConfFile = (): string | undefined => {
    const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
    if (ctx.resolvConf === undefined || policy === "Default" || policy === "None") return undefined;
    const file = join(ctx.dir, "resolv.conf");
    writeFileSync(file, ctx.resolvConf(namespace));
    return file;
  };

  const startOne = async (c: V1Container, into: Map<string, Container>, policy: string, read: ReturnType<typeof objectReader>, volumes: Map<string, string>): Promise<Container | undefined> => {
    const image = c.image ?? "";
    const entry = findImage(ctx.images, image);
    if (entry === undefined) {
      blocked.set(c.name, { reason: "ErrImagePull", message: `image ${image} is not in the e2e kubelet's image map (e2e/harness/kubelet/images.ts)` });
      changed();
      return undefined;
    }
    try {
      const fields = { podIP: network!.podIp, hostIP: ctx.hostIp };
      const env = await containerEnv(pod, c, fields, read);
      const expanded = { command: c.command?.map((a) => expandVars(a, env)), args: c.args?.map((a) => expandVars(a, env)) };
      const program = entry.launch({ image, ...(expanded.command !== undefined ? { command: expanded.command } : {}), ...(expanded.args !== undefined ? { args: expanded.args } : {}) });
      const mounts: Mount[] = (c.volumeMounts ?? []).map((m) => {
        const source = volumes.get(m.name);
        if (source === undefined) throw new ConfigError("CreateContainerConfigError", `volumeMount ${m.name}: no volume of that name`);
        return { source: m.subPath !== undefined && m.subPath !== "" ? join(source, m.subPath) : source, target: m.mountPath, readOnly: m.readOnly === true };
      });
      const resolv = resolvConfFile();
      if (resolv !== undefined) mounts.push({ source: resolv, target: "/etc/resolv.conf", readOnly: true });
      const containerDir = join(ctx.dir, "containers", c.name);
      const logDir = join(containerDir, "logs");
      mkdirSync(logDir, { recursive: true });
      const ip = ipBinary();
      blocked.delete(c.name);
      const fullEnv = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOSTNAME: name, HOME: "/root", ...serviceEnv(ctx.apiserverFromPods), ...env };
      const cwd = c.workingDir ?? "/";
      const preStop = preStopHook(
        {
          spec: c,
          image,
          entry,
          podIp: network!.podIp,
          sandbox: (command, args) => sandboxCommand(ip, network!.name, join(containerDir, "prestop"), mounts, command, args, name),
          env: fullEnv,
          cwd,
          logPath: join(logDir, "prestop.log"),
        },
        (line) => ctx.log(`${where}: ${line}`),
      );
      const started = startContainer({
        spec: c,
        image,
        podIp: network!.podIp,
        command: () => sandboxCommand(ip, network!.name, containerDir, mounts, program.command, program.args, name),
        env: fullEnv,
        cwd,
        logDir,
        restartPolicy: policy,
        onChange: changed,
        ...(preStop !== undefined ? { preStop } : {}),
      });
      into.set(c.name, started);
      return started;
    } catch (err) {
      const reason = err instanceof ConfigError ? err.reason : "CreateContainerError";
      blocked.set(c.name, { reason, message: errorMessage(err) });
      changed();
      return undefined;
    }
  };

  // Containers that could not start are retried, as a kubelet retries a missing Secret or a pull.
  const start = async (): Promise<void> => {
    if (terminating !== undefined || killed) return;
    try {
      network ??= createPodNetwork();
    } catch (err) {
      ctx.log(`${where}: pod network failed: ${errorMessage(err)}`);
      retryTimer = setTimeout(() => void start(), 2_000);
      return;
    }
    const read = objectReader(ctx.api, namespace);
    let volumes: Map<string, string>;
    try {
      volumes = await materialiseVolumes(pod, join(ctx.dir, "volumes"), { podIP: network.podIp, hostIP: ctx.hostIp }, read, tokenRequester(ctx.api, pod));
    } catch (err) {
      const reason = err instanceof ConfigError ? err.reason : "CreateContainerConfigError";
      for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) blocked.set(c.name, { reason, message: errorMessage(err) });
      changed();
      retryTimer = setTimeout(() => void start(), 2_000);
      return;
    }
    for (const c of pod.spec?.initContainers ?? []) {
      let running = init.get(c.name);
      if (running === undefined) running = await startOne(c, init, restartPolicy === "Always" ? "OnFailure" : restartPolicy, read, volumes);
      if (running === undefined) {
        retryTimer = setTimeout(() => void start(), 2_000);
        return;
      }
      while (!running.finished()) {
        await new Promise((r) => setTimeout(r, 100));
        if (terminating !== undefined || killed) return;
      }
      if (running.exitCode() !== 0) {
        changed();
        return;
      }
    }
    let missing = false;
    for (const c of pod.spec?.containers ?? []) {
      if (main.has(c.name)) continue;
      if ((await startOne(c, main, restartPolicy, read, volumes)) === undefined) missing = true;
    }
    changed();
    if (missing && terminating === undefined) retryTimer = setTimeout(() => void start(), 2_000);
  };

  const stopAll = async (graceMs: number): Promise<void> => {
    clearTimeout(retryTimer);
    await Promise.all([...main.values(), ...init.values()].map((c) => c.stop(graceMs)));
    network?.remove();
  };

  const terminate = async (graceSeconds: number): Promise<void> => {
    await stopAll(graceSeconds * 1000);
    try {
      await ctx.api.request("DELETE", `/api/v1/namespaces/${namespace}/pods/${name}`, { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 404 || err.status === 409))) ctx.log(`${where}: final delete failed: ${errorMessage(err)}`);
    }
  };

  void start();

  return {
    uid,
    logPath: (container, previous) => (main.get(container) ?? init.get(container))?.logPath(previous),
    network: () => (network === undefined ? undefined : { name: network.name, podIp: network.podIp }),
    running: (container) => {
      const c = main.get(container) ?? init.get(container);
      return c !== undefined && !c.finished();
    },
    update(next) {
      pod = { ...next, spec: pod.spec };
      const deleting = next.metadata?.deletionTimestamp !== undefined && next.metadata?.deletionTimestamp !== null;
      if (deleting && terminating === undefined) {
        const grace = next.metadata?.deletionGracePeriodSeconds ?? next.spec?.terminationGracePeriodSeconds ?? 30;
        terminating = terminate(grace);
      }
    },
    async kill(graceMs = 0) {
      killed = true;
      await stopAll(graceMs);
    },
  };
}

// What a kubelet puts in every container for the "kubernetes" Service (here: the relay on the node address).
function serviceEnv(target: { host: string; port: number } | undefined): Record<string, string> {
  if (target === undefined) return {};
  const port = String(target.port);
  return {
    KUBERNETES_SERVICE_HOST: target.host,
    KUBERNETES_SERVICE_PORT: port,
    KUBERNETES_SERVICE_PORT_HTTPS: port,
    KUBERNETES_PORT: `tcp://${target.host}:${port}`,
    KUBERNETES_PORT_443_TCP: `tcp://${target.host}:${port}`,
    KUBERNETES_PORT_443_TCP_PROTO: "tcp",
    KUBERNETES_PORT_443_TCP_PORT: port,
    KUBERNETES_PORT_443_TCP_ADDR: target.host,
  };
}
