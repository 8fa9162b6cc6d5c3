// One container of a pod: its process (restarted per restartPolicy with a doubling back-off), its
// log files, its readiness probe, and the containerStatus a kubelet reports for it.
import { join } from "node:path";
import type { V1Container, V1ContainerStatus } from "@kubernetes/client-node";
import { spawnProcess, type ManagedProcess, type ProcessExit } from "../processes.js";
import { createLogWriter, rfc3339Nano } from "./container-log.js";
import { runProbe } from "./probes.js";
import type { SandboxCommand } from "./sandbox.js";

/** Back-off after a container exits: 1 s doubling to 30 s (a real kubelet: 10 s to 5 min). */
export const BACKOFF_MS = { initial: 1_000, max: 30_000 } as const;

/** How a container starts and where it logs. */
export interface ContainerOptions {
  readonly spec: V1Container;
  readonly image: string;
  readonly podIp: string;
  /** Builds the command line of one start (the mount script is written fresh each time). */
  readonly command: () => SandboxCommand;
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** Folder of this container's log files: <restart count>.log. */
  readonly logDir: string;
  /** Always, OnFailure or Never (init containers: OnFailure or Never). */
  readonly restartPolicy: string;
  /** Called whenever what status() reports may have changed. */
  readonly onChange: () => void;
  /** The preStop hook, run by stop() before SIGTERM within the grace period. */
  readonly preStop?: (deadlineMs: number) => Promise<void>;
}

/** A running container. */
export interface Container {
  readonly name: string;
  /** The log file of the current (or last) start, and of the one before it. */
  logPath(previous: boolean): string | undefined;
  /** True once it has stopped for good (no restart coming). */
  finished(): boolean;
  /** The exit code of the last run, if it ended. */
  exitCode(): number | undefined;
  ready(): boolean;
  status(): V1ContainerStatus;
  /** SIGTERM, then SIGKILL after graceMs; no restarts afterwards. */
  stop(graceMs: number): Promise<void>;
}

interface Terminated {
  exitCode: number;
  signal?: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
}

/** Starts the container's first run now. */
export function startContainer(options: ContainerOptions): Container {
  const name = options.spec.name;
  let restarts = -1;
  let proc: ManagedProcess | undefined;
  let startedAt = "";
  let last: Terminated | undefined;
  let waiting: { reason: string; message?: string } | undefined = { reason: "ContainerCreating" };
  let stopped = false;
  let done = false;
  let ready = false;
  let backoffMs: number = BACKOFF_MS.initial;
  let timer: NodeJS.Timeout | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  const logPaths: string[] = [];

  const run = (): void => {
    if (stopped) return;
    restarts++;
    const logPath = join(options.logDir, `${restarts}.log`);
    logPaths.push(logPath);
    const { command, args } = options.command();
    proc = spawnProcess({ name: `container ${name}`, command, args, logPath, env: options.env, cwd: options.cwd, output: createLogWriter(logPath) });
    const current = proc;
    startedAt = rfc3339Nano(new Date());
    waiting = undefined;
    ready = options.spec.readinessProbe === undefined;
    if (options.spec.readinessProbe !== undefined) scheduleProbe(true);
    options.onChange();
    const runStarted = Date.now();
    void current.exited.then((exit) => onExit(exit, runStarted));
  };

  const onExit = (exit: ProcessExit, runStarted: number): void => {
    ready = false;
    clearTimeout(probeTimer);
    const code = exit.code ?? (exit.signal !== null ? 128 + signalNumber(exit.signal) : 128);
    last = {
      exitCode: code,
      reason: exit.error !== undefined ? "StartError" : code === 0 ? "Completed" : "Error",
      startedAt,
      finishedAt: rfc3339Nano(new Date()),
      ...(exit.signal !== null ? { signal: signalNumber(exit.signal) } : {}),
    };
    const restart = !stopped && (options.restartPolicy === "Always" || (options.restartPolicy === "OnFailure" && code !== 0));
    if (!restart) {
      done = true;
      options.onChange();
      return;
    }
    // A run that lasted a while resets the back-off, as a kubelet forgets old crashes.
    if (Date.now() - runStarted > 60_000) backoffMs = BACKOFF_MS.initial;
    waiting = { reason: "CrashLoopBackOff", message: `back-off ${Math.round(backoffMs / 1000)}s restarting failed container=${name}` };
    options.onChange();
    timer = setTimeout(run, backoffMs);
    backoffMs = Math.min(backoffMs * 2, BACKOFF_MS.max);
  };

  // Readiness: initialDelaySeconds, then every periodSeconds; successThreshold/failureThreshold in a row.
  let successes = 0;
  let failures = 0;
  const scheduleProbe = (first: boolean): void => {
    const probe = options.spec.readinessProbe;
    // Probes go on while the container terminates (preStop, grace period), as a kubelet's do: the
    // endpoint's `serving` condition follows them, and a load balancer keeps a draining last pod on it.
    if (probe === undefined || done) return;
    const delay = first ? (probe.initialDelaySeconds ?? 0) * 1000 : (probe.periodSeconds ?? 10) * 1000;
    const current = proc;
    probeTimer = setTimeout(() => {
      void runProbe(probe, options.spec, options.podIp).then((ok) => {
        if (done || proc !== current || current?.exitStatus() !== undefined) return;
        if (ok) {
          successes++;
          failures = 0;
          if (!ready && successes >= (probe.successThreshold ?? 1)) {
            ready = true;
            options.onChange();
          }
        } else {
          failures++;
          successes = 0;
          if (ready && failures >= (probe.failureThreshold ?? 3)) {
            ready = false;
            options.onChange();
          }
        }
        scheduleProbe(false);
      });
      // Until the first success, probe every second: a kubelet's period would slow every test by 10 s.
    }, first || ready ? delay : Math.min(delay, 1_000));
  };

  run();

  return {
    name,
    logPath: (previous) => logPaths[logPaths.length - (previous ? 2 : 1)],
    finished: () => done,
    exitCode: () => last?.exitCode,
    ready: () => ready,
    status() {
      const state =
        waiting !== undefined
          ? { waiting }
          : proc !== undefined && proc.exitStatus() === undefined
            ? { running: { startedAt } }
            : last !== undefined
              ? { terminated: last }
              : { waiting: { reason: "ContainerCreating" } };
      const lastState = waiting?.reason === "CrashLoopBackOff" || (state.running !== undefined && last !== undefined) ? { terminated: last } : {};
      return {
        name,
        image: options.image,
        imageID: `${options.image}@e2e-local`,
        containerID: `e2e://${proc?.pid ?? 0}`,
        ready,
        started: state.running !== undefined,
        restartCount: Math.max(restarts, 0),
        state,
        lastState,
      } as unknown as V1ContainerStatus;
    },
    async stop(graceMs) {
      stopped = true;
      clearTimeout(timer);
      if (proc !== undefined && proc.exitStatus() === undefined) {
        const began = Date.now();
        // The hook shares the grace period with SIGTERM; the process gets at least 2 s after it, as a kubelet gives.
        if (options.preStop !== undefined) await options.preStop(graceMs);
        if (proc.exitStatus() === undefined) await proc.stop(Math.max(graceMs - (Date.now() - began), 2_000));
      }
      clearTimeout(probeTimer);
      ready = false;
      done = true;
    },
  };
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGABRT: 6, SIGSEGV: 11 };
  return numbers[signal] ?? 0;
}
