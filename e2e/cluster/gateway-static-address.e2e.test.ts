// Gateway spec.addresses through the bed: contour and an Envoy pod (as under the conformance suite), a
// Gateway that asks for a usable address of the bed's LoadBalancer pool gets it on its owned Service and
// answers HTTP on it; one that asks for an address outside the pool, or one another Service holds, is
// Programmed=False AddressNotUsable (the load balancer says why in a Service condition and an Event);
// a Hostname address is Accepted=False UnsupportedAddress. The pure load-balancer decisions first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { httpGet, resolveToolFile, useTestBed, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { decideRequest, inPool, pickRequestOnlyAddress, REQUEST_SATISFIED_CONDITION, requestConditions, requestedAddresses, UNUSABLE_ADDRESS } from "../harness/load-balancer-requests.js";
import { startContourOnBed } from "./conformance-contour.js";
import { staticAddressArgs } from "./conformance-run.js";
import { adminClient, applyManifests, getOrUndefined, waitForReadyPods } from "./objects.js";

const NS = "static-addr";
const GW_API = "/apis/gateway.networking.k8s.io/v1";
const hostAddresses = (): string => execFileSync("ip", ["-4", "-o", "addr", "show"], { encoding: "utf8" });

interface Cond {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}
interface GatewayView {
  metadata: { generation?: number };
  status?: { conditions?: Cond[]; addresses?: { type?: string; value: string }[] };
}
interface ServiceView {
  metadata: { annotations?: Record<string, string>; uid?: string };
  spec: { loadBalancerIP?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] }; conditions?: Cond[] };
}

describe("cluster: the bed's load balancer decides requested addresses", function () {
  const none = (): undefined => undefined;
  it("reads the Cilium LB IPAM annotation before spec.loadBalancerIP", () => {
    assert.deepEqual(requestedAddresses({ metadata: { annotations: { "lbipam.cilium.io/ips": " 198.19.255.201, 198.19.255.202,198.19.255.201" } }, spec: { loadBalancerIP: "198.19.255.9" } }), ["198.19.255.201", "198.19.255.202"]);
    assert.deepEqual(requestedAddresses({ spec: { loadBalancerIP: "198.19.255.9" } }), ["198.19.255.9"]);
    assert.deepEqual(requestedAddresses({}), []);
  });
  it("gives all requested addresses of the pool or none, naming the first it cannot give", () => {
    assert.ok(inPool("198.19.255.1") && inPool("198.19.255.254"));
    assert.ok(!inPool("198.19.255.0") && !inPool("198.19.255.255") && !inPool(UNUSABLE_ADDRESS) && !inPool("2001:db8::1"));
    assert.deepEqual(decideRequest(["198.19.255.201"], none, () => false), { ok: true, addresses: ["198.19.255.201"] });
    assert.deepEqual(decideRequest([UNUSABLE_ADDRESS, "198.19.255.201"], none, () => false), { ok: false, reason: "outside_pool", message: "requested address 198.19.254.1 is outside the pool 198.19.255.0/24" });
    assert.deepEqual(decideRequest(["198.19.255.201"], () => "a/b", () => false), { ok: false, reason: "already_allocated", message: "requested address 198.19.255.201 is already allocated to Service a/b" });
    assert.equal(decideRequest(["198.19.255.201"], none, () => true).ok, false);
  });
  it("sets its Service condition, moving lastTransitionTime only when the status changes", () => {
    const refused = requestConditions(undefined, { ok: false, reason: "outside_pool", message: "m" }, 1, "2026-01-01T00:00:00Z");
    assert.deepEqual(refused, [{ type: REQUEST_SATISFIED_CONDITION, status: "False", reason: "outside_pool", message: "m", lastTransitionTime: "2026-01-01T00:00:00Z", observedGeneration: 1 }]);
    assert.equal(requestConditions(refused, { ok: false, reason: "outside_pool", message: "m" }, 1, "2026-01-02T00:00:00Z"), undefined);
    const other = { type: "x", status: "True" as const, reason: "r", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" };
    assert.deepEqual(requestConditions([other, ...(refused ?? [])], { ok: true, addresses: [] }, 2, "2026-01-03T00:00:00Z")?.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime]), [["x", "True", "r", "2026-01-01T00:00:00Z"], [REQUEST_SATISFIED_CONDITION, "True", "satisfied", "2026-01-03T00:00:00Z"]]);
  });
  it("hands the conformance suite a free request-only address and one outside every bed range", () => {
    assert.equal(pickRequestOnlyAddress(" 198.19.255.200/32 ", () => 0), "198.19.255.201");
    assert.throws(() => pickRequestOnlyAddress(Array.from({ length: 55 }, (_, i) => ` 198.19.255.${200 + i}/32`).join("\n")), /every request-only address/);
    const args = staticAddressArgs(["-run-test=GatewayStaticAddresses"], () => "");
    assert.match(args[0] ?? "", /^-usable-address=198\.19\.255\.(2\d\d)$/);
    assert.equal(args[1], "-unusable-address=198.19.254.1");
    assert.deepEqual(staticAddressArgs(["-usable-address=198.19.255.222", "--unusable-address=198.19.254.9"], () => ""), []);
  });
});

describe("cluster: a Gateway with a requested address, through the bed's load balancer and an Envoy pod", function () {
  const ctx = useTestBed({ cluster: true });
  let api: ApiClient;
  let usable = "";
  let taken = "";

  const get = <T>(path: string): Promise<T | undefined> => getOrUndefined<T>(api, path);
  const cond = (conds: readonly Cond[] | undefined, type: string): Cond | undefined => conds?.find((c) => c.type === type);
  const gatewayWhen = (name: string, ok: (g: GatewayView) => boolean, description: string): Promise<GatewayView> =>
    waitFor(
      async () => {
        const g = await get<GatewayView>(`${GW_API}/namespaces/${NS}/gateways/${name}`);
        // Only conditions of the current generation count.
        const current = g !== undefined && (g.status?.conditions ?? []).length > 0 && g.status?.conditions?.every((c) => c.observedGeneration === g.metadata.generation);
        return current && ok(g) ? g : undefined;
      },
      { timeoutMs: 60_000, description },
    );
  const gateway = (name: string, addresses: unknown[]): string =>
    JSON.stringify({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name, namespace: NS }, spec: { gatewayClassName: "contour", addresses, listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } });

  before(async function () {
    this.timeout(240_000);
    api = adminClient(ctx.bed);
    await applyManifests(api, readFileSync(resolveToolFile("gateway-api-crds"), "utf8"));
    await startContourOnBed(ctx.bed);
    usable = pickRequestOnlyAddress(hostAddresses());
    taken = pickRequestOnlyAddress(hostAddresses().concat(` ${usable}/32`));
    await applyManifests(api, JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }));
    await applyManifests(
      api,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "echo", namespace: NS, labels: { app: "echo" } },
        spec: { containers: [{ name: "echo", image: "registry.k8s.io/gateway-api/echo-basic:v1.5.1", env: [{ name: "POD_NAME", value: "echo" }, { name: "NAMESPACE", value: NS }], readinessProbe: { httpGet: { path: "/", port: 3000 }, periodSeconds: 1 } }] },
      }),
    );
    await applyManifests(api, JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "echo", namespace: NS }, spec: { selector: { app: "echo" }, ports: [{ name: "http", port: 8080, targetPort: 3000 }] } }));
    await waitForReadyPods(api, NS, "app=echo", 1, 60_000);
  });
  after(() => api?.close());

  it("gets the usable address it asks for on its Service and answers HTTP on it", async function () {
    this.timeout(120_000);
    await applyManifests(api, gateway("requested", [{ type: "IPAddress", value: usable }]));
    await applyManifests(
      api,
      JSON.stringify({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "echo", namespace: NS },
        spec: { parentRefs: [{ name: "requested" }], hostnames: ["static.example.com"], rules: [{ backendRefs: [{ name: "echo", port: 8080 }] }] },
      }),
    );
    const gw = await gatewayWhen("requested", (g) => cond(g.status?.conditions, "Programmed")?.status === "True", `Gateway requested to be Programmed on ${usable}`);
    assert.deepEqual(gw.status?.addresses, [{ type: "IPAddress", value: usable }]);
    const svc = await get<ServiceView>(`/api/v1/namespaces/${NS}/services/envoy-requested`);
    assert.equal(svc?.metadata.annotations?.["lbipam.cilium.io/ips"], usable);
    assert.equal(svc?.spec.loadBalancerIP, usable);
    assert.deepEqual(svc?.status?.loadBalancer?.ingress?.map((i) => i.ip), [usable]);
    assert.equal(cond(svc?.status?.conditions, REQUEST_SATISFIED_CONDITION)?.reason, "satisfied");
    const res = await waitFor(
      async () => {
        const r = await httpGet(`http://${usable}/hello`, { host: "static.example.com", timeoutMs: 2000 }).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      { timeoutMs: 30_000, description: `static.example.com to answer on ${usable}:80` },
    );
    assert.equal(res.json<{ pod: string; path: string }>().pod, "echo");
    assert.equal(res.json<{ pod: string; path: string }>().path, "/hello");
  });

  it("is Programmed=False AddressNotUsable for an address outside the pool, told by the Service condition and an Event", async function () {
    this.timeout(90_000);
    await api.request("PATCH", `${GW_API}/namespaces/${NS}/gateways/requested`, { spec: { addresses: [{ type: "IPAddress", value: UNUSABLE_ADDRESS }] } });
    // Until the load balancer answers, the Service still holds the old address (AddressNotUsable without a why).
    const gw = await gatewayWhen("requested", (g) => /outside_pool/.test(cond(g.status?.conditions, "Programmed")?.message ?? ""), "Gateway requested to be AddressNotUsable, with the load balancer's reason");
    assert.equal(cond(gw.status?.conditions, "Programmed")?.reason, "AddressNotUsable");
    assert.equal(cond(gw.status?.conditions, "Accepted")?.status, "True");
    assert.match(cond(gw.status?.conditions, "Programmed")?.message ?? "", /^spec\.addresses\[0\]\.value: "198\.19\.254\.1" was not assigned by the load balancer: io\.cilium\/lb-ipam-request-satisfied outside_pool: requested address 198\.19\.254\.1 is outside the pool/);
    // Only addresses actually assigned: the Service holds none now.
    await gatewayWhen("requested", (g) => (g.status?.addresses ?? []).length === 0, "Gateway requested to list no address");
    const svc = await get<ServiceView>(`/api/v1/namespaces/${NS}/services/envoy-requested`);
    assert.equal(cond(svc?.status?.conditions, REQUEST_SATISFIED_CONDITION)?.status, "False");
    assert.equal(svc?.status?.loadBalancer?.ingress, undefined);
    assert.ok(!hostAddresses().includes(` ${usable}/`), `${usable} is taken off the host`);
    assert.ok(!hostAddresses().includes(` ${UNUSABLE_ADDRESS}/`), `${UNUSABLE_ADDRESS} is never put on the host`);
    const events = await waitFor(
      async () => {
        const list = await api.request<{ items: { reason: string; type: string; message: string; involvedObject: { name: string } }[] }>("GET", `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name%3Denvoy-requested`);
        return list.items.some((e) => e.reason === "AllocationFailed") ? list.items : undefined;
      },
      { timeoutMs: 10_000, description: "an AllocationFailed Event on envoy-requested" },
    );
    assert.ok(events.some((e) => e.type === "Warning" && e.message.includes(UNUSABLE_ADDRESS)));
  });

  it("is AddressNotUsable for an address another Service holds, and Programmed again on the usable one", async function () {
    this.timeout(90_000);
    await applyManifests(api, JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "squatter", namespace: NS }, spec: { type: "LoadBalancer", loadBalancerIP: taken, selector: { app: "echo" }, ports: [{ port: 80, targetPort: 3000 }] } }));
    await waitFor(() => (ctx.bed.cluster.loadBalancer.addressOf(NS, "squatter") === taken ? true : undefined), { timeoutMs: 20_000, description: `Service squatter to get ${taken}` });
    await api.request("PATCH", `${GW_API}/namespaces/${NS}/gateways/requested`, { spec: { addresses: [{ type: "IPAddress", value: taken }] } });
    const gw = await gatewayWhen("requested", (g) => /already allocated/.test(cond(g.status?.conditions, "Programmed")?.message ?? ""), "Gateway requested to be refused an address Service squatter holds");
    assert.equal(cond(gw.status?.conditions, "Programmed")?.reason, "AddressNotUsable");
    assert.match(cond(gw.status?.conditions, "Programmed")?.message ?? "", new RegExp(`already allocated to Service ${NS}/squatter`));

    await api.request("PATCH", `${GW_API}/namespaces/${NS}/gateways/requested`, { spec: { addresses: [{ type: "IPAddress", value: usable }] } });
    const back = await gatewayWhen("requested", (g) => cond(g.status?.conditions, "Programmed")?.status === "True", "Gateway requested to be Programmed again");
    assert.deepEqual(back.status?.addresses, [{ type: "IPAddress", value: usable }]);
    await waitFor(async () => ((await httpGet(`http://${usable}/again`, { host: "static.example.com", timeoutMs: 2000 }).catch(() => undefined))?.status === 200 ? true : undefined), { timeoutMs: 30_000, description: `static.example.com to answer on ${usable} again` });
  });

  it("is Accepted=False UnsupportedAddress for a Hostname address, naming the field, and gets no Service", async function () {
    this.timeout(60_000);
    await applyManifests(api, gateway("named", [{ type: "IPAddress", value: usable }, { type: "Hostname", value: "lb.example.com" }]));
    const gw = await gatewayWhen("named", (g) => cond(g.status?.conditions, "Accepted")?.status === "False", "Gateway named to be refused");
    assert.equal(cond(gw.status?.conditions, "Accepted")?.reason, "UnsupportedAddress");
    assert.equal(cond(gw.status?.conditions, "Accepted")?.message, 'spec.addresses[1].type: "Hostname" is not supported; only IPAddress is');
    assert.equal(await get(`/api/v1/namespaces/${NS}/services/envoy-named`), undefined);
  });
});
