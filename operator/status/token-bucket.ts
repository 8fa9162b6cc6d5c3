// A token bucket (client-go's default rate limiter shape): `rate` writes per second on average, bursts of `burst`.
import type { Clock } from "../runtime/clock.js";

/** Options of createTokenBucket. */
export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  clock: Clock;
}

/** Hands out tokens at a steady rate. */
export interface TokenBucket {
  /** Takes a token and returns how many ms the caller must wait before using it (0: right away). */
  reserve(): number;
}

/** Creates a full bucket. */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { ratePerSecond, burst, clock } = options;
  let tokens = burst;
  let last = clock.now();
  return {
    reserve() {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - last) * ratePerSecond) / 1_000);
      last = now;
      tokens -= 1;
      // A negative balance is a debt: the caller waits until it would have been paid back.
      return tokens >= 0 ? 0 : Math.ceil((-tokens * 1_000) / ratePerSecond);
    },
  };
}
