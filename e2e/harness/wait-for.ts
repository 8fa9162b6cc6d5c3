// Polling with a deadline: the only way e2e tests wait (no bare sleeps).
import { setTimeout as sleep } from "node:timers/promises";

/** How long and how often waitFor polls, and what it is waiting for (used in the timeout error). */
export interface WaitForOptions {
  /** Give up after this long; default 10 s. */
  timeoutMs?: number;
  /** Pause between attempts; default 100 ms. */
  intervalMs?: number;
  /** What is awaited, e.g. "etcd to report healthy"; appears in the timeout error (a function is called then). */
  description?: string | (() => string);
  /** Checked before every attempt: a returned error ends the wait at once (e.g. the process died). */
  bail?: () => Error | undefined;
}

/** A value that is "not yet": waitFor keeps polling while the predicate returns one of these. */
export type NotYet = undefined | null | false;

/**
 * Calls `predicate` until it returns a value other than undefined/null/false and resolves with it.
 * A throwing predicate counts as "not yet"; its last error is quoted if the deadline passes.
 */
export async function waitFor<T>(predicate: () => T | NotYet | Promise<T | NotYet>, options: WaitForOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const bailed = options.bail?.();
    if (bailed !== undefined) throw bailed;
    try {
      const value = await predicate();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError === undefined ? "" : `; last error: ${errorMessage(lastError)}`;
      const description = typeof options.description === "function" ? options.description() : options.description;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description ?? "a condition"}${why}`);
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** The message of anything thrown, for error texts. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
