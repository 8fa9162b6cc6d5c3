import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { createNullLogger } from "../log.js";
import { createFakeClock, settle, type FakeClock } from "../runtime/fake-clock.js";
import { KubeError } from "../runtime/kube-error.js";
import { computeIngressLoadBalancer, loadBalancerFromAddresses, loadBalancerFromService } from "./ingress-load-balancer.js";
import { semanticEqual } from "./semantic-equal.js";
import type { ObjectWithStatus, StatusApi } from "./status-api.js";
import { createStatusWriter, type StatusWriter, type StatusWriterOptions } from "./status-writer.js";

const ING = "/apis/networking.k8s.io/v1/namespaces/ns/ingresses";

// Objects by path; every replaceStatus bumps the resourceVersion, and a stale one gets 409.
function fakeApi() {
  const objects = new Map<string, ObjectWithStatus>();
  const log: string[] = [];
  let failNext: KubeError[] = [];
  const api: StatusApi = {
    async get(path) {
      log.push(`get ${path}`);
      const obj = objects.get(path);
      return obj === undefined ? undefined : structuredClone(obj);
    },
    async replaceStatus(path, obj) {
      log.push(`put ${path}`);
      const err = failNext.shift();
      if (err !== undefined) throw err;
      const current = objects.get(path);
      if (current === undefined) throw new KubeError("not found", 404);
      if (current.metadata?.resourceVersion !== obj.metadata?.resourceVersion) throw new KubeError("modified", 409);
      objects.set(path, { ...current, status: obj.status, metadata: { ...current.metadata, resourceVersion: String(Number(current.metadata?.resourceVersion) + 1) } });
    },
  };
  return {
    api,
    objects,
    log,
    failWith: (...errs: KubeError[]) => (failNext = errs),
    ingress: (name: string, status: unknown = { loadBalancer: {} }) => objects.set(`${ING}/${name}`, { metadata: { name, namespace: "ns", resourceVersion: "1" }, status }),
  };
}

function setup(opts: { qps?: number; burst?: number; cached?: StatusWriterOptions["cached"] } = {}) {
  const clock: FakeClock = createFakeClock(0);
  const fake = fakeApi();
  const registry = new Registry();
  let leader = true;
  const writer: StatusWriter = createStatusWriter({
    api: fake.api,
    isLeader: () => leader,
    log: createNullLogger(),
    clock,
    registry,
    qps: opts.qps ?? 20,
    burst: opts.burst,
    retry: { baseMs: 1_000, maxMs: 8_000 },
    ...(opts.cached !== undefined ? { cached: opts.cached } : {}),
  });
  const results = async (): Promise<Record<string, number>> => {
    const metric = await registry.getSingleMetric("contour_status_updates_total")?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [`${String(v.labels["kind"])}/${String(v.labels["result"])}`, v.value]));
  };
  return { clock, fake, writer, results, setLeader: (v: boolean) => (leader = v) };
}

const LB = { ingress: [{ ip: "192.0.2.1" }] };

describe("createStatusWriter", () => {
  it("writes an Ingress load-balancer status, keeping the rest of the status", async () => {
    const { fake, writer, results } = setup();
    fake.ingress("a", { loadBalancer: {}, other: "kept" });
    writer.updateIngressLoadBalancer("ns", "a", LB);
    await writer.flush();
    assert.deepEqual(fake.objects.get(`${ING}/a`)?.status, { loadBalancer: LB, other: "kept" });
    assert.deepEqual(await results(), { "Ingress/updated": 1 });
  });

  it("skips a write that would change nothing", async () => {
    const { fake, writer, results } = setup();
    fake.ingress("a", { loadBalancer: { ingress: [{ ip: "192.0.2.1", ports: [] }] } });
    writer.updateIngressLoadBalancer("ns", "a", LB);
    await writer.flush();
    assert.deepEqual(fake.log, [`get ${ING}/a`]);
    assert.deepEqual(await results(), { "Ingress/noop": 1 });
  });

  it("retries a conflict on a fresh read", async () => {
    const { fake, writer, results } = setup();
    fake.ingress("a");
    fake.failWith(new KubeError("modified", 409));
    writer.updateIngressLoadBalancer("ns", "a", LB);
    await writer.flush();
    assert.deepEqual(fake.log, [`get ${ING}/a`, `put ${ING}/a`, `get ${ING}/a`, `put ${ING}/a`]);
    assert.deepEqual(await results(), { "Ingress/updated": 1 });
  });

  it("counts a missing object as notfound", async () => {
    const { writer, results } = setup();
    writer.updateIngressLoadBalancer("ns", "gone", LB);
    await writer.flush();
    assert.deepEqual(await results(), { "Ingress/notfound": 1 });
  });

  it("writes custom status, from a value or from a function of the object read", async () => {
    const { fake, writer } = setup();
    const path = "/apis/projectcontour.io/v1/namespaces/ns/httpproxies/p";
    fake.objects.set(path, { metadata: { name: "p", namespace: "ns", resourceVersion: "1" }, status: { currentStatus: "invalid" } });
    writer.updateCustomStatus("projectcontour.io", "v1", "httpproxies", "ns", "p", { currentStatus: "valid" });
    await writer.flush();
    assert.deepEqual(fake.objects.get(path)?.status, { currentStatus: "valid" });
    writer.updateCustomStatus("projectcontour.io", "v1", "httpproxies", "ns", "p", (current) => ({ ...(current.status as object), description: "ok" }));
    await writer.flush();
    assert.deepEqual(fake.objects.get(path)?.status, { currentStatus: "valid", description: "ok" });
  });

  it("paces writes with the token bucket and keeps only the latest update per object", async () => {
    const { clock, fake, writer } = setup({ qps: 2, burst: 1 });
    for (const name of ["a", "b", "c"]) fake.ingress(name);
    const times: number[] = [];
    const put = fake.api.replaceStatus.bind(fake.api);
    fake.api.replaceStatus = async (path, obj) => {
      times.push(clock.now());
      await put(path, obj);
    };
    writer.updateIngressLoadBalancer("ns", "a", LB);
    writer.updateIngressLoadBalancer("ns", "b", { ingress: [{ hostname: "old.example.com" }] });
    writer.updateIngressLoadBalancer("ns", "c", LB);
    writer.updateIngressLoadBalancer("ns", "b", { ingress: [{ hostname: "new.example.com" }] });
    await clock.advance(2_000);
    await writer.flush();
    assert.deepEqual(times, [0, 500, 1_000]);
    assert.deepEqual(fake.objects.get(`${ING}/b`)?.status, { loadBalancer: { ingress: [{ hostname: "new.example.com" }] } });
  });

  it("does not queue while not leader and drops pending writes when leadership is lost", async () => {
    const { clock, fake, writer, results, setLeader } = setup({ qps: 1, burst: 1 });
    fake.ingress("a");
    fake.ingress("b");
    setLeader(false);
    writer.updateIngressLoadBalancer("ns", "a", LB);
    await writer.flush();
    assert.deepEqual(fake.log, []);
    setLeader(true);
    writer.updateIngressLoadBalancer("ns", "a", LB);
    writer.updateIngressLoadBalancer("ns", "b", LB);
    await settle();
    setLeader(false);
    await clock.advance(2_000);
    await writer.flush();
    assert.deepEqual(await results(), { "Ingress/updated": 1, "Ingress/dropped": 1 });
    assert.deepEqual(fake.objects.get(`${ING}/b`)?.status, { loadBalancer: {} });
  });

  it("writes from the informers' copy with one request, and reads only after a conflict", async () => {
    let copy: ObjectWithStatus | undefined;
    const { fake, writer } = setup({ cached: () => (copy === undefined ? undefined : structuredClone(copy)) });
    fake.ingress("a");
    copy = fake.objects.get(`${ING}/a`);
    writer.updateIngressLoadBalancer("ns", "a", LB);
    await settle();
    await writer.flush();
    assert.deepEqual(fake.log, [`put ${ING}/a`]);
    // The copy is now stale (resourceVersion 1, the object is at 2): the PUT conflicts, a GET follows.
    writer.updateIngressLoadBalancer("ns", "a", { ingress: [{ hostname: "next.example.com" }] });
    await settle();
    await writer.flush();
    assert.deepEqual(fake.log, [`put ${ING}/a`, `put ${ING}/a`, `get ${ING}/a`, `put ${ING}/a`]);
    assert.deepEqual(fake.objects.get(`${ING}/a`)?.status, { loadBalancer: { ingress: [{ hostname: "next.example.com" }] } });
  });

  it("keeps several objects' writes in flight but never two of one object", async () => {
    const { fake, writer } = setup({ qps: 1000, burst: 1000 });
    for (const name of ["a", "b", "c"]) fake.ingress(name);
    let active = 0;
    let most = 0;
    const activeByPath = new Map<string, number>();
    const put = fake.api.replaceStatus.bind(fake.api);
    fake.api.replaceStatus = async (path, obj) => {
      active++;
      activeByPath.set(path, (activeByPath.get(path) ?? 0) + 1);
      most = Math.max(most, active);
      assert.equal(activeByPath.get(path), 1, `one write at a time to ${path}`);
      await new Promise((resolve) => setImmediate(resolve));
      await put(path, obj);
      activeByPath.set(path, (activeByPath.get(path) ?? 1) - 1);
      active--;
    };
    writer.updateIngressLoadBalancer("ns", "a", LB);
    writer.updateIngressLoadBalancer("ns", "b", LB);
    writer.updateIngressLoadBalancer("ns", "c", LB);
    writer.updateIngressLoadBalancer("ns", "a", { ingress: [{ hostname: "last.example.com" }] });
    await settle();
    await writer.flush();
    assert.ok(most >= 2, `writes overlapped (at most ${most} at once)`);
    assert.deepEqual(fake.objects.get(`${ING}/a`)?.status, { loadBalancer: { ingress: [{ hostname: "last.example.com" }] } });
  });

  it("retries transient errors with backoff", async () => {
    const { clock, fake, writer, results } = setup();
    fake.ingress("a");
    fake.failWith(new KubeError("connection reset", undefined));
    writer.updateIngressLoadBalancer("ns", "a", LB);
    await writer.flush();
    assert.deepEqual(await results(), { "Ingress/error": 1 });
    await clock.advance(1_000);
    await writer.flush();
    assert.deepEqual(await results(), { "Ingress/error": 1, "Ingress/updated": 1 });
  });
});

describe("semanticEqual", () => {
  const cases: [unknown, unknown, boolean][] = [
    [{ loadBalancer: {} }, undefined, true],
    [{ ingress: [] }, {}, true],
    [{ a: 1, b: null }, { a: 1 }, true],
    [{ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } }, true],
    [{ ingress: [{ ip: "1" }, { ip: "2" }] }, { ingress: [{ ip: "2" }, { ip: "1" }] }, false],
    [{ a: "1" }, { a: 1 }, false],
  ];
  for (const [a, b, want] of cases) it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`, () => assert.equal(semanticEqual(a, b), want));
});

describe("Ingress load-balancer status", () => {
  it("uses IPs and host names from --ingress-status-address", () => {
    assert.deepEqual(loadBalancerFromAddresses(["192.0.2.1", "2001:db8::1", "lb.example.com"]), {
      ingress: [{ ip: "192.0.2.1" }, { ip: "2001:db8::1" }, { hostname: "lb.example.com" }],
    });
  });

  it("copies the Envoy Service's load-balancer status, dropping ipMode", () => {
    const svc = { status: { loadBalancer: { ingress: [{ ip: "203.0.113.5", ipMode: "VIP", ports: [{ port: 80, protocol: "TCP" }] }, { hostname: "a.elb.example.com" }] } } };
    assert.deepEqual(loadBalancerFromService(svc), { ingress: [{ ip: "203.0.113.5", ports: [{ port: 80, protocol: "TCP" }] }, { hostname: "a.elb.example.com" }] });
  });

  it("falls back to externalIPs, then to nothing", () => {
    assert.deepEqual(loadBalancerFromService({ spec: { externalIPs: ["198.51.100.7"] } }), { ingress: [{ ip: "198.51.100.7" }] });
    assert.deepEqual(loadBalancerFromService(undefined), {});
  });

  it("prefers configured addresses over the Service", () => {
    const svc = { status: { loadBalancer: { ingress: [{ ip: "203.0.113.5" }] } } };
    assert.deepEqual(computeIngressLoadBalancer(["lb.example.com"], svc), { ingress: [{ hostname: "lb.example.com" }] });
    assert.deepEqual(computeIngressLoadBalancer([], svc), { ingress: [{ ip: "203.0.113.5" }] });
  });
});
