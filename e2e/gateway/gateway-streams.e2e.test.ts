// Gateway API beyond HTTP through a real Envoy: one Gateway with a TLS port holding a Passthrough
// and a Terminate listener (mixed), a TCP and a UDP listener on one port number, and an HTTP
// listener carrying a GRPCRoute. Backends are the Gateway API's echo-basic in its TCP (and TLS),
// UDP and gRPC modes, each in a pod network namespace: TLS passthrough reaches the TLS backend
// by SNI with the backend's certificate, TLS terminate reaches the plain TCP backend with the
// Gateway's certificate, a gRPC call is routed by its method to one of two servers by a real gRPC
// client, TCP and UDP echoes come back through their listeners, and a UDPRoute with weighted
// backends (3:1, and one of weight 0) splits its sessions by weight, and a TCPRoute with a valid and
// a missing backend of equal weights closes about half of its connections, as the spec asks.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { createServer, connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { after, before, describe, it } from "mocha";
import { createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { startEchoBasic, udpExchange, type EchoBackend } from "../fixtures/echo-basic.js";
import { selfSignedCert, type ServingCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { resolveToolFile, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { adminClient, applyManifests, getOrUndefined } from "../cluster/objects.js";

const NS = "gw-streams";
const GW_API = "/apis/gateway.networking.k8s.io/v1";

interface Cond {
  type: string;
  status: string;
  reason: string;
}
interface RouteView {
  status?: { parents?: { controllerName: string; conditions: Cond[] }[] };
}
interface ServiceView {
  spec: { ports: { name: string; protocol: string; port: number; targetPort: number }[] };
}

/** Consecutive ports free for TCP and UDP on 127.0.0.1: the Gateway's Envoy port range. */
async function freeRange(count: number): Promise<number> {
  const bindBoth = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen({ host: "127.0.0.1", port, exclusive: true }, () => {
        const udp = createSocket("udp4");
        udp.once("error", () => server.close(() => resolve(false)));
        udp.bind(port, "127.0.0.1", () => udp.close(() => server.close(() => resolve(true))));
      });
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await bindBoth(base + i);
    if (ok) return base;
  }
  throw new Error("no free range of ports for the Gateway");
}

/** Sends TEST over a connection and resolves with echo-basic's one-line JSON answer. */
function askEcho(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no answer within 3 s"));
    }, 3000);
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("utf8");
      // echo-basic may greet first: the answer is the JSON line.
      const line = data.split("\n").find((l, i, all) => i < all.length - 1 && l.startsWith("{"));
      if (line !== undefined) {
        clearTimeout(timer);
        socket.destroy();
        resolve(line);
      }
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // A connection Envoy closes (no backend for it) fails at once, not after the timeout.
    socket.once("close", () => {
      clearTimeout(timer);
      reject(new Error("closed before an answer"));
    });
    socket.write("TEST\n");
  });
}

function viaTls(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: "127.0.0.1", port, servername, ca, timeout: 3000 }, () => askEcho(s).then(resolve, reject));
    s.once("error", reject);
  });
}

function viaTcp(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: "127.0.0.1", port, timeout: 3000 }, () => askEcho(s).then(resolve, reject));
    s.once("error", reject);
  });
}

/** One unary call with an empty EchoRequest; resolves with the raw EchoResponse bytes as text. */
function grpcCall(port: number, authority: string, method: string): Promise<string> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.default_authority": authority });
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + 3000);
    client.makeUnaryRequest(
      `/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      { deadline },
      (err, value) => {
        client.close();
        if (err !== null) reject(err);
        else resolve((value ?? Buffer.alloc(0)).toString("latin1"));
      },
    );
  });
}

describe("Gateway API: TLS (passthrough and terminate), TCP, UDP and gRPC through Envoy", function () {
  const contourArgs: string[] = [];
  let base = 0;
  before(async () => {
    base = await freeRange(5);
    contourArgs.push(`--gateway-port-range=${base}-${base + 4}`);
  });
  const ctx = useStack({ crds: true, cluster: true, contourArgs });
  let api: ApiClient;
  const ports = new Map<string, number>();
  let backendCert: ServingCert;
  let gatewayCert: ServingCert;
  const backends: Record<string, EchoBackend> = {};
  before(() => {
    api = adminClient(ctx.stack.bed);
  });
  after(() => api?.close());
  const get = <T>(path: string): Promise<T | undefined> => getOrUndefined<T>(api, path);

  async function serviceFor(name: string, backend: EchoBackend, protocol: "TCP" | "UDP", port: number, extra: { name: string; port: number; appProtocol?: string }[] = []): Promise<void> {
    const main = { name: "main", port, protocol, targetPort: backend.port };
    const all = [main, ...extra.map((e) => ({ name: e.name, port: e.port, protocol: "TCP", ...(e.appProtocol === undefined ? {} : { appProtocol: e.appProtocol }) }))];
    await applyManifests(api, JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: NS }, spec: { ports: all } }));
    const slicePorts = [{ name: "main", port: backend.port, protocol }, ...extra.map((e) => ({ name: e.name, port: e.name === "tls" ? (backend.tlsPort ?? 0) : backend.port, protocol: "TCP" }))];
    await applyManifests(
      api,
      JSON.stringify({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: `${name}-e2e`, namespace: NS, labels: { "kubernetes.io/service-name": name } }, addressType: "IPv4", endpoints: [{ addresses: [backend.ip], conditions: { ready: true } }], ports: slicePorts }),
    );
  }

  it("accepts the Gateway's TLS, TCP, UDP and HTTP listeners and gives the Service a UDP port", async function () {
    this.timeout(120_000);
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await applyManifests(api, readFileSync(resolveToolFile("gateway-api-crds"), "utf8"));
    backendCert = await selfSignedCert(["pass.streams.example.com"]);
    gatewayCert = await selfSignedCert(["term.streams.example.com"]);
    backends.tls = await startEchoBasic(bed, "tls-echo", { kind: "tcp", tls: backendCert });
    backends.tcp = await startEchoBasic(bed, "tcp-echo", { kind: "tcp" });
    backends.udp = await startEchoBasic(bed, "udp-echo", { kind: "udp" });
    backends.udp2 = await startEchoBasic(bed, "udp-echo-2", { kind: "udp" });
    backends.udp0 = await startEchoBasic(bed, "udp-echo-0", { kind: "udp" });
    backends.grpcA = await startEchoBasic(bed, "grpc-a", { kind: "grpc" });
    backends.grpcB = await startEchoBasic(bed, "grpc-b", { kind: "grpc" });
    await serviceFor("tls-echo", backends.tls, "TCP", 3000, [{ name: "tls", port: 3443 }]);
    await serviceFor("tcp-echo", backends.tcp, "TCP", 3000);
    await serviceFor("udp-echo", backends.udp, "UDP", 3000);
    await serviceFor("udp-echo-2", backends.udp2, "UDP", 3000);
    await serviceFor("udp-echo-0", backends.udp0, "UDP", 3000);
    // No appProtocol: a GRPCRoute speaks HTTP/2 to its backends anyway.
    await serviceFor("grpc-a", backends.grpcA, "TCP", 9000);
    await serviceFor("grpc-b", backends.grpcB, "TCP", 9000);
    await createTlsSecret(kube, NS, "term-cert", gatewayCert.certPem, gatewayCert.keyPem);
    const route = (kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: "gateway.networking.k8s.io/v1", kind, metadata: { name, namespace: NS }, spec: { parentRefs: [{ name: "edge" }], ...spec } });
    const objects = [
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "contour" }, spec: { controllerName: "projectcontour.io/gateway-controller" } },
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: "edge", namespace: NS },
        spec: {
          gatewayClassName: "contour",
          listeners: [
            { name: "grpc", port: 80, protocol: "HTTP" },
            { name: "pass", port: 443, protocol: "TLS", hostname: "pass.streams.example.com", tls: { mode: "Passthrough" } },
            { name: "term", port: 443, protocol: "TLS", hostname: "term.streams.example.com", tls: { mode: "Terminate", certificateRefs: [{ name: "term-cert" }] } },
            { name: "tcp", port: 7000, protocol: "TCP" },
            { name: "udp", port: 7000, protocol: "UDP" },
            { name: "udp-split", port: 7001, protocol: "UDP" },
            { name: "tcp-half", port: 7002, protocol: "TCP" },
          ],
        },
      },
      route("TLSRoute", "pass", { hostnames: ["pass.streams.example.com"], rules: [{ backendRefs: [{ name: "tls-echo", port: 3443 }] }] }),
      route("TLSRoute", "term", { hostnames: ["term.streams.example.com"], rules: [{ backendRefs: [{ name: "tcp-echo", port: 3000 }] }] }),
      route("TCPRoute", "tcp", { parentRefs: [{ name: "edge", sectionName: "tcp" }], rules: [{ backendRefs: [{ name: "tcp-echo", port: 3000 }] }] }),
      route("TCPRoute", "half", {
        parentRefs: [{ name: "edge", sectionName: "tcp-half" }],
        rules: [{ backendRefs: [{ name: "tcp-echo", port: 3000, weight: 1 }, { name: "no-such-service", port: 3000, weight: 1 }] }],
      }),
      route("UDPRoute", "udp", { parentRefs: [{ name: "edge", sectionName: "udp" }], rules: [{ backendRefs: [{ name: "udp-echo", port: 3000 }] }] }),
      route("UDPRoute", "split", {
        parentRefs: [{ name: "edge", sectionName: "udp-split" }],
        rules: [
          {
            backendRefs: [
              { name: "udp-echo", port: 3000, weight: 3 },
              { name: "udp-echo-2", port: 3000, weight: 1 },
              { name: "udp-echo-0", port: 3000, weight: 0 },
            ],
          },
        ],
      }),
      route("GRPCRoute", "grpc", {
        hostnames: ["grpc.streams.example.com"],
        rules: [
          { matches: [{ method: { service: "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho", method: "EchoTwo" } }], backendRefs: [{ name: "grpc-b", port: 9000 }] },
          { backendRefs: [{ name: "grpc-a", port: 9000 }] },
        ],
      }),
    ];
    for (const o of objects) await applyManifests(api, JSON.stringify(o));
    for (const [kind, name] of [["tlsroutes", "pass"], ["tlsroutes", "term"], ["tcproutes", "tcp"], ["udproutes", "udp"], ["udproutes", "split"], ["grpcroutes", "grpc"]] as const) {
      await waitFor(
        async () => {
          const r = await get<RouteView>(`${GW_API}/namespaces/${NS}/${kind}/${name}`);
          const conds = r?.status?.parents?.find((p) => p.controllerName === "projectcontour.io/gateway-controller")?.conditions;
          return conds?.some((c) => c.type === "Accepted" && c.status === "True") && conds.some((c) => c.type === "ResolvedRefs" && c.status === "True") ? true : undefined;
        },
        { timeoutMs: 60_000, description: `${kind}/${name} to be Accepted with its references resolved` },
      );
    }
    const svc = await waitFor(async () => get<ServiceView>(`/api/v1/namespaces/${NS}/services/envoy-edge`), { timeoutMs: 30_000, description: "the Service envoy-edge" });
    assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.protocol, p.port]), [["http-80", "TCP", 80], ["tls-443", "TCP", 443], ["tcp-7000", "TCP", 7000], ["udp-7000", "UDP", 7000], ["udp-7001", "UDP", 7001], ["tcp-7002", "TCP", 7002]]);
    for (const p of svc.spec.ports) ports.set(p.name, p.targetPort);
    assert.equal(ports.get("tcp-7000"), ports.get("udp-7000"));
  });

  it("passes TLS through to the TLS backend chosen by SNI, with the backend's certificate", async function () {
    this.timeout(30_000);
    const answer = await waitFor(async () => viaTls(ports.get("tls-443")!, "pass.streams.example.com", backendCert.certPem).catch(() => undefined), { timeoutMs: 20_000, description: "TLS passthrough to tls-echo" });
    const body = JSON.parse(answer) as { pod?: string; tls?: { serverName?: string } };
    assert.equal(body.pod, "tls-echo");
    assert.equal(body.tls?.serverName, "pass.streams.example.com");
  });

  it("terminates TLS with the listener's certificate and forwards plain TCP to the TCP backend", async function () {
    this.timeout(30_000);
    const answer = await waitFor(async () => viaTls(ports.get("tls-443")!, "term.streams.example.com", gatewayCert.certPem).catch(() => undefined), { timeoutMs: 20_000, description: "TLS terminate to tcp-echo" });
    const body = JSON.parse(answer) as { pod?: string; tls?: unknown };
    assert.equal(body.pod, "tcp-echo");
    assert.equal(body.tls, undefined, "the backend saw plain TCP");
    // A name no listener serves gets no certificate and no backend.
    await assert.rejects(viaTls(ports.get("tls-443")!, "other.streams.example.com", gatewayCert.certPem));
  });

  it("echoes TCP and UDP through their listeners on one port number", async function () {
    this.timeout(30_000);
    const tcp = await waitFor(async () => viaTcp(ports.get("tcp-7000")!).catch(() => undefined), { timeoutMs: 20_000, description: "TCP echo through the TCP listener" });
    assert.equal((JSON.parse(tcp) as { pod?: string }).pod, "tcp-echo");
    const udp = await waitFor(async () => udpExchange("127.0.0.1", ports.get("udp-7000")!, "hello over udp"), { timeoutMs: 20_000, description: "UDP echo through the UDP listener" });
    const body = JSON.parse(udp) as { request?: string; pod?: string };
    assert.equal(body.request, "hello over udp");
    assert.equal(body.pod, "udp-echo");
  });

  it("routes a gRPC call by its method, over HTTP/2 to the backend", async function () {
    this.timeout(30_000);
    const port = ports.get("http-80")!;
    const two = await waitFor(async () => grpcCall(port, "grpc.streams.example.com", "EchoTwo").catch(() => undefined), { timeoutMs: 20_000, description: "gRPC EchoTwo through the GRPCRoute" });
    assert.ok(two.includes("grpc-b"), "EchoTwo answered by grpc-b");
    assert.ok(two.includes("GrpcEcho/EchoTwo"), "the backend saw the method");
    const one = await grpcCall(port, "grpc.streams.example.com", "Echo");
    assert.ok(one.includes("grpc-a") && !one.includes("grpc-b"), "Echo answered by grpc-a");
    const names = (await ctx.stack.envoy.admin.listeners()).map((l) => l.name).filter((n) => n.startsWith(`gateway/${NS}/`));
    assert.deepEqual(names.sort(), [`gateway/${NS}/edge/443`, `gateway/${NS}/edge/7000`, `gateway/${NS}/edge/7000/udp`, `gateway/${NS}/edge/7001/udp`, `gateway/${NS}/edge/7002`, `gateway/${NS}/edge/80`]);
  });

  it("splits a UDPRoute's sessions by weight (3:1) through one cluster named after the rule; weight 0 gets none", async function () {
    this.timeout(60_000);
    const port = ports.get("udp-7001")!;
    await waitFor(async () => udpExchange("127.0.0.1", port, "first"), { timeoutMs: 20_000, description: "a UDP echo through the weighted UDPRoute" });
    // Each exchange is a new socket, so a new source port and a new session in Envoy's UDP proxy.
    // As the conformance suite's weight check: 500 sessions, each share within 5 points.
    const total = 500;
    const counts = new Map<string, number>();
    for (let i = 0; i < total; i += 10) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => udpExchange("127.0.0.1", port, "split", 2000)));
      for (const a of answers) {
        const pod = a === undefined ? "(none)" : ((JSON.parse(a) as { pod?: string }).pod ?? "(no pod)");
        counts.set(pod, (counts.get(pod) ?? 0) + 1);
      }
    }
    const share = (pod: string): number => (counts.get(pod) ?? 0) / total;
    const seen = JSON.stringify(Object.fromEntries(counts));
    console.log(`      UDP sessions by backend (weights 3:1:0, ${total} sessions): ${seen}`);
    assert.ok(Math.abs(share("udp-echo") - 0.75) <= 0.05, `udp-echo's share near 75%: ${seen}`);
    assert.ok(Math.abs(share("udp-echo-2") - 0.25) <= 0.05, `udp-echo-2's share near 25%: ${seen}`);
    assert.equal(counts.get("udp-echo-0"), undefined, `weight 0 gets no session: ${seen}`);
    const dump = JSON.stringify(await ctx.stack.envoy.admin.configDump());
    assert.ok(dump.includes(`"udproute/${NS}/split/rule/0"`), "the cluster is named after the route rule");
    assert.ok(dump.includes("locality_weighted_lb_config"), "with locality-weighted balancing");
  });

  it("closes the connections meant for a TCPRoute's missing backend, in proportion to its weight (1:1)", async function () {
    this.timeout(60_000);
    const r = await waitFor(
      async () => {
        const view = await get<RouteView>(`${GW_API}/namespaces/${NS}/tcproutes/half`);
        const conds = view?.status?.parents?.find((p) => p.controllerName === "projectcontour.io/gateway-controller")?.conditions;
        return conds?.some((c) => c.type === "Accepted" && c.status === "True") ? conds : undefined;
      },
      { timeoutMs: 30_000, description: "tcproutes/half to be Accepted" },
    );
    assert.ok(r.some((c) => c.type === "ResolvedRefs" && c.status === "False" && c.reason === "BackendNotFound"));
    const port = ports.get("tcp-7002")!;
    await waitFor(async () => viaTcp(port).catch(() => undefined), { timeoutMs: 20_000, description: "a TCP echo through the half-valid TCPRoute" });
    const total = 200;
    let answered = 0;
    for (let i = 0; i < total; i += 10) {
      const results = await Promise.all(Array.from({ length: 10 }, () => viaTcp(port).then(() => true, () => false)));
      answered += results.filter(Boolean).length;
    }
    console.log(`      TCP connections answered (weights 1 valid : 1 missing, ${total} connections): ${answered}`);
    assert.ok(Math.abs(answered / total - 0.5) <= 0.1, `about half answered: ${answered} of ${total}`);
  });
});
