// Two `contour serve` replicas on one Lease: exactly one writes status; when it is killed the other
// takes over within the lease duration, and traffic through Envoy never fails meanwhile.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { startContour, startEnvoyFor, pickEnvoyPorts, writeCertificates, type Contour } from "../fixtures/contour.js";
import { deployApp } from "../fixtures/app.js";
import { createIngress, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { metricValue } from "../fixtures/metrics.js";
import { startRequestLoop } from "../fixtures/request-loop.js";
import { httpGet, useTestBed, waitFor } from "../harness/index.js";

const LEASE_SECONDS = 4;
const LEADER_ARGS = [
  `--leader-election-lease-duration=${LEASE_SECONDS}s`,
  "--leader-election-renew-deadline=3s",
  "--leader-election-retry-period=500ms",
  "--ingress-status-address=192.0.2.7",
];

async function isLeader(contour: Contour): Promise<boolean> {
  return metricValue(await contour.metrics(), "contour_leader") === 1;
}

async function statusWrites(contour: Contour): Promise<number> {
  return metricValue(await contour.metrics(), "contour_status_updates_total", { kind: "Ingress", result: "updated" }) ?? 0;
}

describe("contour serve: leader election across two replicas", function () {
  const ctx = useTestBed({ pods: ["app-1"] });

  it("lets only the leader write status, and hands over within the lease duration without failed requests", async function () {
    this.timeout(120_000);
    const { bed } = ctx;
    const kube = await deployApp(bed, "first", "app.example.com");

    const certs = await writeCertificates(bed);
    const envoyPorts = await pickEnvoyPorts();
    const first = await startContour(bed, { certs, envoyPorts, name: "contour-a", args: LEADER_ARGS });
    await waitFor(() => isLeader(first), { timeoutMs: 20_000, description: "contour-a to lead" });
    const second = await startContour(bed, { certs, envoyPorts, name: "contour-b", args: LEADER_ARGS });
    // Envoy talks to the replica that survives; every replica serves xDS.
    await startEnvoyFor(bed, { certs, xdsPort: second.xdsPort });
    const url = `http://127.0.0.1:${envoyPorts.http}/`;
    await waitFor(async () => (await httpGet(url, { host: "app.example.com" }).catch(() => undefined))?.status === 200, {
      timeoutMs: 20_000,
      description: "traffic through Envoy",
    });

    await waitFor(async () => (await kube.networking.readNamespacedIngress({ namespace: "app", name: "first" })).status?.loadBalancer?.ingress?.[0]?.ip === "192.0.2.7", {
      timeoutMs: 20_000,
      description: "the leader to write the first Ingress's status",
    });
    assert.equal(await isLeader(second), false, "exactly one replica leads");
    assert.ok((await statusWrites(first)) >= 1, "the leader wrote status");
    assert.equal(await statusWrites(second), 0, "the follower wrote no status");

    const loop = startRequestLoop(url, { host: "app.example.com" });
    const killedAt = Date.now();
    await first.process.kill("SIGKILL");
    await createIngress(kube, "app", "second", simpleIngressSpec("second.example.com", "app", 80));
    await waitFor(() => isLeader(second), { timeoutMs: 3 * LEASE_SECONDS * 1000, intervalMs: 100, description: "contour-b to take over" });
    const tookOverMs = Date.now() - killedAt;
    await waitFor(async () => (await kube.networking.readNamespacedIngress({ namespace: "app", name: "second" })).status?.loadBalancer?.ingress?.[0]?.ip === "192.0.2.7", {
      timeoutMs: 20_000,
      description: "the new leader to write the second Ingress's status",
    });
    const result = await loop.stop();
    console.log(`      contour-b led ${tookOverMs} ms after contour-a was killed (lease ${LEASE_SECONDS} s); ${result.total} requests during the failover`);
    assert.ok(tookOverMs <= LEASE_SECONDS * 1000 + 2000, `took over after ${tookOverMs} ms, lease is ${LEASE_SECONDS} s`);
    assert.deepEqual(result.failures, [], "no request failed during the failover");
    assert.ok((await statusWrites(second)) >= 1, "the new leader writes status");
  });
});
