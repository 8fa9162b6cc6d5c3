import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { createNullLogger } from "../log.js";
import { createFakeClock, type FakeClock } from "../runtime/fake-clock.js";
import { createFakeLeaseApi, createFakeLeaseStore, type FakeLeaseApi, type FakeLeaseStore } from "./fake-lease-api.js";
import { decideLease, releasedRecord, type LeaseRecord } from "./lease-decision.js";
import { createLeaderElector, createStaticLeader, type LeaderElector } from "./leader-elector.js";

const DURATIONS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

describe("decideLease", () => {
  const now = 100_000;
  const held = (holderIdentity: string, renewTime: number | undefined): LeaseRecord => ({ holderIdentity, leaseDurationSeconds: 15, acquireTime: 0, renewTime, leaseTransitions: 3 });
  const cases: { name: string; current: LeaseRecord | undefined; want: string }[] = [
    { name: "no Lease: create it", current: undefined, want: "create me transitions=0" },
    { name: "our Lease: renew, same transitions", current: held("me", now - 1_000), want: "update me renew transitions=3" },
    { name: "our expired Lease: still ours", current: held("me", now - 60_000), want: "update me renew transitions=3" },
    { name: "another's valid Lease: wait", current: held("other", now - 14_000), want: "wait other until=101000" },
    { name: "another's Lease at the edge of expiry: wait", current: held("other", now - 15_000), want: "wait other until=100000" },
    { name: "another's expired Lease: acquire", current: held("other", now - 15_001), want: "update me acquire transitions=4" },
    { name: "released Lease: acquire at once", current: releasedRecord(held("other", now), now), want: "update me acquire transitions=4" },
    { name: "Lease never renewed: acquire", current: held("other", undefined), want: "update me acquire transitions=4" },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const d = decideLease(tc.current, "me", now, 15_000);
      const got =
        d.action === "wait"
          ? `wait ${d.holder} until=${d.expiresAt}`
          : `${d.action} ${d.record.holderIdentity}${d.action === "update" ? (d.acquiring ? " acquire" : " renew") : ""} transitions=${d.record.leaseTransitions}`;
      assert.equal(got, tc.want);
      if (d.action !== "wait") assert.equal(d.record.renewTime, now);
    });
  }
});

interface Replica {
  api: FakeLeaseApi;
  elector: LeaderElector;
  events: string[];
}

function replica(store: FakeLeaseStore, clock: FakeClock, name: string, registry?: Registry): Replica {
  const api = createFakeLeaseApi(store);
  const events: string[] = [];
  const elector = createLeaderElector({
    api,
    identity: name,
    ...DURATIONS,
    clock,
    random: () => 0.5,
    log: createNullLogger(),
    registry,
    onStartedLeading: () => events.push("started"),
    onStoppedLeading: () => events.push("stopped"),
  });
  return { api, elector, events };
}

describe("createLeaderElector", () => {
  let clock: FakeClock;
  let store: FakeLeaseStore;
  beforeEach(() => {
    clock = createFakeClock();
    store = createFakeLeaseStore();
  });

  it("creates the Lease and leads, renewing every retry period", async () => {
    const registry = new Registry();
    const a = replica(store, clock, "a", registry);
    a.elector.start();
    await clock.advance(0);
    assert.equal(a.elector.isLeader(), true);
    assert.deepEqual(a.events, ["started"]);
    assert.match(await registry.metrics(), /^contour_leader 1$/m);
    await clock.advance(10_000);
    assert.equal(store.writes, 6, "create + a renewal every 2 s");
    assert.equal(store.lease?.record.renewTime, clock.now());
  });

  it("lets exactly one of two replicas lead, and hands over on stop", async () => {
    const a = replica(store, clock, "a");
    const b = replica(store, clock, "b");
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    await clock.advance(30_000);
    assert.deepEqual([a.elector.isLeader(), b.elector.isLeader()], [true, false]);
    await a.elector.stop();
    assert.deepEqual(a.events, ["started", "stopped"]);
    assert.equal(store.lease?.record.holderIdentity, "", "released");
    // b polls every 2 s × (1 + 0.5 × 1.2) = 3.2 s: it takes the released Lease at its next poll.
    await clock.advance(3_200);
    assert.equal(b.elector.isLeader(), true);
    assert.deepEqual(b.events, ["started"]);
    assert.equal(store.lease?.record.leaseTransitions, 1);
  });

  it("steps down at the renew deadline when the API is unreachable, and a successor waits out the Lease", async () => {
    const a = replica(store, clock, "a");
    const b = replica(store, clock, "b");
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    const renewedAt = clock.now();
    a.api.unreachable = true;
    await clock.advance(9_999);
    assert.equal(a.elector.isLeader(), true);
    await clock.advance(1);
    assert.equal(a.elector.isLeader(), false, "no renewal for 10 s");
    assert.deepEqual(a.events, ["started", "stopped"]);
    assert.equal(b.elector.isLeader(), false, "the Lease is valid until 15 s after the last renewal");
    await clock.advance(renewedAt + 15_000 - clock.now());
    assert.equal(b.elector.isLeader(), false);
    await clock.advance(3_200);
    assert.equal(b.elector.isLeader(), true);
    // a comes back as a candidate, not as a second leader.
    a.api.unreachable = false;
    await clock.advance(20_000);
    assert.deepEqual([a.elector.isLeader(), b.elector.isLeader()], [false, true]);
  });

  it("re-reads and retries on a write conflict", async () => {
    const a = replica(store, clock, "a");
    a.elector.start();
    await clock.advance(0);
    a.api.conflictNextWrites = 1;
    const writes = store.writes;
    await clock.advance(2_000);
    assert.equal(store.writes, writes + 1, "renewed in the same round despite the conflict");
    assert.equal(a.elector.isLeader(), true);
  });

  it("steps down when another replica took the Lease", async () => {
    const a = replica(store, clock, "a");
    a.elector.start();
    await clock.advance(0);
    const current = store.lease;
    assert.ok(current);
    store.lease = { record: { ...current.record, holderIdentity: "intruder", renewTime: clock.now() }, resourceVersion: "99" };
    await clock.advance(2_000);
    assert.equal(a.elector.isLeader(), false);
    assert.deepEqual(a.events, ["started", "stopped"]);
  });

  it("stop() of a candidate leaves the Lease alone", async () => {
    const a = replica(store, clock, "a");
    const b = replica(store, clock, "b");
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    await clock.advance(5_000);
    await b.elector.stop();
    assert.equal(store.lease?.record.holderIdentity, "a");
    assert.deepEqual(b.events, []);
  });
});

describe("createStaticLeader", () => {
  it("leads from start to stop", async () => {
    const events: string[] = [];
    const leader = createStaticLeader({ log: createNullLogger(), onStartedLeading: () => events.push("started"), onStoppedLeading: () => events.push("stopped") });
    assert.equal(leader.isLeader(), false);
    leader.start();
    assert.equal(leader.isLeader(), true);
    await leader.stop();
    assert.equal(leader.isLeader(), false);
    assert.deepEqual(events, ["started", "stopped"]);
  });
});
