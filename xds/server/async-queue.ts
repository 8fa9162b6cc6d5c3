// An unbounded async queue: the join between callbacks (requests, snapshots) and a Connect
// response generator. Unbounded is fine here: a stream has at most one response per type in flight.

/** A queue read with for-await; close() ends the iteration after the queued items. */
export interface AsyncQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  /** Ends the iteration once the queued items are consumed. */
  close(): void;
  /** Ends the iteration with an error (after the queued items). */
  fail(err: unknown): void;
  readonly closed: boolean;
}

/** Creates an empty queue. */
export function createAsyncQueue<T>(): AsyncQueue<T> {
  const items: T[] = [];
  let closed = false;
  let failure: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    push(item) {
      if (closed) return;
      items.push(item);
      notify();
    },
    close() {
      closed = true;
      notify();
    },
    fail(err) {
      if (!closed) failure = { err };
      closed = true;
      notify();
    },
    get closed() {
      return closed;
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const item = items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (closed) {
          if (failure !== undefined) throw failure.err;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
