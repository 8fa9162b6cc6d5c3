// Gateway API through the whole product: the v1.6.1 CRDs installed after `contour serve` started
// (picked up without a restart), a GatewayClass of ours and one of another controller, a Gateway
// with an HTTP listener and an HTTPRoute served through a real Envoy on the port allocated to the
// Gateway, status read back (GatewayClass Accepted, Gateway Accepted/Programmed with the address the
// bed's load balancer gave the owned Service, HTTPRoute Accepted/ResolvedRefs), the other class and
// its Gateway left alone, an HTTPProxy and an Ingress served beside it, and the owned Service
// removed with its Gateway.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { freePort, httpGet, resolveToolFile, waitFor, type HttpResponse } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { adminClient, applyManifests, getOrUndefined } from "../cluster/objects.js";
import { SUPPORTED_FEATURES } from "../../controllers/gateway/index.js";

const NS = "gw-e2e";
const GW_API = "/apis/gateway.networking.k8s.io/v1";

interface Cond {
  type: string;
  status: string;
  reason: string;
  message?: string;
  observedGeneration?: number;
}
interface WithStatus {
  metadata: { generation?: number };
  status?: { conditions?: Cond[]; addresses?: { type?: string; value: string }[]; parents?: { controllerName: string; conditions: Cond[] }[]; listeners?: { name: string; attachedRoutes: number; conditions: Cond[] }[] };
}
interface ServiceView {
  metadata: { labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  spec: { type: string; ports: { port: number; targetPort: number }[] };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

const cond = (conds: readonly Cond[] | undefined, type: string): Cond | undefined => conds?.find((c) => c.type === type);

describe("Gateway API: a Gateway and an HTTPRoute served through Envoy, beside an HTTPProxy and an Ingress", function () {
  // Filled before contour starts (this hook runs before useStack's): the one Envoy port a Gateway may get.
  const contourArgs: string[] = [];
  let gatewayPort = 0;
  before(async () => {
    gatewayPort = await freePort();
    contourArgs.push(`--gateway-port-range=${gatewayPort}-${gatewayPort}`);
  });
  const ctx = useStack({ pods: ["gw-1", "proxy-1", "ing-1"], crds: true, cluster: true, contourArgs });
  let api: ApiClient;
  before(() => {
    api = adminClient(ctx.stack.bed);
  });
  after(() => api?.close());

  async function backend(name: string, pod: number): Promise<void> {
    const { bed, kube } = ctx.stack;
    await createService(kube, NS, name, [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, name, "http", [{ ip: bed.pods[pod]!.ip, port: bed.pods[pod]!.port }]);
  }

  const get = <T>(path: string): Promise<T | undefined> => getOrUndefined<T>(api, path);
  const viaGateway = (host: string, path = "/"): Promise<HttpResponse> => httpGet(`http://127.0.0.1:${gatewayPort}${path}`, { host, timeoutMs: 3000 });
  const nameOf = (res: HttpResponse): string => (res.status === 200 ? res.json<{ name: string }>().name : `HTTP ${res.status}`);

  it("picks up the Gateway API CRDs installed after start, without a restart", async function () {
    this.timeout(90_000);
    await ensureNamespace(ctx.stack.kube, NS);
    await applyManifests(api, readFileSync(resolveToolFile("gateway-api-crds"), "utf8"));
    await backend("echo", 0);
    const objects = [
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "contour" }, spec: { controllerName: "projectcontour.io/gateway-controller" } },
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "someone-else" }, spec: { controllerName: "example.com/another-controller" } },
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "web", namespace: NS }, spec: { gatewayClassName: "contour", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } },
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "theirs", namespace: NS }, spec: { gatewayClassName: "someone-else", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } },
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "echo", namespace: NS },
        spec: { parentRefs: [{ name: "web" }], hostnames: ["gw.example.com"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "echo", port: 80 }] }] },
      },
    ];
    for (const o of objects) await applyManifests(api, JSON.stringify(o));
    // The informers look for a missing CRD again every 30 s.
    const gc = await waitFor(
      async () => {
        const c = await get<WithStatus>(`${GW_API}/gatewayclasses/contour`);
        return cond(c?.status?.conditions, "Accepted")?.status === "True" ? c : undefined;
      },
      { timeoutMs: 60_000, description: "GatewayClass contour to be Accepted" },
    );
    assert.equal(cond(gc.status?.conditions, "Accepted")?.reason, "Accepted");
    // Only what has passed through Envoy is claimed.
    assert.deepEqual((gc.status as { supportedFeatures?: { name: string }[] }).supportedFeatures?.map((f) => f.name), [...SUPPORTED_FEATURES]);
  });

  it("gives the Gateway a LoadBalancer Service and serves its HTTPRoute on the allocated Envoy port", async function () {
    this.timeout(60_000);
    const svc = await waitFor(
      async () => {
        const s = await get<ServiceView>(`/api/v1/namespaces/${NS}/services/envoy-web`);
        return s?.status?.loadBalancer?.ingress?.[0]?.ip !== undefined ? s : undefined;
      },
      { timeoutMs: 30_000, description: "the Service envoy-web with a load-balancer address" },
    );
    assert.equal(svc.spec.type, "LoadBalancer");
    assert.equal(svc.metadata.labels?.["gateway.networking.k8s.io/gateway-name"], "web");
    assert.deepEqual(svc.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`), ["Gateway/web"]);
    assert.deepEqual(svc.spec.ports.map((p) => [p.port, p.targetPort]), [[80, gatewayPort]]);
    // No selector (the Envoy pods live in another namespace): contour writes the EndpointSlice.
    const slice = await get<{ metadata: { labels?: Record<string, string> }; ports?: { name: string; port: number }[] }>(`/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices/envoy-web`);
    assert.equal(slice?.metadata.labels?.["kubernetes.io/service-name"], "envoy-web");
    assert.deepEqual(slice?.ports?.map((p) => [p.name, p.port]), [["http-80", gatewayPort]]);

    const gw = await waitFor(
      async () => {
        const g = await get<WithStatus>(`${GW_API}/namespaces/${NS}/gateways/web`);
        return cond(g?.status?.conditions, "Programmed")?.status === "True" ? g : undefined;
      },
      { timeoutMs: 30_000, description: "Gateway web to be Programmed" },
    );
    assert.equal(cond(gw.status?.conditions, "Accepted")?.status, "True");
    assert.equal(cond(gw.status?.conditions, "Accepted")?.observedGeneration, gw.metadata.generation);
    assert.deepEqual(gw.status?.addresses?.map((a) => a.value), [svc.status?.loadBalancer?.ingress?.[0]?.ip]);
    assert.equal(gw.status?.listeners?.[0]?.attachedRoutes, 1);

    const res = await waitFor(
      async () => {
        const r = await viaGateway("gw.example.com", "/hello").catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      { timeoutMs: 20_000, description: "gw.example.com to be served through the Gateway's Envoy listener" },
    );
    assert.equal(nameOf(res), ctx.stack.bed.pods[0]!.name);
    // A host no route claims gets 404 from the listener, not another API's routes.
    assert.equal((await viaGateway("elsewhere.example.com")).status, 404);

    const route = await get<WithStatus>(`${GW_API}/namespaces/${NS}/httproutes/echo`);
    const parent = route?.status?.parents?.find((p) => p.controllerName === "projectcontour.io/gateway-controller");
    assert.equal(cond(parent?.conditions, "Accepted")?.status, "True");
    assert.equal(cond(parent?.conditions, "ResolvedRefs")?.status, "True");
    assert.ok((await ctx.stack.envoy.admin.listeners()).some((l) => l.name === `gateway/${NS}/web/80`), "Envoy has the listener gateway/<ns>/web/80");
  });

  it("leaves the class of another controller and its Gateway alone", async () => {
    const other = await get<WithStatus>(`${GW_API}/gatewayclasses/someone-else`);
    // What the CRD's default says, untouched.
    assert.notEqual(cond(other?.status?.conditions, "Accepted")?.status, "True");
    const theirs = await get<WithStatus>(`${GW_API}/namespaces/${NS}/gateways/theirs`);
    assert.notEqual(cond(theirs?.status?.conditions, "Programmed")?.status, "True");
    assert.equal(await get(`/api/v1/namespaces/${NS}/services/envoy-theirs`), undefined);
  });

  it("serves an HTTPProxy and an Ingress beside the Gateway, on ingress_http", async function () {
    this.timeout(40_000);
    await backend("proxied", 1);
    await backend("ingressed", 2);
    const kc = ctx.stack.bed.apiserver.makeKubeConfig();
    await createHTTPProxy(kc, NS, "proxy", { virtualhost: { fqdn: "proxy.example.com" }, routes: [{ services: [{ name: "proxied", port: 80 }] }] });
    await createIngress(ctx.stack.kube, NS, "ing", simpleIngressSpec("ingress.example.com", "ingressed", 80));
    await waitForProxyStatus(kc, NS, "proxy", "valid");
    const p = await ctx.stack.waitForHttp("proxy.example.com", "/", (r) => r.status === 200, "the HTTPProxy to be served");
    assert.equal(nameOf(p), ctx.stack.bed.pods[1]!.name);
    const i = await ctx.stack.waitForHttp("ingress.example.com", "/", (r) => r.status === 200, "the Ingress to be served");
    assert.equal(nameOf(i), ctx.stack.bed.pods[2]!.name);
    // The Gateway's routes are not on ingress_http, and the others are not on the Gateway's port.
    assert.equal((await ctx.stack.http("gw.example.com")).status, 404);
    assert.equal((await viaGateway("proxy.example.com")).status, 404);
    assert.equal(nameOf(await viaGateway("gw.example.com")), ctx.stack.bed.pods[0]!.name);
  });

  it("removes the owned Service and the Envoy listener when the Gateway is deleted", async function () {
    this.timeout(40_000);
    await api.request("DELETE", `${GW_API}/namespaces/${NS}/gateways/web`);
    await waitFor(async () => ((await get(`/api/v1/namespaces/${NS}/services/envoy-web`)) === undefined ? true : undefined), { timeoutMs: 30_000, description: "Service envoy-web to be deleted" });
    await waitFor(async () => ((await ctx.stack.envoy.admin.listeners()).every((l) => l.name !== `gateway/${NS}/web/80`) ? true : undefined), { timeoutMs: 20_000, description: "the Gateway's Envoy listener to go" });
    // The HTTPProxy is still served.
    assert.equal((await ctx.stack.http("proxy.example.com")).status, 200);
  });
});
