// `contour envoy shutdown-manager` and `contour envoy shutdown`, with upstream Contour v1.33's flags.
import { isIP } from "node:net";
import { parseDuration } from "../config/duration.js";
import { startShutdownManager, runShutdown, type AdminTarget } from "../envoy/index.js";
import { createLogger, type Logger } from "../log.js";
import { parseCommandFlags, type FlagSpec } from "./flags.js";

/** Upstream's defaults: the emptyDir both containers mount at /admin. */
export const SHUTDOWN_DEFAULTS = { readyFile: "/admin/ok", adminSocket: "/admin/admin.sock", servePort: 8090, checkInterval: "5s" } as const;

const MANAGER_FLAGS = {
  "ready-file": { type: "string" },
  "serve-port": { type: "string" },
  "serve-address": { type: "string" },
  "log-format": { type: "string" },
} as const satisfies Record<string, FlagSpec>;

const SHUTDOWN_FLAGS = {
  "admin-address": { type: "string" },
  "admin-port": { type: "string" },
  "check-delay": { type: "string" },
  "check-interval": { type: "string" },
  "drain-delay": { type: "string" },
  "drain-timeout": { type: "string" },
  "min-open-connections": { type: "string" },
  "ready-file": { type: "string" },
  "log-format": { type: "string" },
} as const satisfies Record<string, FlagSpec>;

const USAGE = `usage: contour envoy <shutdown-manager|shutdown> [flags]

  shutdown-manager   serve /healthz and /shutdown; /shutdown answers once the ready file exists
      --serve-port PORT        (default ${SHUTDOWN_DEFAULTS.servePort})
      --serve-address IP       (default: all interfaces)
      --ready-file PATH        (default ${SHUTDOWN_DEFAULTS.readyFile})
  shutdown           fail Envoy's health checks, wait for its connections to drain, then write the ready file
      --admin-address PATH|IP  Envoy's admin socket (default ${SHUTDOWN_DEFAULTS.adminSocket}), or an IP with --admin-port
      --admin-port PORT        admin port when --admin-address is an IP (upstream: deprecated)
      --drain-delay DURATION   wait before failing health checks (default 0s)
      --check-delay DURATION   wait before the first poll (default 0s)
      --check-interval DURATION  time between polls (default ${SHUTDOWN_DEFAULTS.checkInterval})
      --min-open-connections N done at this many open connections or fewer (default 0)
      --drain-timeout DURATION signal done after this long even with connections open (default 0s: no limit,
                               the pod's terminationGracePeriodSeconds bounds it, as upstream)
      --ready-file PATH        (default ${SHUTDOWN_DEFAULTS.readyFile})
  both: --log-format text|json (default text)
`;

/** The `contour envoy` command. */
export async function envoy(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    process.stdout.write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub === "shutdown-manager") return shutdownManager(rest);
  if (sub === "shutdown") return shutdown(rest);
  process.stderr.write(`contour envoy: unknown subcommand "${sub}"\n\n${USAGE}`);
  return 2;
}

type Values = Record<string, string | boolean | string[] | undefined>;
const str = (values: Values, name: string): string | undefined => (typeof values[name] === "string" ? (values[name] as string) : undefined);

function usageErrors(command: string, errors: readonly string[]): number {
  for (const e of errors) process.stderr.write(`contour envoy ${command}: ${e}\n`);
  process.stderr.write(`Run 'contour envoy --help' for its flags.\n`);
  return 2;
}

function logger(values: Values, errors: string[], component: string): Logger {
  const format = str(values, "log-format") ?? "text";
  if (format !== "text" && format !== "json") errors.push(`--log-format must be text or json, not "${format}"`);
  return createLogger({ level: "info", format: format === "json" ? "json" : "text" }).child({ context: component });
}

/** The usage errors of `contour envoy <args>`, without running anything (for manifest checks). */
export function envoyArgsErrors(args: readonly string[]): string[] {
  const [sub, ...rest] = args;
  if (sub !== "shutdown-manager" && sub !== "shutdown") return [`unknown subcommand "${sub ?? ""}"`];
  const parsed = parseCommandFlags(rest, sub === "shutdown" ? SHUTDOWN_FLAGS : MANAGER_FLAGS);
  const errors = [...parsed.errors, ...parsed.positionals.map((p) => `unexpected argument "${p}"`)];
  if (sub === "shutdown-manager") count(errors, "--serve-port", str(parsed.values, "serve-port"), SHUTDOWN_DEFAULTS.servePort, 65535);
  else {
    for (const flag of ["check-delay", "check-interval", "drain-delay", "drain-timeout"]) {
      const text = str(parsed.values, flag);
      if (text !== undefined && parseDuration(text) === undefined) errors.push(`--${flag} must be a duration such as "5s", not "${text}"`);
    }
    adminTarget(errors, str(parsed.values, "admin-address"), str(parsed.values, "admin-port"));
    count(errors, "--min-open-connections", str(parsed.values, "min-open-connections"), 0, Number.MAX_SAFE_INTEGER, true);
  }
  return errors;
}

async function shutdownManager(args: readonly string[]): Promise<number> {
  const { values, positionals, errors } = parseCommandFlags(args, MANAGER_FLAGS);
  if (values["help"] === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  errors.push(...positionals.map((p) => `unexpected argument "${p}"`));
  const port = count(errors, "--serve-port", str(values, "serve-port"), SHUTDOWN_DEFAULTS.servePort, 65535);
  const log = logger(values, errors, "shutdown-manager");
  if (errors.length > 0) return usageErrors("shutdown-manager", errors);
  const manager = await startShutdownManager({ port, address: str(values, "serve-address"), readyFile: str(values, "ready-file") ?? SHUTDOWN_DEFAULTS.readyFile, log });
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  log.info({ signal }, "stopped");
  await manager.close();
  return 0;
}

async function shutdown(args: readonly string[]): Promise<number> {
  const { values, positionals, errors } = parseCommandFlags(args, SHUTDOWN_FLAGS);
  if (values["help"] === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  errors.push(...positionals.map((p) => `unexpected argument "${p}"`));
  const duration = (flag: string, fallback: string): number => {
    const text = str(values, flag) ?? fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms < 0) errors.push(`--${flag} must be a duration such as "5s", not "${text}"`);
    return ms ?? 0;
  };
  const checkIntervalMs = duration("check-interval", SHUTDOWN_DEFAULTS.checkInterval);
  if (checkIntervalMs === 0) errors.push("--check-interval must be longer than 0s");
  const options = {
    admin: adminTarget(errors, str(values, "admin-address"), str(values, "admin-port")),
    drainDelayMs: duration("drain-delay", "0s"),
    checkDelayMs: duration("check-delay", "0s"),
    checkIntervalMs,
    drainTimeoutMs: duration("drain-timeout", "0s"),
    minOpenConnections: count(errors, "--min-open-connections", str(values, "min-open-connections"), 0, Number.MAX_SAFE_INTEGER, true),
    readyFile: str(values, "ready-file") ?? SHUTDOWN_DEFAULTS.readyFile,
    log: logger(values, errors, "shutdown"),
  };
  if (errors.length > 0) return usageErrors("shutdown", errors);
  try {
    await runShutdown(options);
    return 0;
  } catch (err) {
    options.log.error({ err }, "shutdown failed");
    return 1;
  }
}

function adminTarget(errors: string[], address: string | undefined, portText: string | undefined): AdminTarget {
  const where = address ?? SHUTDOWN_DEFAULTS.adminSocket;
  if (isIP(where) !== 0) return { host: where, port: count(errors, "--admin-port", portText, 9001, 65535) };
  // A lone --admin-port (deprecated upstream, ignored there) is our TCP admin on 127.0.0.1.
  if (address === undefined && portText !== undefined) return { host: "127.0.0.1", port: count(errors, "--admin-port", portText, 9001, 65535) };
  return { socketPath: where };
}

function count(errors: string[], flag: string, text: string | undefined, fallback: number, max: number, zeroAllowed = false): number {
  if (text === undefined) return fallback;
  const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (n <= max && (n >= 1 || (zeroAllowed && n === 0))) return n;
  errors.push(`${flag} must be a whole number${zeroAllowed ? "" : " above 0"}, not "${text}"`);
  return fallback;
}
