// `contour serve` restarted under load: Envoy keeps its configuration while contour is away, never
// receives an empty one, and takes the new process's changes once it is back.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { startContour, startEnvoyFor, pickEnvoyPorts, writeCertificates } from "../fixtures/contour.js";
import { deployApp } from "../fixtures/app.js";
import { createIngress, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { metricValue } from "../fixtures/metrics.js";
import { startRequestLoop } from "../fixtures/request-loop.js";
import { httpGet, useTestBed, waitFor, type Envoy } from "../harness/index.js";

/** Samples Envoy's active listener and cluster counts until stopped; returns the smallest seen. */
function sampleEnvoyConfig(envoy: Envoy): { stop(): Promise<{ listeners: number; clusters: number; samples: number }> } {
  let running = true;
  let listeners = Number.POSITIVE_INFINITY;
  let clusters = Number.POSITIVE_INFINITY;
  let samples = 0;
  const done = (async () => {
    while (running) {
      const stats = await envoy.admin.stats("^(listener_manager\\.total_listeners_active|cluster_manager\\.active_clusters)$");
      listeners = Math.min(listeners, stats.get("listener_manager.total_listeners_active") ?? 0);
      clusters = Math.min(clusters, stats.get("cluster_manager.active_clusters") ?? 0);
      samples++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { listeners, clusters, samples };
    },
  };
}

describe("contour serve: restart under load", function () {
  const ctx = useTestBed({ pods: ["app-1"] });

  it("keeps Envoy serving through a restart and never sends it an empty configuration", async function () {
    this.timeout(120_000);
    const { bed } = ctx;
    const kube = await deployApp(bed, "app", "app.example.com");

    const certs = await writeCertificates(bed);
    const envoyPorts = await pickEnvoyPorts();
    const before = await startContour(bed, { certs, envoyPorts, name: "contour-1" });
    const envoy = await startEnvoyFor(bed, { certs, xdsPort: before.xdsPort });
    const url = `http://127.0.0.1:${envoyPorts.http}/`;
    await waitFor(async () => (await httpGet(url, { host: "app.example.com" }).catch(() => undefined))?.status === 200, {
      timeoutMs: 20_000,
      description: "traffic through Envoy",
    });
    const initial = await envoy.admin.stats("^(listener_manager\\.total_listeners_active|cluster_manager\\.active_clusters)$");

    const loop = startRequestLoop(url, { host: "app.example.com" });
    const sampler = sampleEnvoyConfig(envoy);
    await before.stop();
    // While contour is gone Envoy serves on from what it has.
    await waitFor(async () => (await envoy.admin.stat("control_plane.connected_state")) === 0, { timeoutMs: 10_000, description: "Envoy to notice contour is gone" });
    const after = await startContour(bed, { certs, envoyPorts, name: "contour-2", xdsPort: before.xdsPort });
    await waitFor(async () => metricValue(await after.metrics(), "contour_xds_streams", { kind: "delta" }) === 1, {
      timeoutMs: 30_000,
      description: "Envoy to reconnect to the new contour",
    });
    await createIngress(kube, "app", "new", simpleIngressSpec("new.example.com", "app", 80));
    await waitFor(async () => (await httpGet(url, { host: "new.example.com" }).catch(() => undefined))?.status === 200, {
      timeoutMs: 20_000,
      description: "a change made after the restart to reach Envoy",
    });
    const seen = await sampler.stop();
    const result = await loop.stop();
    console.log(`      ${result.total} requests and ${seen.samples} config samples across the restart`);
    assert.deepEqual(result.failures, [], "no request failed across the restart");
    assert.ok(seen.listeners >= (initial.get("listener_manager.total_listeners_active") ?? 1), `listeners never dropped (min ${seen.listeners})`);
    assert.ok(seen.clusters >= (initial.get("cluster_manager.active_clusters") ?? 1), `clusters never dropped (min ${seen.clusters})`);
  });
});
