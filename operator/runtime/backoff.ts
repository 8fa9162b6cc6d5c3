// Exponential backoff shared by informer restarts, batch retries and status-write retries.

/** Bounds of an exponential backoff. */
export interface BackoffOptions {
  /** Delay after the first failure. */
  baseMs: number;
  /** Delays never exceed this. */
  maxMs: number;
  /** Spread in [0, 1): each delay is scaled by 1 ± jitter/2 so restarting replicas do not retry in lockstep. */
  jitter?: number;
  /** Source of randomness in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

/** The delay before retry number `failures` (1 for the first retry): base × 2^(failures-1), capped, with jitter. */
export function backoffDelay(failures: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const delay = Math.min(options.baseMs * 2 ** exponent, options.maxMs);
  const jitter = options.jitter ?? 0;
  if (jitter === 0) return delay;
  const random = options.random ?? Math.random;
  return Math.round(delay * (1 - jitter / 2 + jitter * random()));
}
