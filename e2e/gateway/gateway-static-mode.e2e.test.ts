// Upstream's static Gateway mode (the config file's gateway.gatewayRef) through the whole product: the
// named Gateway, of a GatewayClass of another controller, is served through a real Envoy and gets
// our status; a Gateway of our own class is not served and gets none; no GatewayClass gets our status.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "mocha";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { freePort, httpGet, resolveToolFile, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { adminClient, applyManifests, getOrUndefined } from "../cluster/objects.js";

const NS = "gw-static";
const GW_API = "/apis/gateway.networking.k8s.io/v1";

interface Cond {
  type: string;
  status: string;
  reason: string;
}
interface WithStatus {
  status?: { conditions?: Cond[]; parents?: { controllerName: string; conditions: Cond[] }[] };
}
const cond = (conds: readonly Cond[] | undefined, type: string): Cond | undefined => conds?.find((c) => c.type === type);

describe("Gateway API static mode: gateway.gatewayRef serves the one named Gateway through Envoy", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-gw-static-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(configPath, ["gateway:", "  gatewayRef:", `    namespace: ${NS}`, "    name: theirs", ""].join("\n"));
  const contourArgs: string[] = [`--config-path=${configPath}`];
  let gatewayPort = 0;
  before(async () => {
    gatewayPort = await freePort();
    // One Envoy port: the named Gateway must be the one that takes it.
    contourArgs.push(`--gateway-port-range=${gatewayPort}-${gatewayPort}`);
  });
  const ctx = useStack({ pods: ["theirs-1", "ours-1"], crds: true, cluster: true, contourArgs });
  let api: ApiClient;
  before(() => {
    api = adminClient(ctx.stack.bed);
  });
  after(() => {
    api?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = <T>(path: string): Promise<T | undefined> => getOrUndefined<T>(api, path);

  async function backend(name: string, pod: number): Promise<void> {
    const { bed, kube } = ctx.stack;
    await createService(kube, NS, name, [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, name, "http", [{ ip: bed.pods[pod]!.ip, port: bed.pods[pod]!.port }]);
  }

  it("serves the named Gateway of another controller's class and writes its status and its route's", async function () {
    this.timeout(120_000);
    await ensureNamespace(ctx.stack.kube, NS);
    await applyManifests(api, readFileSync(resolveToolFile("gateway-api-crds"), "utf8"));
    await backend("theirs-app", 0);
    await backend("ours-app", 1);
    const route = (name: string, parent: string, host: string, svc: string) => ({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name, namespace: NS },
      spec: { parentRefs: [{ name: parent }], hostnames: [host], rules: [{ backendRefs: [{ name: svc, port: 80 }] }] },
    });
    const objects = [
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "contour" }, spec: { controllerName: "projectcontour.io/gateway-controller" } },
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "someone-else" }, spec: { controllerName: "example.com/another-controller" } },
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "theirs", namespace: NS }, spec: { gatewayClassName: "someone-else", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } },
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "web", namespace: NS }, spec: { gatewayClassName: "contour", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } },
      route("theirs", "theirs", "theirs.example.com", "theirs-app"),
      route("ours", "web", "ours.example.com", "ours-app"),
    ];
    for (const o of objects) await applyManifests(api, JSON.stringify(o));

    // The informers look for a missing CRD again every 30 s.
    let last = "";
    await waitFor(
      async () => {
        const res = await httpGet(`http://127.0.0.1:${gatewayPort}/`, { host: "theirs.example.com", timeoutMs: 3000 }).catch((e: Error) => ({ status: 0, body: e.message }));
        last = `${res.status} ${res.body.slice(0, 200)}`;
        return res.status === 200;
      },
      { timeoutMs: 90_000, description: () => `theirs.example.com through the Gateway's Envoy port (last: ${last})` },
    );
    const gw = await waitFor(
      async () => {
        const g = await get<WithStatus>(`${GW_API}/namespaces/${NS}/gateways/theirs`);
        return cond(g?.status?.conditions, "Accepted")?.status === "True" ? g : undefined;
      },
      { timeoutMs: 20_000, description: "Gateway theirs to be Accepted by us" },
    );
    assert.equal(cond(gw.status?.conditions, "Accepted")?.reason, "Accepted");
    const hr = await waitFor(
      async () => {
        const r = await get<WithStatus>(`${GW_API}/namespaces/${NS}/httproutes/theirs`);
        return r?.status?.parents?.find((p) => p.controllerName === "projectcontour.io/gateway-controller");
      },
      { timeoutMs: 20_000, description: "HTTPRoute theirs to get our parent status" },
    );
    assert.equal(cond(hr.conditions, "Accepted")?.status, "True");
  });

  it("leaves the other Gateway (of our own class) and every GatewayClass alone", async () => {
    const { envoy } = ctx.stack;
    const names = (await envoy.admin.listeners()).map((l) => l.name);
    assert.ok(names.includes(`gateway/${NS}/theirs/80`), names.join(","));
    assert.ok(!names.some((n) => n.startsWith(`gateway/${NS}/web/`)), names.join(","));
    const web = await get<WithStatus>(`${GW_API}/namespaces/${NS}/gateways/web`);
    assert.notEqual(cond(web?.status?.conditions, "Accepted")?.status, "True", JSON.stringify(web?.status));
    const ours = await get<WithStatus>(`${GW_API}/namespaces/${NS}/httproutes/ours`);
    assert.equal(ours?.status?.parents?.length ?? 0, 0, JSON.stringify(ours?.status));
    for (const name of ["contour", "someone-else"]) {
      const gc = await get<WithStatus>(`${GW_API}/gatewayclasses/${name}`);
      assert.notEqual(cond(gc?.status?.conditions, "Accepted")?.status, "True", `GatewayClass ${name}: ${JSON.stringify(gc?.status)}`);
    }
  });
});
