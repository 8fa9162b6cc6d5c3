// preStop hooks as a kubelet runs them before it sends SIGTERM: `exec` runs the hook's command through
// the image map in the container's own sandbox (network namespace, mounts, environment), `httpGet` asks
// the pod's address. Either is bounded by the grace period; its failure is logged, never fatal, and the
// container is stopped afterwards in any case (as in Kubernetes).
import { request } from "node:http";
import type { V1Container } from "@kubernetes/client-node";
import { spawnProcess } from "../processes.js";
import type { ImageEntry } from "./images.js";
import { probePort } from "./probes.js";
import type { SandboxCommand } from "./sandbox.js";

/** What a preStop exec needs: how the container's command line is wrapped, and its environment. */
export interface HookContext {
  readonly spec: V1Container;
  readonly image: string;
  readonly entry: ImageEntry;
  readonly podIp: string;
  /** Wraps a program in the container's sandbox (a mount script of its own in `scriptDir`). */
  readonly sandbox: (command: string, args: readonly string[]) => SandboxCommand;
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** File the hook's output goes to. */
  readonly logPath: string;
}

/** The container's preStop hook as a function bounded by a deadline, or undefined if it has none. */
export function preStopHook(ctx: HookContext, log: (line: string) => void): ((deadlineMs: number) => Promise<void>) | undefined {
  const hook = ctx.spec.lifecycle?.preStop;
  if (hook === undefined) return undefined;
  const what = `preStop of container ${ctx.spec.name}`;
  if (hook.exec?.command !== undefined && hook.exec.command.length > 0) {
    const argv = hook.exec.command;
    return async (deadlineMs) => {
      let program;
      try {
        program = ctx.entry.launch({ image: ctx.image, command: argv });
      } catch (err) {
        log(`${what}: ${String(err)}`);
        return;
      }
      const { command, args } = ctx.sandbox(program.command, program.args);
      const proc = spawnProcess({ name: `prestop ${ctx.spec.name}`, command, args, logPath: ctx.logPath, env: ctx.env, cwd: ctx.cwd });
      const timer = setTimeout(() => void proc.kill("SIGKILL"), Math.max(deadlineMs, 0));
      const exit = await proc.exited;
      clearTimeout(timer);
      if (exit.code !== 0) log(`${what}: ${argv.join(" ")} exited ${exit.code ?? exit.signal} (output: ${ctx.logPath})`);
    };
  }
  if (hook.httpGet !== undefined) {
    const get = hook.httpGet;
    return async (deadlineMs) => {
      const port = probePort(ctx.spec, get.port as number | string);
      if (port === undefined) {
        log(`${what}: port ${String(get.port)} is not a port of the container`);
        return;
      }
      const host = get.host ?? ctx.podIp;
      await new Promise<void>((resolve) => {
        const req = request({ host, port, path: get.path ?? "/", method: "GET", timeout: Math.max(deadlineMs, 1) }, (res) => {
          res.resume();
          res.on("end", resolve);
          if ((res.statusCode ?? 0) >= 400) log(`${what}: GET ${host}:${port}${get.path ?? "/"} answered ${res.statusCode}`);
        });
        req.on("timeout", () => req.destroy(new Error("deadline")));
        req.on("error", (err) => {
          log(`${what}: GET ${host}:${port}${get.path ?? "/"} failed: ${err.message}`);
          resolve();
        });
        req.end();
      });
    };
  }
  log(`${what}: only exec and httpGet hooks are run by the e2e kubelet`);
  return undefined;
}
