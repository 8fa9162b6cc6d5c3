// Child processes of the test bed: each one logged to a file, tracked, and killed when the bed stops,
// when the test process exits, or when it is interrupted, so no etcd/apiserver/Envoy outlives a run.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";

/** How to start one tracked process. */
export interface SpawnOptions {
  /** Short name used in errors, e.g. "etcd". */
  name: string;
  /** Absolute path of the executable. */
  command: string;
  args: readonly string[];
  /** File receiving both stdout and stderr (appended to). */
  logPath: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Receives stdout and stderr instead of logPath (the caller writes the log, e.g. with timestamps). */
  output?: (stream: "stdout" | "stderr", chunk: Buffer) => void;
}

/** How a process ended: an exit code, a signal, or a spawn error. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
  /** The test ended it (stop() or kill()), so it did not die on its own. */
  intended?: boolean;
}

/** A running (or finished) child process of the test bed. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly logPath: string;
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<ProcessExit>;
  /** How it ended, or undefined while it runs. */
  exitStatus(): ProcessExit | undefined;
  /** An error describing the exit plus the log's last lines, or undefined while it runs. */
  exitError(): Error | undefined;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves once it is gone. */
  stop(graceMs?: number): Promise<ProcessExit>;
  /** Sends a signal (e.g. SIGKILL to simulate a crash) and resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<ProcessExit>;
}

const live = new Set<ChildProcess>();
const interruptCleanups = new Set<() => void>();
let handlersInstalled = false;

// PR_SET_PDEATHSIG via setpriv makes the kernel kill our children even if this process is SIGKILLed,
// the one case no handler in here can cover. Optional: without setpriv the handlers below still apply.
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));

/** Starts a tracked process whose output goes to `options.logPath`. */
export function spawnProcess(options: SpawnOptions): ManagedProcess {
  installHandlers();
  const logFd = options.output === undefined ? openSync(options.logPath, "a") : undefined;
  const [command, args] =
    SETPRIV === undefined
      ? [options.command, [...options.args]]
      : [SETPRIV, ["--pdeathsig", "SIGKILL", "--", options.command, ...options.args]];
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      stdio: logFd === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", logFd, logFd],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
  } finally {
    // The child holds its own copy of the descriptor.
    if (logFd !== undefined) closeSync(logFd);
  }
  const output = options.output;
  if (output !== undefined) {
    child.stdout?.on("data", (chunk: Buffer) => output("stdout", chunk));
    child.stderr?.on("data", (chunk: Buffer) => output("stderr", chunk));
  }
  live.add(child);
  let status: ProcessExit | undefined;
  let intended = false;
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once("error", (error) => {
      live.delete(child);
      status ??= { code: null, signal: null, error };
      resolveExit(status);
    });
    child.once("exit", (code, signal) => {
      live.delete(child);
      status ??= { code, signal, ...(intended ? { intended } : {}) };
      resolveExit(status);
    });
  });

  return {
    name: options.name,
    pid: child.pid,
    logPath: options.logPath,
    exited,
    exitStatus: () => status,
    exitError: () => (status === undefined ? undefined : describeExit(options.name, status, options.logPath)),
    async kill(signal) {
      if (status !== undefined) return status;
      intended = true;
      child.kill(signal);
      return exited;
    },
    async stop(graceMs = 5_000) {
      if (status !== undefined) return status;
      intended = true;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Registers a synchronous cleanup (e.g. removing a temp dir) to run if the test process is
 * interrupted by a signal; returns a function that unregisters it.
 */
export function onInterrupt(cleanup: () => void): () => void {
  installHandlers();
  interruptCleanups.add(cleanup);
  return () => interruptCleanups.delete(cleanup);
}

/** The number of child processes still running: 0 after every bed has stopped. */
export function liveProcessCount(): number {
  return live.size;
}

/** The last `lines` lines of a log file ("" if unreadable). */
export function tailFile(path: string, lines = 20): string {
  try {
    const text = readFileSync(path, "utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function describeExit(name: string, status: ProcessExit, logPath: string): Error {
  const how =
    status.error !== undefined
      ? `failed to start: ${status.error.message}`
      : status.signal !== null
        ? `was killed by ${status.signal}`
        : `exited with code ${status.code}`;
  const tail = tailFile(logPath);
  return new Error(`${name} ${how} (log: ${logPath})${tail === "" ? "" : `\n--- last lines of ${name}'s log ---\n${tail}`}`);
}

function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous: a last resort for a bed that was never stopped.
  process.on("exit", killAllNow);
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const s of signals) process.removeListener(s, onSignal);
    killAllNow();
    for (const cleanup of interruptCleanups) {
      try {
        cleanup();
      } catch {
        // Best effort: the process is going away.
      }
    }
    // Re-raise so the default action (or mocha's own handler) ends the process as it would have.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  for (const s of signals) process.on(s, onSignal);
}
