// `contour envoy shutdown` (the Envoy container's preStop, via the shutdown manager): fail Envoy's
// health checks so that load balancers stop sending new traffic and Envoy closes connections after
// their current request, wait until the open connections are down to a minimum (or a deadline), then
// write the ready file that lets the shutdown manager's /shutdown return and the pod terminate.
import { writeFile } from "node:fs/promises";
import type { Logger } from "../log.js";
import { adminRequest, describeTarget, type AdminTarget } from "./admin-client.js";
import { OPEN_CONNECTIONS_STATS_PATH, parseOpenConnections } from "./open-connections.js";

/** Options of runShutdown; durations in milliseconds. */
export interface ShutdownOptions {
  readonly admin: AdminTarget;
  /** Wait before failing health checks (upstream's --drain-delay). */
  readonly drainDelayMs: number;
  /** Wait after failing health checks before the first poll (--check-delay). */
  readonly checkDelayMs: number;
  /** Time between polls of the open connections (--check-interval). */
  readonly checkIntervalMs: number;
  /** Done when at most this many connections are open (--min-open-connections). */
  readonly minOpenConnections: number;
  /** Give up waiting after this long and signal done anyway; 0: wait for as long as the pod's grace period lasts. */
  readonly drainTimeoutMs: number;
  /** File written when done (--ready-file). */
  readonly readyFile: string;
  readonly log: Logger;
  /** For tests; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** For tests; default Date.now. */
  readonly now?: () => number;
}

/** How the drain ended. */
export type ShutdownOutcome = { readonly kind: "drained"; readonly openConnections: number } | { readonly kind: "deadline"; readonly openConnections: number | undefined };

// Upstream retries the health-check fail 4 times, 200 ms growing 5x: Envoy may still be starting.
const FAIL_ATTEMPTS = 4;
const FAIL_FIRST_BACKOFF_MS = 200;

/** Runs the shutdown sequence; resolves once the ready file is written. */
export async function runShutdown(options: ShutdownOptions): Promise<ShutdownOutcome> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const { log, admin } = options;
  log.info({ drainDelayMs: options.drainDelayMs }, "waiting before draining connections");
  await sleep(options.drainDelayMs);
  await failHealthChecks(admin, log, sleep);
  const started = now();
  log.info({ checkDelayMs: options.checkDelayMs }, "waiting before polling for open connections");
  await sleep(options.checkDelayMs);
  let last: number | undefined;
  for (;;) {
    const open = await countOpenConnections(admin);
    if (open instanceof Error) {
      log.error({ err: open, admin: describeTarget(admin) }, "cannot read Envoy's open connections");
    } else {
      last = open;
      const fields = { openConnections: open, minOpenConnections: options.minOpenConnections };
      if (open <= options.minOpenConnections) {
        log.info(fields, "min number of open connections found, shutting down");
        await writeFile(options.readyFile, "");
        return { kind: "drained", openConnections: open };
      }
      log.info(fields, "polled open connections");
    }
    if (options.drainTimeoutMs > 0 && now() - started + options.checkIntervalMs > options.drainTimeoutMs) {
      log.warn({ openConnections: last, drainTimeoutMs: options.drainTimeoutMs }, "drain timeout reached with connections still open; shutting down");
      await writeFile(options.readyFile, "");
      return { kind: "deadline", openConnections: last };
    }
    await sleep(options.checkIntervalMs);
  }
}

async function failHealthChecks(admin: AdminTarget, log: Logger, sleep: (ms: number) => Promise<void>): Promise<void> {
  let backoff = FAIL_FIRST_BACKOFF_MS;
  for (let attempt = 1; attempt <= FAIL_ATTEMPTS; attempt++) {
    log.info({ attempt }, "failing Envoy's health checks");
    try {
      const res = await adminRequest(admin, "POST", "/healthcheck/fail");
      if (res.status === 200) return;
      log.warn({ status: res.status, attempt }, "POST /healthcheck/fail was refused");
    } catch (err) {
      log.warn({ err, attempt, admin: describeTarget(admin) }, "POST /healthcheck/fail failed");
    }
    if (attempt < FAIL_ATTEMPTS) await sleep(backoff);
    backoff *= 5;
  }
  // As upstream: go on and wait for the connections anyway; Envoy may still close them when it exits.
  log.error({ attempts: FAIL_ATTEMPTS }, "could not fail Envoy's health checks");
}

/** Open downstream connections of the Envoy behind `admin`, or the reason they could not be read. */
export async function countOpenConnections(admin: AdminTarget): Promise<number | Error> {
  try {
    const res = await adminRequest(admin, "GET", OPEN_CONNECTIONS_STATS_PATH);
    if (res.status !== 200) return new Error(`GET ${OPEN_CONNECTIONS_STATS_PATH}: HTTP ${res.status}`);
    return parseOpenConnections(res.body);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
