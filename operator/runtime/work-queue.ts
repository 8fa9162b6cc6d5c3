// Level-based batching of changed keys (DESIGN invariant 4): a burst of events becomes one rebuild, after a
// short quiet period but never later than a bounded delay, and rebuilds never overlap.
import type { Logger } from "../log.js";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import { systemClock, type Clock, type TimerHandle } from "./clock.js";

/** Options of createBatcher. */
export interface BatcherOptions<K> {
  /** Fire after this much quiet since the last mark; default 100 ms. */
  holdoffMs?: number;
  /** Fire at most this long after the first mark of a batch, however busy; default 500 ms. */
  maxDelayMs?: number;
  /**
   * A mark coming after at least this long without a batch fires at once (on the next timer tick, so
   * marks of the same tick still join it) instead of waiting out the holdoff: a lone change is served
   * without delay, and only bursts are batched, as upstream Contour's event handler does. Unset: off.
   */
  quietMs?: number;
  /** Processes one batch; a rejection retries the same keys after a growing delay. */
  onBatch: (keys: ReadonlySet<K>) => Promise<void> | void;
  log: Logger;
  /** Delays between retries of a failing batch; default 500 ms doubling up to 60 s. */
  retry?: BackoffOptions;
  clock?: Clock;
}

/** A keyed queue that hands deduplicated keys to onBatch in batches. */
export interface Batcher<K> {
  /** Records that `key` needs work. Marking a key already pending is free. */
  mark(key: K): void;
  /** Resolves when nothing is pending and no batch runs (including after failed batches succeed on retry). */
  idle(): Promise<void>;
  /** Drops pending keys, cancels timers and waits for a running batch to finish. */
  stop(): Promise<void>;
}

/** Creates a batcher; keys are compared with Set semantics, so use strings (e.g. formatKey) for object keys. */
export function createBatcher<K = string>(options: BatcherOptions<K>): Batcher<K> {
  const holdoffMs = options.holdoffMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 500;
  const quietMs = options.quietMs;
  const retry = options.retry ?? { baseMs: 500, maxMs: 60_000, jitter: 0.2 };
  const clock = options.clock ?? systemClock;
  const log = options.log;

  let pending = new Set<K>();
  let firstMarkAt = 0;
  let lastMarkAt = 0;
  let retryAt = 0;
  let lastFireAt = Number.NEGATIVE_INFINITY;
  let failures = 0;
  let timer: TimerHandle | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  function schedule(): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (stopped || running !== undefined || pending.size === 0) return;
    const leading = quietMs !== undefined && retryAt === 0 && firstMarkAt - lastFireAt >= quietMs;
    const fireAt = leading ? firstMarkAt : Math.max(Math.min(lastMarkAt + holdoffMs, firstMarkAt + maxDelayMs), retryAt);
    timer = clock.setTimeout(fire, Math.max(0, fireAt - clock.now()));
  }

  function fire(): void {
    timer = undefined;
    if (stopped || running !== undefined || pending.size === 0) return;
    const keys = pending;
    pending = new Set();
    lastFireAt = clock.now();
    // Started on a later tick so `running` is assigned before run's own `finally` clears it.
    running = Promise.resolve(keys).then(run);
  }

  async function run(keys: Set<K>): Promise<void> {
    try {
      await options.onBatch(keys);
      failures = 0;
      retryAt = 0;
    } catch (err) {
      failures++;
      const delay = backoffDelay(failures, retry);
      retryAt = clock.now() + delay;
      log.error({ err, keys: keys.size, failures, retryInMs: delay }, "batch failed; retrying its keys");
      if (!stopped) requeue(keys);
    } finally {
      running = undefined;
      schedule();
      notifyIdle();
    }
  }

  // Failed keys rejoin the pending set; the retry delay, not the holdoff, decides when they run next.
  function requeue(keys: Set<K>): void {
    const now = clock.now();
    if (pending.size === 0) {
      firstMarkAt = now;
      lastMarkAt = now;
    }
    for (const key of keys) pending.add(key);
  }

  function notifyIdle(): void {
    if (running !== undefined || (pending.size > 0 && !stopped)) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  return {
    mark(key) {
      if (stopped) return;
      const now = clock.now();
      if (pending.size === 0) firstMarkAt = now;
      lastMarkAt = now;
      pending.add(key);
      // While a batch runs, its end reschedules; arming a timer now would only be cancelled.
      if (running === undefined) schedule();
    },
    idle() {
      if (running === undefined && (pending.size === 0 || stopped)) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      pending.clear();
      await running;
      notifyIdle();
    },
  };
}
