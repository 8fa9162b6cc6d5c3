// A restart of `contour serve` keeps the Envoy ports it allocated to existing Gateways: the new
// process reads them back from the targetPorts of the Services it owns, even when a Gateway created
// while it was down sorts before them (a fresh allocation would hand that one the lowest port and
// move everyone else). Real API server, real Envoy, the compiled CLI twice on one xDS port.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, it } from "mocha";
import { pickEnvoyPorts, startContour, startEnvoyFor, writeCertificates } from "../fixtures/contour.js";
import { applyEndpointSlice, createService, ensureNamespace, kubeClients } from "../fixtures/kube-objects.js";
import { freePort, httpGet, resolveToolFile, useTestBed, waitFor } from "../harness/index.js";
import { adminClient, applyManifests, getOrUndefined } from "../cluster/objects.js";

const NS = "gw-restart";

/** True when nothing listens on 127.0.0.1:port. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ host: "127.0.0.1", port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free ports (bounded tries). */
async function freeRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = await freePort();
    let ok = first + count <= 65535;
    for (let p = first + 1; ok && p < first + count; p++) ok = await isFree(p);
    if (ok) return first;
  }
  throw new Error(`no ${count} consecutive free ports on 127.0.0.1 after 20 tries`);
}

const gateway = (name: string): object => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "Gateway",
  metadata: { name, namespace: NS },
  spec: { gatewayClassName: "contour", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] },
});
const route = (name: string): object => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "HTTPRoute",
  metadata: { name, namespace: NS },
  spec: { parentRefs: [{ name }], hostnames: [`${name}.example.com`], rules: [{ backendRefs: [{ name: "echo", port: 80 }] }] },
});

describe("Gateway API: a restart of contour serve keeps the Envoy ports of existing Gateways", function () {
  const ctx = useTestBed({ pods: ["echo-1"] });

  it("reads the allocations back from the owned Services and gives a new Gateway the next free port", async function () {
    this.timeout(150_000);
    const { bed } = ctx;
    const api = adminClient(bed);
    try {
      const kube = kubeClients(bed.apiserver.makeKubeConfig());
      await ensureNamespace(kube, "projectcontour");
      await ensureNamespace(kube, NS);
      await applyManifests(api, readFileSync(resolveToolFile("gateway-api-crds"), "utf8"));
      await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
      await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
      const first = await freeRange(3);
      const args = [`--gateway-port-range=${first}-${first + 2}`, "--disable-leader-election"];
      const certs = await writeCertificates(bed);
      const envoyPorts = await pickEnvoyPorts();
      const targetPort = async (gw: string): Promise<number | undefined> =>
        (await getOrUndefined<{ spec: { ports: { targetPort: number }[] } }>(api, `/api/v1/namespaces/${NS}/services/envoy-${gw}`))?.spec.ports[0]?.targetPort;
      const served = async (gw: string, port: number): Promise<boolean> => (await httpGet(`http://127.0.0.1:${port}/`, { host: `${gw}.example.com`, timeoutMs: 2000 }).catch(() => undefined))?.status === 200;

      const before = await startContour(bed, { certs, envoyPorts, name: "contour-1", args });
      const envoy = await startEnvoyFor(bed, { certs, xdsPort: before.xdsPort });
      await applyManifests(api, JSON.stringify({ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "contour" }, spec: { controllerName: "projectcontour.io/gateway-controller" } }));
      for (const name of ["b", "c"]) {
        await applyManifests(api, JSON.stringify(gateway(name)));
        await applyManifests(api, JSON.stringify(route(name)));
      }
      await waitFor(async () => (await targetPort("b")) !== undefined && (await targetPort("c")) !== undefined, { timeoutMs: 60_000, description: "Services envoy-b and envoy-c" });
      const b = (await targetPort("b"))!;
      const c = (await targetPort("c"))!;
      assert.deepEqual([b, c], [first, first + 1], "the lowest ports in (Gateway, port) order");
      await waitFor(async () => (await served("b", b)) && (await served("c", c)), { timeoutMs: 30_000, description: "b and c served on their ports" });

      await before.stop();
      // Created while contour is down, and first in (Gateway, port) order.
      await applyManifests(api, JSON.stringify(gateway("a")));
      await applyManifests(api, JSON.stringify(route("a")));
      const after = await startContour(bed, { certs, envoyPorts, name: "contour-2", xdsPort: before.xdsPort, args });
      await waitFor(async () => (await targetPort("a")) !== undefined, { timeoutMs: 60_000, description: "Service envoy-a from the restarted contour" });
      assert.equal(await targetPort("a"), first + 2, "the new Gateway gets the free port");
      assert.deepEqual([await targetPort("b"), await targetPort("c")], [b, c], "existing Gateways keep their ports");
      await waitFor(async () => (await served("a", first + 2)) && (await served("b", b)) && (await served("c", c)), { timeoutMs: 30_000, description: "a, b and c served on their ports after the restart" });
      assert.ok((await envoy.admin.listeners()).some((l) => l.name === `gateway/${NS}/a/80`));
      await after.stop();
    } finally {
      api.close();
    }
  });
});
