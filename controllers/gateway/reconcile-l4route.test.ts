import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Gateway, Listener } from "../../crds/types/gateway-api/gateway.js";
import type { TCPRoute, TLSRoute, UDPRoute } from "../../crds/types/gateway-api/other-routes.js";
import type { ParentReference } from "../../crds/types/gateway-api/common.js";
import type { Condition } from "../store/fragment.js";
import { reconcileGateway, type GatewayResult } from "./reconcile-gateway.js";
import { reconcileL4Route, type L4RouteKind, type L4RouteResult } from "./reconcile-l4route.js";
import { gateway, gatewayClass, http, objectsOf, referenceGrant, secret, service } from "./testdata/fixtures.js";

const cls = gatewayClass("contour");
const backend = service("apps", "tls-backend", [{ port: 443 }, { port: 3000, appProtocol: "kubernetes.io/h2c" }]);
const other = service("other", "far", [{ port: 443 }]);
const udpA = service("apps", "udp-a", [{ port: 53, protocol: "UDP" }]);
const udpB = service("apps", "udp-b", [{ port: 53, protocol: "UDP" }]);
const udpC = service("apps", "udp-c", [{ port: 53, protocol: "UDP" }]);
const allFrom = { allowedRoutes: { namespaces: { from: "All" as const } } };
const tls = (name: string, mode: "Passthrough" | "Terminate", hostname?: string, extra: Partial<Listener> = {}): Listener => ({
  name,
  port: 443,
  protocol: "TLS",
  ...(hostname === undefined ? {} : { hostname }),
  tls: { mode, ...(mode === "Terminate" ? { certificateRefs: [{ name: "cert" }] } : {}) },
  ...allFrom,
  ...extra,
});
const l4 = (name: string, protocol: "TCP" | "UDP", port: number): Listener => ({ name, port, protocol, ...allFrom });
const parent = (extra: Partial<ParentReference> = {}): ParentReference => ({ name: "gw", namespace: "infra", ...extra });

function route(kind: L4RouteKind, name: string, parentRefs: ParentReference[], backendRefs: { name: string; port?: number; namespace?: string; weight?: number; kind?: string }[], hostnames?: string[], created = "2026-01-01T00:00:00Z"): KubernetesObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind,
    metadata: { namespace: "apps", name, generation: 1, creationTimestamp: created as unknown as Date },
    spec: { parentRefs, ...(hostnames === undefined ? {} : { hostnames }), rules: [{ backendRefs }] },
  } as KubernetesObject;
}

function run(r: KubernetesObject, gws: Gateway[], objs: KubernetesObject[] = []): { result: L4RouteResult; gateways: Map<string, GatewayResult> } {
  const objects = objectsOf(cls, ...gws, r, backend, other, udpA, udpB, udpC, secret("infra", "cert"), ...objs);
  const gateways = new Map<string, GatewayResult>();
  for (const g of gws) gateways.set(`${g.metadata?.namespace}/${g.metadata?.name}`, reconcileGateway(objects, g, { assignedAddresses: [{ value: "198.18.0.1" }] }));
  const result = reconcileL4Route(objects, r.kind as L4RouteKind, r as TLSRoute | TCPRoute | UDPRoute, { gateways: (ns, n) => gateways.get(`${ns}/${n}`) });
  return { result, gateways };
}
const short = (cs: readonly Condition[] | undefined): string => (cs ?? []).map((c) => `${c.type}=${c.status}:${c.reason}`).join(" ");
const status = (r: L4RouteResult, i = 0): string => short(r.parents[i]?.conditions);
const OK = "Accepted=True:Accepted ResolvedRefs=True:ResolvedRefs";
const listenerOf = (g: GatewayResult | undefined, name: string): string => (g?.ours === true ? short(g.listeners.find((l) => l.name === name)?.conditions) : "");

describe("TLS, TCP and UDP listeners", () => {
  it("accepts TLS Passthrough and Terminate listeners on one port (mixed), TCP and UDP listeners, with their route kinds", () => {
    const gw = gateway("infra", "gw", [tls("pass", "Passthrough", "pass.example.com"), tls("term", "Terminate", "term.example.com"), l4("tcp", "TCP", 9000), l4("udp", "UDP", 9000)]);
    const { gateways } = run(route("TCPRoute", "x", [], []), [gw]);
    const g = gateways.get("infra/gw");
    assert.ok(g?.ours);
    for (const n of ["pass", "term", "tcp", "udp"]) assert.equal(listenerOf(g, n), "Accepted=True:Accepted Conflicted=False:NoConflicts Programmed=True:Programmed ResolvedRefs=True:ResolvedRefs", n);
    assert.deepEqual(g.listeners.map((l) => [l.name, l.supportedKinds.map((k) => k.kind)]), [["pass", ["TLSRoute"]], ["term", ["TLSRoute"]], ["tcp", ["TCPRoute"]], ["udp", ["UDPRoute"]]]);
    assert.deepEqual(g.model.map((l) => [l.name, l.protocol, l.tlsMode ?? "-", l.tls?.certificates.length ?? 0]), [["pass", "TLS", "Passthrough", 0], ["term", "TLS", "Terminate", 1], ["tcp", "TCP", "-", 0], ["udp", "UDP", "-", 0]]);
  });

  it("refuses a kind the protocol cannot carry (InvalidRouteKinds), keeping the valid ones", () => {
    const gw = gateway("infra", "gw", [tls("pass", "Passthrough", undefined, { allowedRoutes: { kinds: [{ kind: "TCPRoute" }, { kind: "TLSRoute" }] } })]);
    const g = run(route("TCPRoute", "x", [], []), [gw]).gateways.get("infra/gw");
    assert.match(listenerOf(g, "pass"), /ResolvedRefs=False:InvalidRouteKinds$/);
    assert.deepEqual(g?.ours === true ? g.listeners[0]?.supportedKinds.map((k) => k.kind) : [], ["TLSRoute"]);
  });

  it("refuses certificates on Passthrough, a Terminate listener without them, and TCP beside HTTP on one port", () => {
    const gw = gateway("infra", "gw", [
      tls("a", "Passthrough", "a.example.com", { tls: { mode: "Passthrough", certificateRefs: [{ name: "cert" }] } }),
      tls("b", "Terminate", "b.example.com", { tls: { mode: "Terminate" } }),
      http("web", 8080),
      l4("raw", "TCP", 8080),
    ]);
    const g = run(route("TCPRoute", "x", [], []), [gw]).gateways.get("infra/gw");
    assert.match(listenerOf(g, "a"), /^Accepted=False:UnsupportedValue/);
    assert.match(listenerOf(g, "b"), /Programmed=False:Invalid ResolvedRefs=False:InvalidCertificateRef$/);
    assert.match(listenerOf(g, "web"), /^Accepted=False:ProtocolConflict/);
    assert.match(listenerOf(g, "raw"), /^Accepted=False:ProtocolConflict/);
  });
});

describe("reconcileL4Route", () => {
  const gw = gateway("infra", "gw", [tls("pass", "Passthrough", "*.example.com"), tls("term", "Terminate", "term.example.com"), l4("tcp", "TCP", 9000), l4("udp", "UDP", 9001)]);

  it("attaches a TLSRoute by hostname intersection and names the stream after its rule", () => {
    const { result } = run(route("TLSRoute", "pass", [parent()], [{ name: "tls-backend", port: 443, weight: 3 }, { name: "tls-backend", port: 3000 }], ["a.example.com", "*.other.org"]), [gw]);
    assert.equal(status(result), OK);
    assert.deepEqual(result.attachedListeners, ["Gateway/infra/gw/pass"]);
    assert.deepEqual(result.attachments.map((a) => [a.listener, a.envoyListener, a.name, a.serverNames]), [["Gateway/infra/gw/pass", "gateway/infra/gw/443", "tlsroute/apps/pass/rule/0", ["a.example.com"]]]);
    assert.deepEqual(result.attachments[0]?.clusters.map((c) => c.weight), [3, 1]);
    // A byte stream: the h2c appProtocol does not make an HTTP/2 cluster.
    assert.deepEqual(result.clusters.map((c) => c.protocol), ["http1", "http1"]);
  });

  it("tells a TLSRoute whose hostnames meet no listener's: NoMatchingListenerHostname", () => {
    const { result } = run(route("TLSRoute", "none", [parent({ sectionName: "term" })], [{ name: "tls-backend", port: 443 }], ["nothing.org"]), [gw]);
    assert.match(status(result), /^Accepted=False:NoMatchingListenerHostname/);
    assert.deepEqual(result.attachments, []);
  });

  it("refuses kinds a listener does not carry (NotAllowedByListeners) and unknown sections (NoMatchingParent)", () => {
    assert.match(status(run(route("TCPRoute", "t", [parent({ sectionName: "pass" })], [{ name: "tls-backend", port: 443 }]), [gw]).result), /^Accepted=False:NotAllowedByListeners/);
    assert.match(status(run(route("UDPRoute", "u", [parent({ sectionName: "nope" })], [{ name: "tls-backend", port: 443 }]), [gw]).result), /^Accepted=False:NoMatchingParent/);
  });

  it("attaches TCPRoutes and UDPRoutes to their own listeners only", () => {
    const tcp = run(route("TCPRoute", "t", [parent()], [{ name: "tls-backend", port: 443 }]), [gw]).result;
    assert.equal(status(tcp), OK);
    assert.deepEqual(tcp.attachments.map((a) => [a.listener, a.name, a.serverNames]), [["Gateway/infra/gw/tcp", "tcproute/apps/t/rule/0", []]]);
    const udp = run(route("UDPRoute", "u", [parent({ port: 9001 })], [{ name: "tls-backend", port: 443 }]), [gw]).result;
    assert.deepEqual(udp.attachedListeners, ["Gateway/infra/gw/udp"]);
  });

  it("resolves backends with the spec's reasons; another namespace needs a ReferenceGrant from the route's kind", () => {
    const missing = run(route("TCPRoute", "m", [parent()], [{ name: "gone", port: 443 }]), [gw]).result;
    assert.match(status(missing), /^Accepted=True:Accepted ResolvedRefs=False:BackendNotFound/);
    assert.deepEqual(missing.attachments[0]?.clusters, []);
    // Beside a valid backend, an invalid one's share goes to a cluster never served: Envoy closes those connections.
    const half = run(route("TCPRoute", "half", [parent()], [{ name: "tls-backend", port: 443, weight: 1 }, { name: "gone", port: 443, weight: 2 }]), [gw]).result;
    assert.match(status(half), /^Accepted=True:Accepted ResolvedRefs=False:BackendNotFound/);
    assert.deepEqual(half.attachments[0]?.clusters.map((c) => [c.cluster.replace(/\/[0-9a-z]+$/, "/<hash>"), c.weight]), [["apps/tls-backend/443/<hash>", 1], ["tcproute/apps/half/rule/0/invalid-backends", 2]]);
    assert.deepEqual(half.clusters.map((c) => c.service.name), ["tls-backend"], "the invalid share has no cluster of its own");
    assert.match(status(run(route("TLSRoute", "k", [parent()], [{ name: "x", kind: "Bucket", port: 1 }], ["a.example.com"]), [gw]).result), /ResolvedRefs=False:InvalidKind/);
    const far = route("TLSRoute", "far", [parent()], [{ name: "far", namespace: "other", port: 443 }], ["a.example.com"]);
    assert.match(status(run(far, [gw]).result), /ResolvedRefs=False:RefNotPermitted/);
    const wrongKind = referenceGrant("other", "g", [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "apps" }], [{ group: "", kind: "Service" }]);
    assert.match(status(run(far, [gw], [wrongKind]).result), /ResolvedRefs=False:RefNotPermitted/);
    const grant = referenceGrant("other", "g", [{ group: "gateway.networking.k8s.io", kind: "TLSRoute", namespace: "apps" }], [{ group: "", kind: "Service" }]);
    assert.equal(status(run(far, [gw], [grant]).result), OK);
  });

  it("serves a UDPRoute rule's weighted backends as one cluster named after the rule, a locality per Service port", () => {
    const refs = [{ name: "udp-a", port: 53, weight: 70 }, { name: "udp-b", port: 53, weight: 30 }, { name: "udp-c", port: 53, weight: 0 }];
    const { result } = run(route("UDPRoute", "dns", [parent({ sectionName: "udp" })], refs), [gw]);
    assert.equal(status(result), OK);
    assert.deepEqual(result.attachments.map((a) => [a.name, a.clusters]), [["udproute/apps/dns/rule/0", [{ cluster: "udproute/apps/dns/rule/0", weight: 1 }]]]);
    assert.deepEqual(result.clusters.map((c) => [c.name, c.endpoints]), [["udproute/apps/dns/rule/0", "udproute/apps/dns/rule/0"]]);
    // The zero-weight backend gets no traffic: it is not a member.
    assert.deepEqual(result.clusters[0]?.weightedMembers?.map((m) => [m.service.name, m.weight]), [["udp-a", 70], ["udp-b", 30]]);
  });

  it("keeps a UDPRoute with one weighted backend on the Service's own cluster; a missing backend is reported and left out", () => {
    const one = run(route("UDPRoute", "one", [parent({ sectionName: "udp" })], [{ name: "udp-a", port: 53, weight: 5 }, { name: "udp-b", port: 53, weight: 0 }]), [gw]).result;
    assert.equal(status(one), OK);
    assert.equal(one.clusters.some((c) => c.weightedMembers !== undefined), false);
    assert.deepEqual(one.attachments[0]?.clusters.map((c) => c.weight), [5, 0]);
    const missing = run(route("UDPRoute", "gone", [parent({ sectionName: "udp" })], [{ name: "udp-a", port: 53, weight: 1 }, { name: "nope", port: 53 }, { name: "udp-b", port: 53, weight: 2 }]), [gw]).result;
    assert.match(status(missing), /^Accepted=True:Accepted ResolvedRefs=False:BackendNotFound/);
    assert.deepEqual(missing.clusters[0]?.weightedMembers?.map((m) => [m.service.name, m.weight]), [["udp-a", 1], ["udp-b", 2]]);
  });

  for (const kind of ["TLSRoute", "TCPRoute", "UDPRoute"] as const) {
    it(`refuses a ${kind} with more than one rule (v1 allows one; v1alpha2 objects can carry more), naming spec.rules`, () => {
      const r = route(kind, "two", [parent()], [kind === "UDPRoute" ? { name: "udp-a", port: 53 } : { name: "tls-backend", port: 443 }], kind === "TLSRoute" ? ["a.example.com"] : undefined) as KubernetesObject & { spec: { rules: unknown[] } };
      r.spec.rules.push({ backendRefs: [{ name: "gone", port: 1 }] });
      const { result, gateways } = run(r, [gw]);
      const accepted = result.parents[0]?.conditions.find((c) => c.type === "Accepted");
      assert.equal(accepted?.status, "False");
      assert.equal(accepted?.reason, "UnsupportedValue");
      assert.match(accepted?.message ?? "", /^spec\.rules: .*at most 1.*has 2/);
      // Every rule's references are still checked, naming the rule.
      assert.match(status(result), /ResolvedRefs=False:BackendNotFound/);
      assert.deepEqual([result.attachments, result.clusters, result.attachedListeners], [[], [], []]);
      assert.ok(gateways.get("infra/gw"));
    });
  }

  it("never throws on input the schema forbids", () => {
    const junk = { apiVersion: "gateway.networking.k8s.io/v1", kind: "TLSRoute", metadata: { namespace: "apps", name: "junk" }, spec: { parentRefs: [parent()], hostnames: 7, rules: "no" } } as unknown as KubernetesObject;
    const { result } = run(junk, [gw]);
    assert.match(status(result), /^Accepted=False:UnsupportedValue/);
  });
});
