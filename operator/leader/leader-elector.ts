// The election loop (client-go's leaderelection, reduced): candidates poll the Lease every retry period
// with jitter; the leader renews every retry period and steps down when it has not renewed for the renew
// deadline, which is shorter than the lease duration others wait, so two leaders never overlap by clock.
import type { Registry } from "prom-client";
import type { Logger } from "../log.js";
import { systemClock, type Clock, type TimerHandle } from "../runtime/clock.js";
import { KubeError, isConflict } from "../runtime/kube-error.js";
import { gauge } from "../runtime/metrics.js";
import type { LeaseApi } from "./lease-api.js";
import { decideLease, releasedRecord } from "./lease-decision.js";

/** Options of createLeaderElector; durations as in client-go (defaults 15 s / 10 s / 2 s). */
export interface LeaderElectorOptions {
  api: LeaseApi;
  /** This replica's holderIdentity (see createIdentity). */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log: Logger;
  /** Called when this replica becomes leader. */
  onStartedLeading?: () => void;
  /** Called when this replica stops being leader (lost, deadline passed, or stop()). */
  onStoppedLeading?: () => void;
  /** Where the contour_leader gauge goes. */
  registry?: Registry;
  clock?: Clock;
  /** Randomness in [0, 1) for the candidates' jitter. */
  random?: () => number;
}

/** A running (or not yet started) election. */
export interface LeaderElector {
  readonly identity: string;
  /** Begins campaigning. */
  start(): void;
  /** True while this replica holds a Lease renewed within the renew deadline. */
  isLeader(): boolean;
  /** Stops campaigning; a leader steps down (onStoppedLeading) and then releases the Lease for a fast handover. */
  stop(): Promise<void>;
}

// client-go's JitterFactor: candidates wait retryPeriod × [1, 2.2) so they do not all hit the API at once.
const CANDIDATE_JITTER = 1.2;

/** Creates a Lease-based elector. */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const { api, identity, leaseDurationMs, renewDeadlineMs, retryPeriodMs, log: parentLog } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const log = parentLog.child({ lease: api.description, identity });
  const leaderGauge = gauge(options.registry, "contour_leader", "1 while this replica holds the leader-election Lease.", []);
  leaderGauge.set(0);

  let started = false;
  let stopped = false;
  let leading = false;
  let lastRenewAt = 0;
  let observedHolder: string | undefined;
  let loopTimer: TimerHandle | undefined;
  let deadlineTimer: TimerHandle | undefined;
  let inFlight: Promise<void> | undefined;

  function isLeader(): boolean {
    return leading && clock.now() < lastRenewAt + renewDeadlineMs;
  }

  function call(callback: (() => void) | undefined, name: string): void {
    try {
      callback?.();
    } catch (err) {
      log.error({ err }, `${name} callback threw`);
    }
  }

  function becomeLeader(): void {
    leading = true;
    leaderGauge.set(1);
    log.info("became leader");
    call(options.onStartedLeading, "onStartedLeading");
  }

  function stepDown(reason: string): void {
    if (!leading) return;
    leading = false;
    leaderGauge.set(0);
    if (deadlineTimer !== undefined) clock.clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    log.warn({ reason }, "stopped leading");
    call(options.onStoppedLeading, "onStoppedLeading");
  }

  // One read-decide-write round. Resolves true when we hold the Lease afterwards.
  async function acquireOrRenew(now: number): Promise<boolean> {
    // A conflict means someone wrote between our read and write: read again once and decide afresh.
    for (let attempt = 1; ; attempt++) {
      const observed = await api.get();
      const decision = decideLease(observed?.record, identity, now, leaseDurationMs);
      try {
        if (decision.action === "wait") {
          if (observedHolder !== decision.holder) log.info({ holder: decision.holder }, "the Lease is held by another replica; waiting");
          observedHolder = decision.holder;
          return false;
        }
        if (decision.action === "create") await api.create(decision.record);
        else await api.replace(decision.record, observed?.resourceVersion ?? "");
        observedHolder = identity;
        return true;
      } catch (err) {
        if (attempt < 2 && isConflict(err)) continue;
        throw err;
      }
    }
  }

  async function attempt(): Promise<void> {
    const started = clock.now();
    // A request must not outlive our right to lead; a candidate may wait up to the renew deadline.
    const timeoutMs = leading ? Math.max(1, lastRenewAt + renewDeadlineMs - started) : renewDeadlineMs;
    try {
      const held = await withTimeout(acquireOrRenew(started), timeoutMs, clock);
      if (!held) {
        stepDown("another replica holds the Lease");
        return;
      }
      lastRenewAt = started;
      if (deadlineTimer !== undefined) clock.clearTimeout(deadlineTimer);
      deadlineTimer = clock.setTimeout(() => stepDown(`Lease not renewed for ${renewDeadlineMs} ms`), renewDeadlineMs - (clock.now() - started));
      if (!leading) becomeLeader();
    } catch (err) {
      const e = KubeError.from(err);
      // Leadership survives a failed renewal until the deadline timer says otherwise.
      log.warn({ err: e, statusCode: e.statusCode, leading }, leading ? "renewing the Lease failed" : "acquiring the Lease failed");
    }
  }

  async function tick(): Promise<void> {
    loopTimer = undefined;
    if (stopped) return;
    inFlight = attempt();
    await inFlight;
    inFlight = undefined;
    if (stopped) return;
    const delay = leading ? retryPeriodMs : retryPeriodMs * (1 + random() * CANDIDATE_JITTER);
    loopTimer = clock.setTimeout(() => void tick(), delay);
  }

  async function release(): Promise<void> {
    try {
      await withTimeout(
        (async () => {
          const observed = await api.get();
          if (observed === undefined || observed.record.holderIdentity !== identity) return;
          await api.replace(releasedRecord(observed.record, clock.now()), observed.resourceVersion);
          log.info("released the Lease");
        })(),
        renewDeadlineMs,
        clock,
      );
    } catch (err) {
      log.warn({ err: KubeError.from(err) }, "releasing the Lease failed; a successor waits for it to expire");
    }
  }

  return {
    identity,
    start() {
      if (started) return;
      started = true;
      log.info({ leaseDurationMs, renewDeadlineMs, retryPeriodMs }, "campaigning for leadership");
      void tick();
    },
    isLeader,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (loopTimer !== undefined) clock.clearTimeout(loopTimer);
      await inFlight;
      const wasLeading = leading;
      // Step down first so status writes stop before a successor may start.
      stepDown("stopping");
      if (wasLeading) await release();
    },
  };
}

/** An elector for --disable-leader-election: leader from start() until stop(). */
export function createStaticLeader(options: Pick<LeaderElectorOptions, "log" | "onStartedLeading" | "onStoppedLeading" | "registry">): LeaderElector {
  const leaderGauge = gauge(options.registry, "contour_leader", "1 while this replica holds the leader-election Lease.", []);
  leaderGauge.set(0);
  let leading = false;
  return {
    identity: "static",
    start() {
      if (leading) return;
      leading = true;
      leaderGauge.set(1);
      options.log.info("leader election disabled: acting as leader");
      options.onStartedLeading?.();
    },
    isLeader: () => leading,
    async stop() {
      if (!leading) return;
      leading = false;
      leaderGauge.set(0);
      options.onStoppedLeading?.();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new KubeError(`timed out after ${ms} ms`, undefined)), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clock.clearTimeout(timer);
        reject(err);
      },
    );
  });
}
