import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { GRPCRoute, GRPCRouteMatch, GRPCRouteRule } from "../../crds/types/gateway-api/other-routes.js";
import type { Condition } from "../store/fragment.js";
import { reconcileGateway, type GatewayResult } from "./reconcile-gateway.js";
import { reconcileGRPCRoute } from "./reconcile-grpcroute.js";
import type { HTTPRouteResult } from "./reconcile-httproute.js";
import { compareRank } from "./route-rank.js";
import { gateway, gatewayClass, http, objectsOf, service } from "./testdata/fixtures.js";

const cls = gatewayClass("contour");
const plain = service("apps", "grpc", [{ port: 9000 }]);
const gw = gateway("infra", "gw", [http("http", 80, { allowedRoutes: { namespaces: { from: "All" } } })]);

function grpcRoute(rules: GRPCRouteRule[], hostnames?: string[]): GRPCRoute {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GRPCRoute",
    metadata: { namespace: "apps", name: "echo", generation: 1, creationTimestamp: "2026-01-01T00:00:00Z" as unknown as Date },
    spec: { parentRefs: [{ name: "gw", namespace: "infra" }], ...(hostnames === undefined ? {} : { hostnames }), rules },
  } as GRPCRoute;
}

function run(route: GRPCRoute, objs: KubernetesObject[] = []): HTTPRouteResult {
  const objects = objectsOf(cls, gw, route, plain, ...objs);
  const g: GatewayResult = reconcileGateway(objects, gw, { assignedAddresses: [{ value: "198.18.0.1" }] });
  return reconcileGRPCRoute(objects, route, { gateways: (ns, n) => (ns === "infra" && n === "gw" ? g : undefined) });
}
const short = (cs: readonly Condition[] | undefined): string => (cs ?? []).map((c) => `${c.type}=${c.status}:${c.reason}`).join(" ");
const toGrpc = [{ name: "grpc", port: 9000 }];

describe("reconcileGRPCRoute", () => {
  it("is served as HTTP/2 routes on an HTTP listener, named after the GRPCRoute", () => {
    const r = run(grpcRoute([{ matches: [{ method: { service: "echo.Echo", method: "Ping" } }], backendRefs: toGrpc }], ["grpc.example.com"]));
    assert.equal(short(r.parents[0]?.conditions), "Accepted=True:Accepted ResolvedRefs=True:ResolvedRefs");
    assert.equal(r.source.kind, "GRPCRoute");
    const route = r.virtualHosts[0]?.virtualHost.routes[0];
    assert.equal(route?.name, "grpcroute/apps/echo/rule/0/match/0");
    assert.equal(route?.source.kind, "GRPCRoute");
    assert.deepEqual(route?.match.path, { kind: "exact", value: "/echo.Echo/Ping" });
    // No appProtocol on the Service port: gRPC still needs HTTP/2.
    assert.deepEqual(r.clusters.map((c) => c.protocol), ["h2c"]);
  });

  it("matches a service alone by prefix, a method alone and regular expressions by path regex, and headers as HTTPRoute does", () => {
    const r = run(
      grpcRoute([
        { matches: [{ method: { service: "echo.Echo" } }, { method: { method: "Ping" } }, { method: { type: "RegularExpression", service: "echo\\..*", method: "P.*" } }, { headers: [{ name: "X-Version", value: "2" }] }], backendRefs: toGrpc },
      ]),
    );
    const byName = new Map((r.virtualHosts[0]?.virtualHost.routes ?? []).map((x) => [x.name, x.match] as const));
    assert.deepEqual(byName.get("grpcroute/apps/echo/rule/0/match/0")?.path, { kind: "prefix", value: "/echo.Echo", segment: true });
    assert.deepEqual(byName.get("grpcroute/apps/echo/rule/0/match/1")?.path, { kind: "regex", value: "/[^/]+/Ping" });
    assert.deepEqual(byName.get("grpcroute/apps/echo/rule/0/match/2")?.path, { kind: "regex", value: "/(?:echo\\..*)/(?:P.*)" });
    assert.deepEqual(byName.get("grpcroute/apps/echo/rule/0/match/3")?.headers, [{ name: "x-version", kind: "exact", value: "2", invert: false, ignoreCase: false }]);
  });

  it("drops a rule with an invalid method match, naming the method field, and keeps the others", () => {
    const r = run(grpcRoute([{ matches: [{ method: { type: "RegularExpression", service: "(" } }], backendRefs: toGrpc }, { backendRefs: toGrpc }]));
    const conditions = r.parents[0]?.conditions ?? [];
    assert.equal(short(conditions), "Accepted=True:Accepted ResolvedRefs=True:ResolvedRefs PartiallyInvalid=True:UnsupportedValue");
    assert.match(conditions[2]?.message ?? "", /spec\.rules\[0\]\.matches\[0\]\.method\.service: .* is not a valid regular expression/);
    const none = run(grpcRoute([{ matches: [{ method: {} }], backendRefs: toGrpc }]));
    assert.match(short(none.parents[0]?.conditions), /^Accepted=False:UnsupportedValue/);
    assert.match(none.parents[0]?.conditions[0]?.message ?? "", /matches\[0\]\.method: one of service and method must be set/);
  });

  it("keeps the header filters and mirrors of the HTTPRoute machinery", () => {
    const r = run(
      grpcRoute([
        {
          filters: [
            { type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-a", value: "1" }] } },
            { type: "ResponseHeaderModifier", responseHeaderModifier: { remove: ["x-b"] } },
            { type: "RequestMirror", requestMirror: { backendRef: { name: "grpc", port: 9000 } } },
          ],
          backendRefs: toGrpc,
        },
      ]),
    );
    const route = r.virtualHosts[0]?.virtualHost.routes[0];
    assert.deepEqual(route?.requestHeaders?.set, [{ name: "x-a", value: "1" }]);
    assert.deepEqual(route?.responseHeaders?.remove, ["x-b"]);
    assert.equal(route?.action.kind === "forward" ? route.action.mirror?.length : 0, 1);
  });
});

describe("GRPCRoute precedence across routes", () => {
  // Routes of several GRPCRoutes on one hostname, sorted as the pipeline sorts them (compareRank).
  function order(routes: { name: string; created: string; rules: GRPCRouteRule[] }[]): string[] {
    const all = routes.flatMap((x) => {
      const r = grpcRoute(x.rules, ["grpc.example.com"]);
      const named = { ...r, metadata: { ...r.metadata, name: x.name, creationTimestamp: x.created as unknown as Date } } as GRPCRoute;
      return run(named).virtualHosts.flatMap((v) => v.virtualHost.routes);
    });
    return all.sort(compareRank).map((r) => (r.name ?? "").replace(/^grpcroute\/apps\//u, ""));
  }
  const T0 = "2026-01-01T00:00:00Z";
  const T1 = "2026-01-02T00:00:00Z";
  const m = (method: GRPCRouteMatch["method"], headers = 0) => ({ ...(method === undefined ? {} : { method }), ...(headers > 0 ? { headers: Array.from({ length: headers }, (_, i) => ({ name: `x-h${i}`, value: "v" })) } : {}) });
  const cases: { name: string; routes: { name: string; created: string; rules: GRPCRouteRule[] }[]; want: string[] }[] = [
    {
      name: "more characters of an Exact service first, even against a newer route",
      routes: [
        { name: "short", created: T0, rules: [{ matches: [m({ service: "a.B", method: "Get" })], backendRefs: toGrpc }] },
        { name: "long", created: T1, rules: [{ matches: [m({ service: "a.Bigger" })], backendRefs: toGrpc }] },
      ],
      want: ["long/rule/0/match/0", "short/rule/0/match/0"],
    },
    {
      name: "a service-only match before a method-only one (service characters come first)",
      routes: [
        { name: "method", created: T0, rules: [{ matches: [m({ method: "GetEverything" })], backendRefs: toGrpc }] },
        { name: "service", created: T1, rules: [{ matches: [m({ service: "a.B" })], backendRefs: toGrpc }] },
      ],
      want: ["service/rule/0/match/0", "method/rule/0/match/0"],
    },
    {
      name: "then more characters of an Exact method",
      routes: [
        { name: "get", created: T0, rules: [{ matches: [m({ service: "a.B", method: "Get" })], backendRefs: toGrpc }] },
        { name: "getall", created: T1, rules: [{ matches: [m({ service: "a.B", method: "GetAll" })], backendRefs: toGrpc }] },
      ],
      want: ["getall/rule/0/match/0", "get/rule/0/match/0"],
    },
    {
      name: "Exact before RegularExpression, a regex before no method match",
      routes: [
        { name: "any", created: T0, rules: [{ matches: [m(undefined, 2)], backendRefs: toGrpc }] },
        { name: "regex", created: T0, rules: [{ matches: [m({ type: "RegularExpression", service: "a\\.B.*", method: "Get.*" })], backendRefs: toGrpc }] },
        { name: "exact", created: T1, rules: [{ matches: [m({ service: "a.B", method: "Get" })], backendRefs: toGrpc }] },
      ],
      want: ["exact/rule/0/match/0", "regex/rule/0/match/0", "any/rule/0/match/0"],
    },
    {
      name: "then more header matches",
      routes: [
        { name: "one", created: T0, rules: [{ matches: [m({ service: "a.B", method: "Get" }, 1)], backendRefs: toGrpc }] },
        { name: "three", created: T1, rules: [{ matches: [m({ service: "a.B", method: "Get" }, 3)], backendRefs: toGrpc }] },
      ],
      want: ["three/rule/0/match/0", "one/rule/0/match/0"],
    },
    {
      name: "then the oldest route, then namespace/name, then rule order",
      routes: [
        { name: "b-newer", created: T1, rules: [{ matches: [m({ service: "a.B" })], backendRefs: toGrpc }] },
        { name: "c-old", created: T0, rules: [{ matches: [m({ service: "a.B" })], backendRefs: toGrpc }, { matches: [m({ service: "a.B" })], backendRefs: toGrpc }] },
        { name: "a-old", created: T0, rules: [{ matches: [m({ service: "a.B" })], backendRefs: toGrpc }] },
      ],
      want: ["a-old/rule/0/match/0", "c-old/rule/0/match/0", "c-old/rule/1/match/0", "b-newer/rule/0/match/0"],
    },
  ];
  for (const t of cases) it(t.name, () => assert.deepEqual(order(t.routes), t.want));
});
