// Two electors on one real Lease: exactly one leads; a graceful stop hands over at once; a leader cut off
// from the API server steps down before anyone else may take over.
import assert from "node:assert/strict";
import { CoordinationV1Api, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { createKubeLeaseApi, createLeaderElector, type LeaderElector } from "../../operator/leader/index.js";
import { createLogger } from "../../operator/log.js";
import { loadKubeConfig, useTestBed, waitFor, writeKubeconfig } from "../harness/index.js";
import { startApiProxy, type ApiProxy } from "./api-proxy.js";

const NAMESPACE = "projectcontour";
// Short but in client-go's proportions (15 s / 10 s / 2 s), so the spec runs in seconds.
const DURATIONS = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 250 };
const log = createLogger({ level: process.env["E2E_LOG_LEVEL"] === "debug" ? "debug" : "fatal", format: "text" });

function elector(kc: KubeConfig, leaseName: string, identity: string): LeaderElector & { events: string[] } {
  const events: string[] = [];
  const e = createLeaderElector({
    api: createKubeLeaseApi(kc, NAMESPACE, leaseName),
    identity,
    ...DURATIONS,
    log,
    onStartedLeading: () => events.push("started"),
    onStoppedLeading: () => events.push("stopped"),
  });
  return Object.assign(e, { events });
}

describe("operator: leader election", function () {
  const ctx = useTestBed();
  let kc: KubeConfig;
  let leases: CoordinationV1Api;
  const running: LeaderElector[] = [];

  before(async () => {
    kc = ctx.bed.apiserver.makeKubeConfig();
    leases = kc.makeApiClient(CoordinationV1Api);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.stop()));
  });

  // Polls until `done`, asserting at every poll that the two never lead at once.
  async function watchBoth(a: LeaderElector, b: LeaderElector, done: () => boolean, description: string, timeoutMs: number): Promise<void> {
    await waitFor(
      () => {
        assert.ok(!(a.isLeader() && b.isLeader()), "two leaders at once");
        return done();
      },
      { timeoutMs, intervalMs: 20, description },
    );
  }

  it("elects exactly one of two and hands over within the lease duration on stop", async () => {
    const a = elector(kc, "handover", "replica-a");
    const b = elector(kc, "handover", "replica-b");
    running.push(a, b);
    a.start();
    b.start();
    await watchBoth(a, b, () => a.isLeader() || b.isLeader(), "a leader", 10_000);
    const [leader, follower] = a.isLeader() ? [a, b] : [b, a];
    const lease = await leases.readNamespacedLease({ name: "handover", namespace: NAMESPACE });
    assert.equal(lease.spec?.holderIdentity, leader.identity);
    assert.equal(lease.spec?.leaseDurationSeconds, 3);
    assert.match(String(lease.spec?.renewTime), /\.\d{6}Z$/, "a MicroTime with microseconds");
    // The leader keeps renewing, and keeps leading.
    const renewed = String(lease.spec?.renewTime);
    await waitFor(async () => String((await leases.readNamespacedLease({ name: "handover", namespace: NAMESPACE })).spec?.renewTime) !== renewed, {
      description: "the leader to renew the Lease",
    });
    assert.ok(leader.isLeader() && !follower.isLeader());

    const stoppedAt = Date.now();
    await leader.stop();
    assert.deepEqual(leader.events, ["started", "stopped"]);
    await watchBoth(a, b, () => follower.isLeader(), "the follower to take over", DURATIONS.leaseDurationMs);
    console.log(`      handover after a graceful stop: ${Date.now() - stoppedAt} ms`);
    const after = await leases.readNamespacedLease({ name: "handover", namespace: NAMESPACE });
    assert.equal(after.spec?.holderIdentity, follower.identity);
    assert.equal(after.spec?.leaseTransitions, 1);
  });

  describe("with the leader cut off from the API server", () => {
    let proxy: ApiProxy;
    before(async () => {
      proxy = await startApiProxy(ctx.bed.apiserver.url);
    });
    after(() => proxy.close());

    it("steps down at the renew deadline, and the other takes over only after the Lease expired", async () => {
      const path = ctx.bed.runDir.file("kubeconfig-leader-proxied.yaml");
      writeKubeconfig(path, { server: proxy.url, token: ctx.bed.apiserver.token, caPem: ctx.bed.apiserver.caPem });
      const a = elector(loadKubeConfig(path), "cutoff", "replica-a");
      a.start();
      running.push(a);
      await waitFor(() => a.isLeader(), { description: "a to lead" });
      const b = elector(kc, "cutoff", "replica-b");
      b.start();
      running.push(b);

      const cutAt = Date.now();
      proxy.cut();
      // The renew deadline runs from a's last renewal, at most one retry period before the cut.
      await watchBoth(a, b, () => !a.isLeader(), "a to step down", DURATIONS.renewDeadlineMs + 1_000);
      const stepDownMs = Date.now() - cutAt;
      assert.deepEqual(a.events, ["started", "stopped"]);
      await watchBoth(a, b, () => b.isLeader(), "b to take over", DURATIONS.leaseDurationMs * 2);
      const takeoverMs = Date.now() - cutAt;
      // b may only acquire after the last renewal + lease duration; it polls every 250 ms × [1, 2.2).
      assert.ok(takeoverMs >= DURATIONS.leaseDurationMs - DURATIONS.retryPeriodMs, `took over after ${takeoverMs} ms`);
      console.log(`      cut-off leader stepped down after ${stepDownMs} ms; successor took over after ${takeoverMs} ms`);

      // a, reconnected, stays a follower.
      proxy.restore();
      await waitFor(async () => (await leases.readNamespacedLease({ name: "cutoff", namespace: NAMESPACE })).spec?.holderIdentity === b.identity, {
        description: "b to hold the Lease",
      });
      assert.equal(a.isLeader(), false);
    });
  });
});
