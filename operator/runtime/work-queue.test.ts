import assert from "node:assert/strict";
import { createNullLogger } from "../log.js";
import { createFakeClock, settle } from "./fake-clock.js";
import { createBatcher } from "./work-queue.js";

interface Call {
  at: number;
  keys: string[];
}

function setup(onBatch?: (keys: ReadonlySet<string>) => Promise<void> | void, quietMs?: number) {
  const clock = createFakeClock(0);
  const calls: Call[] = [];
  const batcher = createBatcher<string>({
    holdoffMs: 100,
    maxDelayMs: 500,
    ...(quietMs !== undefined ? { quietMs } : {}),
    retry: { baseMs: 1_000, maxMs: 4_000 },
    clock,
    log: createNullLogger(),
    onBatch: (keys) => {
      calls.push({ at: clock.now(), keys: [...keys].sort() });
      return onBatch?.(keys);
    },
  });
  return { clock, calls, batcher };
}

describe("createBatcher", () => {
  it("fires after the holdoff with deduplicated keys", async () => {
    const { clock, calls, batcher } = setup();
    batcher.mark("a");
    batcher.mark("b");
    batcher.mark("a");
    await clock.advance(99);
    assert.deepEqual(calls, []);
    await clock.advance(1);
    assert.deepEqual(calls, [{ at: 100, keys: ["a", "b"] }]);
  });

  it("with quietMs, fires a mark after a quiet period at once and batches only what follows it", async () => {
    const { clock, calls, batcher } = setup(undefined, 500);
    batcher.mark("a");
    batcher.mark("b");
    await clock.advance(0);
    assert.deepEqual(calls, [{ at: 0, keys: ["a", "b"] }], "a lone change after quiet is not held off");
    await clock.advance(50);
    batcher.mark("c");
    await clock.advance(99);
    assert.equal(calls.length, 1, "a mark 50 ms after a batch waits for the holdoff");
    await clock.advance(1);
    assert.deepEqual(calls[1], { at: 150, keys: ["c"] });
    await clock.advance(600);
    batcher.mark("d");
    await clock.advance(0);
    assert.deepEqual(calls[2], { at: 750, keys: ["d"] });
  });

  it("restarts the holdoff on every mark", async () => {
    const { clock, calls, batcher } = setup();
    batcher.mark("a");
    await clock.advance(60);
    batcher.mark("b");
    await clock.advance(99);
    assert.deepEqual(calls, []);
    await clock.advance(1);
    assert.deepEqual(calls, [{ at: 160, keys: ["a", "b"] }]);
  });

  it("fires by maxDelay under a steady stream of marks", async () => {
    const { clock, calls, batcher } = setup();
    for (let i = 0; i < 12; i++) {
      batcher.mark(`k${i}`);
      await clock.advance(50);
    }
    // k0..k9 were marked at 0..450; the batch fires at 500, 500 ms after the first mark, before k10.
    assert.equal(calls[0]?.at, 500);
    assert.equal(calls[0]?.keys.length, 10);
  });

  it("never runs two batches at once and runs the next one right after", async () => {
    let release: () => void = () => undefined;
    const { clock, calls, batcher } = setup((keys) => (keys.has("a") ? new Promise<void>((r) => (release = r)) : undefined));
    batcher.mark("a");
    await clock.advance(100);
    assert.equal(calls.length, 1);
    batcher.mark("b");
    await clock.advance(1_000);
    assert.equal(calls.length, 1, "second batch must wait for the first");
    release();
    await settle();
    await clock.advance(0);
    assert.deepEqual(calls[1], { at: 1_100, keys: ["b"] });
  });

  it("retries a failed batch's keys with growing delays, merged with new marks", async () => {
    let failuresLeft = 2;
    const { clock, calls, batcher } = setup(() => {
      if (failuresLeft-- > 0) throw new Error("transient");
    });
    batcher.mark("a");
    await clock.advance(100); // first attempt fails at 100 → retry at 1100
    batcher.mark("b");
    await clock.advance(999);
    assert.equal(calls.length, 1);
    await clock.advance(1);
    assert.deepEqual(calls[1], { at: 1_100, keys: ["a", "b"] }); // fails again → retry after 2000
    await clock.advance(1_999);
    assert.equal(calls.length, 2);
    await clock.advance(1);
    assert.deepEqual(calls[2], { at: 3_100, keys: ["a", "b"] });
    // Success resets the backoff: the next mark waits only the holdoff.
    batcher.mark("c");
    await clock.advance(100);
    assert.deepEqual(calls[3], { at: 3_200, keys: ["c"] });
  });

  it("idle() waits for pending keys and the running batch", async () => {
    const { clock, batcher } = setup();
    let idle = false;
    batcher.mark("a");
    void batcher.idle().then(() => (idle = true));
    await settle();
    assert.equal(idle, false);
    await clock.advance(100);
    assert.equal(idle, true);
  });

  it("stop() drops pending keys", async () => {
    const { clock, calls, batcher } = setup();
    batcher.mark("a");
    await batcher.stop();
    batcher.mark("b");
    await clock.advance(1_000);
    assert.deepEqual(calls, []);
    assert.equal(clock.pending(), 0);
  });
});
