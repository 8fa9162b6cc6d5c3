// Writes computed status back to the API server (DESIGN invariant 5: only the leader writes). Callers hand
// over the desired status and return at once; a background loop reads each object, skips no-op writes,
// replaces the status subresource (retrying conflicts on a fresh read), and paces writes with a token
// bucket. A newer update for an object replaces an older pending one: only the latest status matters.
import { performance } from "node:perf_hooks";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import type { Logger } from "../log.js";
import { backoffDelay, type BackoffOptions } from "../runtime/backoff.js";
import { systemClock, sleep, type Clock } from "../runtime/clock.js";
import { KubeError, isConflict, isNotFound } from "../runtime/kube-error.js";
import { KIND_RESOURCES, objectPath } from "../runtime/kinds.js";
import { counter } from "../runtime/metrics.js";
import type { IngressLoadBalancerStatus } from "./ingress-load-balancer.js";
import { semanticEqual } from "./semantic-equal.js";
import { createKubeStatusApi, type ObjectWithStatus, type StatusApi } from "./status-api.js";
import { createTokenBucket } from "./token-bucket.js";

/** The desired status, or a function of the object as read that returns it (undefined: leave it alone). */
export type StatusUpdate = Record<string, unknown> | ((current: ObjectWithStatus) => Record<string, unknown> | undefined);

/** Options of createStatusWriter; give `kubeConfig`, or `api` in tests. */
export type StatusWriterOptions = ({ kubeConfig: KubeConfig; api?: undefined } | { api: StatusApi; kubeConfig?: undefined }) & {
  /** Checked before every write; when false, pending writes are dropped. */
  isLeader: () => boolean;
  log: Logger;
  /** Average writes per second; default 20. */
  qps?: number;
  /** Writes allowed back to back; default qps. */
  burst?: number;
  /** Attempts per update on transient errors (network, 5xx); default 5. */
  maxAttempts?: number;
  retry?: BackoffOptions;
  /**
   * The object as the informers last saw it, tried before a GET: a write then costs one request, and
   * only a stale copy (a 409) costs a read. Kinds are "Ingress" or "<plural>.<group>".
   */
  cached?: (kind: string, namespace: string, name: string) => ObjectWithStatus | undefined;
  /** Writes in flight at once; default 4. */
  concurrency?: number;
  /** Where contour_status_updates_total goes. */
  registry?: Registry;
  /** Told of every finished write, with its duration (upstream's contour_status_update_* metrics). */
  observe?: (kind: string, result: StatusResult, seconds: number) => void;
  clock?: Clock;
};

/** Queues status writes for the leader. */
export interface StatusWriter {
  /** Sets an Ingress's status.loadBalancer. */
  updateIngressLoadBalancer(namespace: string, name: string, loadBalancer: IngressLoadBalancerStatus): void;
  /** Replaces the status of a custom object (e.g. projectcontour.io v1 httpproxies). */
  updateCustomStatus(group: string, version: string, plural: string, namespace: string, name: string, status: StatusUpdate): void;
  /** Forgets every pending write; call on losing leadership. */
  dropPending(): void;
  /** Resolves when nothing is pending or being written (tests, graceful shutdown). */
  flush(): Promise<void>;
  /** Stops the writer; pending writes are dropped. */
  stop(): void;
}

/** How one write ended, the `result` label of contour_status_updates_total. */
export type StatusResult = "updated" | "noop" | "notfound" | "conflict" | "error" | "dropped";

interface Job {
  readonly path: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly update: StatusUpdate;
  attempts: number;
}

// The conflict budget of one write: each retry reads afresh, so more conflicts mean a hot object.
const MAX_CONFLICT_RETRIES = 5;

/** Creates a status writer. */
export function createStatusWriter(options: StatusWriterOptions): StatusWriter {
  const api = options.api ?? createKubeStatusApi(options.kubeConfig as KubeConfig);
  const { isLeader, log } = options;
  const clock = options.clock ?? systemClock;
  const qps = options.qps ?? 20;
  const bucket = createTokenBucket({ ratePerSecond: qps, burst: options.burst ?? qps, clock });
  const maxAttempts = options.maxAttempts ?? 5;
  const retry = options.retry ?? { baseMs: 1_000, maxMs: 30_000, jitter: 0.2 };
  const updates = counter(options.registry, "contour_status_updates_total", "Status writes by kind and result.", ["kind", "result"]);

  const pending = new Map<string, Job>();
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const inFlight = new Set<Promise<void>>();
  const writing = new Set<string>();
  let draining = false;
  let stopped = false;
  let flushWaiters: (() => void)[] = [];

  function count(job: Job, result: StatusResult): void {
    updates.inc({ kind: job.kind, result });
  }

  function enqueue(job: Job): void {
    // Every replica computes status; only the leader's is worth queueing.
    if (stopped || !isLeader()) return;
    pending.delete(job.path); // re-inserted at the end: the newest desire waits its turn like any other
    pending.set(job.path, job);
    void drain();
  }

  function dropPending(reason: string): void {
    if (pending.size === 0) return;
    for (const job of pending.values()) count(job, "dropped");
    log.info({ dropped: pending.size, reason }, "dropping pending status writes");
    pending.clear();
  }

  // Starts the pending writes at the token bucket's pace, a few in flight at once: each waits on a
  // round trip, and one at a time would cap the rate well below what the bucket allows.
  async function startWrites(): Promise<void> {
    while (pending.size > 0 && !stopped) {
      if (!isLeader()) {
        dropPending("not leader");
        return;
      }
      // One write per object at a time, so an older desire can never land after a newer one.
      let next: Job | undefined;
      for (const job of pending.values()) {
        if (!writing.has(job.path)) {
          next = job;
          break;
        }
      }
      if (next === undefined) {
        if (inFlight.size === 0) return;
        await Promise.race(inFlight);
        continue;
      }
      const wait = bucket.reserve();
      if (wait > 0) await sleep(clock, wait);
      if (pending.get(next.path) !== next) continue; // superseded while waiting
      pending.delete(next.path);
      if (!isLeader()) {
        count(next, "dropped");
        continue;
      }
      writing.add(next.path);
      const write = writeWithRetries(next).finally(() => {
        inFlight.delete(write);
        writing.delete(next.path);
      });
      inFlight.add(write);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  }

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      // Jobs queued while the last writes were in flight are picked up on the next round.
      while (pending.size > 0 && !stopped) {
        await startWrites();
        await Promise.all(inFlight);
      }
    } finally {
      draining = false;
      if (pending.size === 0 || stopped) {
        const waiters = flushWaiters;
        flushWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  async function writeWithRetries(job: Job): Promise<void> {
    const fields = { kind: job.kind, namespace: job.namespace, name: job.name };
    const startedMs = performance.now();
    try {
      const result = await write(job);
      count(job, result);
      options.observe?.(job.kind, result, (performance.now() - startedMs) / 1000);
      if (result === "updated") log.debug(fields, "status updated");
      if (result === "conflict") log.warn({ ...fields, retries: MAX_CONFLICT_RETRIES }, "status not written: the object kept changing");
    } catch (err) {
      count(job, "error");
      options.observe?.(job.kind, "error", (performance.now() - startedMs) / 1000);
      job.attempts++;
      const e = KubeError.from(err);
      if (job.attempts >= maxAttempts) {
        log.error({ ...fields, err: e, statusCode: e.statusCode, attempts: job.attempts }, "status write failed; giving up");
        return;
      }
      const delay = backoffDelay(job.attempts, retry);
      log.warn({ ...fields, err: e, statusCode: e.statusCode, attempts: job.attempts, retryInMs: delay }, "status write failed; retrying");
      clock.setTimeout(() => {
        // A newer update for the object supersedes this retry.
        if (!pending.has(job.path)) enqueue(job);
      }, delay);
    }
  }

  async function write(job: Job): Promise<StatusResult> {
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const current = (attempt === 0 ? options.cached?.(job.kind, job.namespace, job.name) : undefined) ?? (await api.get(job.path));
      if (current === undefined) return "notfound";
      const desired = typeof job.update === "function" ? job.update(current) : job.update;
      if (desired === undefined || semanticEqual(current.status, desired)) return "noop";
      if (!isLeader()) return "dropped";
      try {
        await api.replaceStatus(job.path, { ...current, status: desired });
        return "updated";
      } catch (err) {
        if (isNotFound(err)) return "notfound";
        if (!isConflict(err)) throw err;
      }
    }
    return "conflict";
  }

  return {
    updateIngressLoadBalancer(namespace, name, loadBalancer) {
      enqueue({
        path: objectPath(KIND_RESOURCES.Ingress, namespace, name),
        kind: "Ingress",
        namespace,
        name,
        attempts: 0,
        update: (current) => ({ ...(current.status as Record<string, unknown> | undefined), loadBalancer }),
      });
    },
    updateCustomStatus(group, version, plural, namespace, name, status) {
      enqueue({ path: objectPath({ group, version, plural }, namespace, name), kind: `${plural}.${group}`, namespace, name, attempts: 0, update: status });
    },
    dropPending: () => dropPending("leadership lost"),
    flush() {
      if (!draining && pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => flushWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      pending.clear();
    },
  };
}
