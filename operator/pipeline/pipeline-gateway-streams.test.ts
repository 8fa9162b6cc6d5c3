// The pipeline with TLS, TCP and UDP Gateway listeners: TLSRoutes become SNI filter chains of the
// port's Envoy listener (passed through, or terminated with the listener's certificate, beside an
// HTTPS listener), the oldest TCPRoute takes a TCP listener, a UDP listener gets a UDP proxy
// listener of its own, and the owned Service carries the UDP port with protocol UDP.
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { createPipeline } from "./pipeline.js";
import { endpointSlice, port, service, tlsSecret } from "../../controllers/source/testdata/fixtures.js";
import { A_CRT, A_KEY } from "../../controllers/source/testdata/certs.js";

const gw = (o: Record<string, unknown>): KubernetesObject => ({ apiVersion: "gateway.networking.k8s.io/v1", generation: 1, ...o }) as KubernetesObject;
const gatewayClass = gw({ kind: "GatewayClass", metadata: { name: "contour", generation: 1 }, spec: { controllerName: "projectcontour.io/gateway-controller" } });
const gateway = gw({
  kind: "Gateway",
  metadata: { name: "edge", namespace: "gw", generation: 1, uid: "uid-edge" },
  spec: {
    gatewayClassName: "contour",
    listeners: [
      { name: "pass", port: 443, protocol: "TLS", hostname: "*.pass.example.com", tls: { mode: "Passthrough" } },
      { name: "term", port: 443, protocol: "TLS", hostname: "term.example.com", tls: { mode: "Terminate", certificateRefs: [{ name: "cert" }] } },
      { name: "web", port: 443, protocol: "HTTPS", hostname: "web.example.com", tls: { certificateRefs: [{ name: "cert" }] } },
      { name: "tcp", port: 5300, protocol: "TCP" },
      { name: "udp", port: 5300, protocol: "UDP" },
    ],
  },
});
const route = (kind: string, name: string, created: string, backend: string, hostnames?: string[]): KubernetesObject =>
  gw({ kind, metadata: { name, namespace: "gw", generation: 1, creationTimestamp: created }, spec: { parentRefs: [{ name: "edge" }], ...(hostnames === undefined ? {} : { hostnames }), rules: [{ backendRefs: [{ name: backend, port: 9000 }] }] } });

function build() {
  const pipeline = createPipeline({
    translate: {},
    gateway: { controllerName: "projectcontour.io/gateway-controller", portRange: { min: 10000, max: 10009 }, envoySelector: { app: "envoy" }, envoyService: { namespace: "projectcontour", name: "envoy" } },
  });
  const objects = [
    service("a", [port(9000)], { namespace: "gw" }),
    service("b", [port(9000)], { namespace: "gw" }),
    service("dns", [port(9000, "dns", { protocol: "UDP" })], { namespace: "gw" }),
    tlsSecret("cert", A_CRT, A_KEY, { namespace: "gw" }),
    gatewayClass,
    gateway,
    route("TLSRoute", "pass", "2026-01-01T00:00:00Z", "a", ["x.pass.example.com"]),
    route("TLSRoute", "term", "2026-01-01T00:00:00Z", "b", ["term.example.com"]),
    route("TCPRoute", "old", "2026-01-01T00:00:00Z", "a"),
    route("TCPRoute", "new", "2026-01-02T00:00:00Z", "b"),
    route("UDPRoute", "dns", "2026-01-01T00:00:00Z", "dns"),
  ];
  for (const o of objects) pipeline.apply(o.kind as Parameters<typeof pipeline.apply>[0], "add", o);
  return { pipeline, result: pipeline.build() };
}

describe("pipeline: TLS, TCP and UDP Gateway listeners", () => {
  it("serves TLSRoutes by SNI beside an HTTPS listener, the oldest TCPRoute, and a UDP proxy", () => {
    const { pipeline, result } = build();
    const byName = new Map(result.resources.listeners.map((l) => [l.name, l]));
    assert.deepEqual([...byName.keys()].filter((n) => n.startsWith("gateway/")), ["gateway/gw/edge/443", "gateway/gw/edge/5300", "gateway/gw/edge/5300/udp"]);
    const tlsL = byName.get("gateway/gw/edge/443");
    assert.deepEqual(tlsL?.listenerFilters.map((f) => f.name), ["envoy.filters.listener.tls_inspector"]);
    assert.deepEqual(
      tlsL?.filterChains.map((c) => [c.name, c.filterChainMatch?.serverNames ?? [], c.transportSocket !== undefined, c.filters[0]?.name]),
      [
        ["Gateway/gw/edge/web", ["web.example.com"], true, "envoy.filters.network.http_connection_manager"],
        ["tlsroute/gw/pass/rule/0/Gateway/gw/edge/pass", ["x.pass.example.com"], false, "envoy.filters.network.tcp_proxy"],
        ["tlsroute/gw/term/rule/0/Gateway/gw/edge/term", ["term.example.com"], true, "envoy.filters.network.tcp_proxy"],
      ],
    );
    const tcp = byName.get("gateway/gw/edge/5300");
    assert.deepEqual(tcp?.filterChains.map((c) => c.name), ["tcproute/gw/old/rule/0/Gateway/gw/edge/tcp"]);
    const udp = byName.get("gateway/gw/edge/5300/udp");
    const addr = udp?.address?.address;
    assert.equal(addr?.case === "socketAddress" ? addr.value.protocol : undefined, 1 /* UDP */);
    assert.deepEqual(udp?.listenerFilters.map((f) => f.name), ["envoy.filters.udp_listener.udp_proxy"]);

    const state = pipeline.gatewayState();
    assert.deepEqual(state.services[0]?.spec?.ports?.map((p) => [p.name, p.protocol, p.port]), [["tls-443", "TCP", 443], ["tcp-5300", "TCP", 5300], ["udp-5300", "UDP", 5300]]);
    assert.deepEqual(state.endpointSlices[0]?.ports?.map((p) => [p.name, p.protocol]), [["tls-443", "TCP"], ["tcp-5300", "TCP"], ["udp-5300", "UDP"]]);
    // Both TCPRoutes are attached and accepted; the newer one gets no traffic.
    assert.equal(state.attachedRoutes.get("Gateway/gw/edge/tcp"), 2);
    assert.deepEqual(state.streamRoutes.map((r) => [r.kind, r.route.metadata?.name, r.result.parents[0]?.conditions.map((c) => c.reason).join(",")]), [
      ["TLSRoute", "pass", "Accepted,ResolvedRefs"],
      ["TLSRoute", "term", "Accepted,ResolvedRefs"],
      ["TCPRoute", "new", "Accepted,ResolvedRefs"],
      ["TCPRoute", "old", "Accepted,ResolvedRefs"],
      ["UDPRoute", "dns", "Accepted,ResolvedRefs"],
    ]);
  });
});

describe("pipeline: a UDPRoute with weighted backends", () => {
  it("serves one cluster named after the rule, a weighted locality per backend, and follows the backends' slices", () => {
    const pipeline = createPipeline({
      translate: {},
      gateway: { controllerName: "projectcontour.io/gateway-controller", portRange: { min: 10000, max: 10009 }, envoySelector: { app: "envoy" }, envoyService: { namespace: "projectcontour", name: "envoy" } },
    });
    const udpGateway = gw({ kind: "Gateway", metadata: { name: "dns", namespace: "gw", generation: 1, uid: "uid-dns" }, spec: { gatewayClassName: "contour", listeners: [{ name: "udp", port: 53, protocol: "UDP" }] } });
    const weighted = gw({
      kind: "UDPRoute",
      metadata: { name: "split", namespace: "gw", generation: 1, creationTimestamp: "2026-01-01T00:00:00Z" },
      spec: { parentRefs: [{ name: "dns" }], rules: [{ backendRefs: [{ name: "dns-a", port: 9000, weight: 3 }, { name: "dns-b", port: 9000, weight: 1 }, { name: "dns-c", port: 9000, weight: 0 }] }] },
    });
    const objects = [
      ...["dns-a", "dns-b", "dns-c"].map((n) => service(n, [port(9000, "dns", { protocol: "UDP" })], { namespace: "gw" })),
      endpointSlice("dns-a-1", "dns-a", ["10.0.0.1"], 5353, "dns", { namespace: "gw" }),
      endpointSlice("dns-b-1", "dns-b", ["10.0.1.1"], 5353, "dns", { namespace: "gw" }),
      endpointSlice("dns-c-1", "dns-c", ["10.0.2.1"], 5353, "dns", { namespace: "gw" }),
      gatewayClass,
      udpGateway,
      weighted,
    ];
    for (const o of objects) pipeline.apply(o.kind as Parameters<typeof pipeline.apply>[0], "add", o);
    const name = "udproute/gw/split/rule/0";
    const localities = (r: ReturnType<typeof pipeline.build>) =>
      r.resources.endpoints
        .find((e) => e.clusterName === name)
        ?.endpoints.map((l) => [l.locality?.region, l.loadBalancingWeight, l.lbEndpoints.map((e) => (e.hostIdentifier.case === "endpoint" && e.hostIdentifier.value.address?.address.case === "socketAddress" ? e.hostIdentifier.value.address.address.value.address : ""))]);
    const first = pipeline.build();
    const cluster = first.resources.clusters.find((c) => c.name === name);
    assert.equal(cluster?.commonLbConfig?.localityConfigSpecifier.case, "localityWeightedLbConfig");
    assert.deepEqual(first.resources.clusters.map((c) => c.name), [name], "the weighted backends join one cluster; weight 0 adds none");
    assert.deepEqual(localities(first), [
      ["gw/dns-a/dns", 3, ["10.0.0.1"]],
      ["gw/dns-b/dns", 1, ["10.0.1.1"]],
    ]);
    const udp = first.resources.listeners.find((l) => l.name === "gateway/gw/dns/53/udp");
    assert.ok(udp, "the UDP listener is served");
    pipeline.apply("EndpointSlice", "update", endpointSlice("dns-b-1", "dns-b", ["10.0.1.2", "10.0.1.3"], 5353, "dns", { namespace: "gw", resourceVersion: "2" }));
    assert.deepEqual(localities(pipeline.build()), [
      ["gw/dns-a/dns", 3, ["10.0.0.1"]],
      ["gw/dns-b/dns", 1, ["10.0.1.2", "10.0.1.3"]],
    ]);
  });
});
