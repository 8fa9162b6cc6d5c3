// A real Envoy started from a bootstrap object: admin on 127.0.0.1 (port chosen by Envoy and read
// back from --admin-address-path, so it cannot clash), no hot-restart shared memory, logs to a file.
import { readFileSync, writeFileSync } from "node:fs";
import { resolveTool } from "./tools.js";
import { createEnvoyAdmin, type EnvoyAdmin } from "./envoy-admin.js";
import { spawnProcess, type ManagedProcess } from "./processes.js";
import type { RunDir } from "./run-dir.js";
import { waitFor } from "./wait-for.js";

/** An Envoy bootstrap as JSON (the v3 Bootstrap proto in its JSON form). */
export type EnvoyBootstrap = Record<string, unknown>;

/** Options of startEnvoy. */
export interface EnvoyOptions {
  runDir: RunDir;
  bootstrap: EnvoyBootstrap;
  /** Names the log and bootstrap files; default "envoy". Give each Envoy of a bed its own. */
  name?: string;
  /** Path of the binary; default from ENVOY_BIN or .tools/tools.env. */
  binary?: string;
  /** --log-level; default "info". */
  logLevel?: string;
  /** --component-log-level, e.g. "upstream:debug,config:debug". */
  componentLogLevel?: string;
  /** Worker threads; default 1 (test machines are small). */
  concurrency?: number;
  /** "live" (default): wait until /ready says LIVE. "admin": only until the admin API answers, for an Envoy still waiting for xDS. */
  waitUntil?: "live" | "admin";
  /** Default 30 s. */
  startTimeoutMs?: number;
  extraArgs?: readonly string[];
}

/** A running Envoy. */
export interface Envoy {
  readonly name: string;
  /** http://127.0.0.1:<port> of the admin API. */
  readonly adminUrl: string;
  readonly admin: EnvoyAdmin;
  /** The bootstrap file Envoy was started with (admin filled in). */
  readonly bootstrapPath: string;
  readonly process: ManagedProcess;
  /** Milliseconds from spawn until the awaited state. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

/** Starts Envoy from `options.bootstrap` and resolves when it is LIVE (or its admin answers). */
export async function startEnvoy(options: EnvoyOptions): Promise<Envoy> {
  const binary = options.binary ?? resolveTool("envoy");
  const name = options.name ?? "envoy";
  const { runDir } = options;
  const bootstrapPath = runDir.file(`${name}-bootstrap.json`);
  const adminAddressPath = runDir.file(`${name}-admin-address.txt`);
  writeFileSync(bootstrapPath, JSON.stringify(withAdmin(options.bootstrap), null, 2));

  const started = Date.now();
  const proc = spawnProcess({
    name,
    command: binary,
    logPath: runDir.file(`${name}.log`),
    args: [
      "-c",
      bootstrapPath,
      "--admin-address-path",
      adminAddressPath,
      // Hot restart is unused here and its shared memory would need a unique --base-id per
      // instance on a machine where other people run Envoys too.
      "--disable-hot-restart",
      "--concurrency",
      String(options.concurrency ?? 1),
      "--log-level",
      options.logLevel ?? "info",
      ...(options.componentLogLevel !== undefined ? ["--component-log-level", options.componentLogLevel] : []),
      ...(options.extraArgs ?? []),
    ],
  });
  try {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const adminUrl = await waitFor(() => readAdminUrl(adminAddressPath), {
      timeoutMs,
      intervalMs: 50,
      description: `${name} to write its admin address to ${adminAddressPath} (log: ${proc.logPath})`,
      bail: () => proc.exitError(),
    });
    const admin = createEnvoyAdmin(adminUrl);
    if ((options.waitUntil ?? "live") === "live") {
      await admin.waitForState("LIVE", { timeoutMs, intervalMs: 50, bail: () => proc.exitError() });
    } else {
      await waitFor(() => admin.serverState(), { timeoutMs, intervalMs: 50, description: `${name}'s admin API to answer`, bail: () => proc.exitError() });
    }
    return {
      name,
      adminUrl,
      admin,
      bootstrapPath,
      process: proc,
      startupMs: Date.now() - started,
      async stop() {
        await proc.stop();
      },
    };
  } catch (err) {
    await proc.stop(1_000);
    throw err;
  }
}

// The caller's admin block is kept (an address is needed either way); port 0 lets Envoy pick one.
function withAdmin(bootstrap: EnvoyBootstrap): EnvoyBootstrap {
  if (bootstrap["admin"] !== undefined) return bootstrap;
  return { ...bootstrap, admin: { address: { socket_address: { address: "127.0.0.1", port_value: 0 } } } };
}

function readAdminUrl(path: string): string | undefined {
  try {
    const address = readFileSync(path, "utf8").trim();
    return /^[\d.]+:\d+$/.test(address) ? `http://${address}` : undefined;
  } catch {
    return undefined;
  }
}
