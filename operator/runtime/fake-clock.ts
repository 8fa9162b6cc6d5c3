// A manual clock for unit tests: time moves only when the test advances it.
import type { Clock, TimerHandle } from "./clock.js";

interface FakeTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/** A Clock whose time the test moves with advance(). */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  advance(ms: number): Promise<void>;
  /** Number of pending timers. */
  pending(): number;
}

/** Lets every queued promise callback and I/O-free continuation run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Creates a fake clock starting at `start` ms. */
export function createFakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let seq = 0;
  const timers = new Set<FakeTimer>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer: FakeTimer = { at: now + Math.max(0, ms), seq: seq++, callback };
      timers.add(timer);
      return timer;
    },
    clearTimeout(handle: TimerHandle) {
      timers.delete(handle as FakeTimer);
    },
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (;;) {
        const next = [...timers].filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
        if (next === undefined) break;
        timers.delete(next);
        now = Math.max(now, next.at);
        next.callback();
        await settle();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}
