import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Gateway } from "../../crds/types/gateway-api/gateway.js";
import type { HTTPRoute, HTTPRouteRule } from "../../crds/types/gateway-api/httproute.js";
import type { Route, RouteAction } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { reconcileGateway, type GatewayResult } from "./reconcile-gateway.js";
import { reconcileHTTPRoute, type HTTPRouteResult } from "./reconcile-httproute.js";
import { gateway, gatewayClass, http, httpRoute, listenerSet, namespace, objectsOf, referenceGrant, service } from "./testdata/fixtures.js";

const cls = gatewayClass("contour");
const web = service("apps", "web", [{ port: 8080 }]);
const api = service("apps", "api", [{ port: 9090, name: "grpc", appProtocol: "kubernetes.io/h2c" }, { port: 9091, name: "ws", appProtocol: "kubernetes.io/ws" }, { port: 9092, appProtocol: "kubernetes.io/unknown" }]);
const toWeb: HTTPRouteRule = { backendRefs: [{ name: "web", port: 8080 }] };
const parent = (name = "gw", extra: Record<string, unknown> = {}) => ({ name, namespace: "infra", ...extra });
const allFrom = { allowedRoutes: { namespaces: { from: "All" as const } } };

function run(route: HTTPRoute, gws: Gateway[], objs: KubernetesObject[] = []): HTTPRouteResult {
  const objects = objectsOf(cls, ...gws, route, web, api, ...objs);
  const results = new Map<string, GatewayResult>();
  for (const g of gws) results.set(`${g.metadata?.namespace}/${g.metadata?.name}`, reconcileGateway(objects, g, { assignedAddresses: [{ value: "198.18.0.1" }] }));
  return reconcileHTTPRoute(objects, route, { gateways: (ns, n) => results.get(`${ns}/${n}`) });
}
const short = (cs: readonly Condition[] | undefined): string => (cs ?? []).map((c) => `${c.type}=${c.status}:${c.reason}`).join(" ");
const status = (r: HTTPRouteResult, i = 0): string => short(r.parents[i]?.conditions);
const routesOf = (r: HTTPRouteResult, fqdn?: string): readonly Route[] => (fqdn === undefined ? r.virtualHosts[0] : r.virtualHosts.find((v) => v.virtualHost.fqdn === fqdn))?.virtualHost.routes ?? [];
const action = (r: HTTPRouteResult, i = 0): RouteAction | undefined => routesOf(r)[i]?.action;
const OK = "Accepted=True:Accepted ResolvedRefs=True:ResolvedRefs";
const gw = gateway("infra", "gw", [http("http", 80, allFrom)]);

describe("reconcileHTTPRoute: attachment and status", () => {
  it("attaches to a Gateway listener, names routes after the source, resolves the Service", () => {
    const r = run(httpRoute("apps", "web", [parent()], [toWeb], ["web.example.com"]), [gw]);
    assert.equal(status(r), OK);
    assert.equal(r.parents[0]?.controllerName, "projectcontour.io/gateway-controller");
    assert.deepEqual(r.attachedListeners, ["Gateway/infra/gw/http"]);
    assert.deepEqual(r.virtualHosts.map((v) => [v.listener, v.envoyListener, v.virtualHost.fqdn]), [["Gateway/infra/gw/http", "gateway/infra/gw/80", "web.example.com"]]);
    assert.equal(routesOf(r)[0]?.name, "httproute/apps/web/rule/0/match/0");
    assert.deepEqual(routesOf(r)[0]?.match.path, { kind: "prefix", value: "/", segment: true });
    const a = action(r);
    assert.equal(a?.kind, "forward");
    assert.match(a?.kind === "forward" ? (a.clusters[0]?.cluster ?? "") : "", /^apps\/web\/8080\/[0-9a-f]{10}$/);
    assert.deepEqual(r.clusters.map((c) => c.service.name), ["web"]);
    assert.ok(r.dependencies.some((d) => d.kind === "Service" && d.name === "web"));
  });

  it("writes no status for parents that are not ours", () => {
    const other = gateway("infra", "theirs", [http("http")], { gatewayClassName: "other" });
    const r = run(httpRoute("apps", "web", [parent("theirs"), { name: "svc", kind: "Service", group: "" }, parent("missing")], [toWeb]), [other], [gatewayClass("other", "example.com/other")]);
    assert.deepEqual(r.parents, []);
    assert.deepEqual(r.virtualHosts, []);
    assert.deepEqual(r.clusters, []);
  });

  const refusals: { name: string; gws: Gateway[]; route: HTTPRoute; objs?: KubernetesObject[]; want: string }[] = [
    { name: "unknown sectionName", gws: [gw], route: httpRoute("apps", "r", [parent("gw", { sectionName: "nope" })], [toWeb]), want: "Accepted=False:NoMatchingParent" },
    { name: "port matching no listener", gws: [gw], route: httpRoute("apps", "r", [parent("gw", { port: 8080 })], [toWeb]), want: "Accepted=False:NoMatchingParent" },
    { name: "sectionName whose port differs", gws: [gw], route: httpRoute("apps", "r", [parent("gw", { sectionName: "http", port: 81 })], [toWeb]), want: "Accepted=False:NoMatchingParent" },
    { name: "namespace not allowed (default Same)", gws: [gateway("infra", "gw", [http("http")])], route: httpRoute("apps", "r", [parent()], [toWeb]), want: "Accepted=False:NotAllowedByListeners" },
    { name: "kind not allowed", gws: [gateway("infra", "gw", [http("http", 80, { allowedRoutes: { namespaces: { from: "All" }, kinds: [{ kind: "GRPCRoute" }] } })])], route: httpRoute("apps", "r", [parent()], [toWeb]), want: "Accepted=False:NotAllowedByListeners" },
    { name: "namespace selector not matching", gws: [gateway("infra", "gw", [http("http", 80, { allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { gw: "yes" } } } } })])], route: httpRoute("apps", "r", [parent()], [toWeb]), objs: [namespace("apps")], want: "Accepted=False:NotAllowedByListeners" },
    { name: "no hostname intersection", gws: [gateway("infra", "gw", [http("http", 80, { ...allFrom, hostname: "*.example.com" })])], route: httpRoute("apps", "r", [parent()], [toWeb], ["web.example.net"]), want: "Accepted=False:NoMatchingListenerHostname" },
  ];
  for (const t of refusals) {
    it(`refuses: ${t.name}`, () => {
      const r = run(t.route, t.gws, t.objs);
      assert.ok(status(r).startsWith(t.want), status(r));
      assert.deepEqual(r.virtualHosts, []);
      assert.deepEqual(r.attachedListeners, []);
      assert.match(r.parents[0]?.conditions[0]?.message ?? "", /^spec\./);
    });
  }

  it("accepts a namespace the listener's selector matches", () => {
    const g = gateway("infra", "gw", [http("http", 80, { allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { gw: "yes" } } } } })]);
    assert.equal(status(run(httpRoute("apps", "r", [parent()], [toWeb]), [g], [namespace("apps", { gw: "yes" })])), OK);
  });

  it("intersects hostnames with the listener's", () => {
    const g = gateway("infra", "gw", [http("wild", 80, { ...allFrom, hostname: "*.example.com" })]);
    const r = run(httpRoute("apps", "r", [parent()], [toWeb], ["a.example.com", "*.example.com", "b.example.net"]), [g]);
    assert.deepEqual(r.virtualHosts.map((v) => v.virtualHost.fqdn), ["*.example.com", "a.example.com"]);
    const none = run(httpRoute("apps", "r", [parent()], [toWeb]), [g]);
    assert.deepEqual(none.virtualHosts.map((v) => v.virtualHost.fqdn), ["*.example.com"]);
  });

  it("keeps hostnames a more specific listener on the port serves off wider listeners (isolation)", () => {
    const g = gateway("infra", "gw", [http("empty", 80, allFrom), http("wild", 80, { ...allFrom, hostname: "*.example.com" }), http("foo", 80, { ...allFrom, hostname: "foo.example.com" })]);
    const r = run(httpRoute("apps", "r", [parent()], [toWeb], ["foo.example.com", "bar.example.com"]), [g]);
    assert.deepEqual(r.virtualHosts.map((v) => `${v.listener.split("/").pop()}:${v.virtualHost.fqdn}`), ["foo:foo.example.com", "wild:bar.example.com"]);
    assert.deepEqual(r.attachedListeners, ["Gateway/infra/gw/empty", "Gateway/infra/gw/foo", "Gateway/infra/gw/wild"]);
  });

  it("attaches to a ListenerSet's listeners only through the ListenerSet", () => {
    const g = gateway("infra", "gw", [http("http", 80, allFrom)], { allowedListeners: { namespaces: { from: "All" } } });
    const ls = listenerSet("apps", "ls", { name: "gw", namespace: "infra" }, [http("extra", 8080, allFrom)]);
    const viaLs = run(httpRoute("apps", "r", [{ kind: "ListenerSet", name: "ls" }], [toWeb]), [g], [ls]);
    assert.equal(status(viaLs), OK);
    assert.deepEqual(viaLs.virtualHosts.map((v) => v.envoyListener), ["gateway/infra/gw/8080"]);
    const viaGw = run(httpRoute("apps", "r", [parent("gw", { port: 8080 })], [toWeb]), [g], [ls]);
    assert.match(status(viaGw), /^Accepted=False:NoMatchingParent/);
  });
});

describe("reconcileHTTPRoute: backends and rules", () => {
  const refCases: { name: string; rule: HTTPRouteRule; objs?: KubernetesObject[]; want: string }[] = [
    { name: "missing Service", rule: { backendRefs: [{ name: "nope", port: 80 }] }, want: "ResolvedRefs=False:BackendNotFound" },
    { name: "missing port", rule: { backendRefs: [{ name: "web", port: 81 }] }, want: "ResolvedRefs=False:BackendNotFound" },
    { name: "unknown kind", rule: { backendRefs: [{ group: "example.com", kind: "Thing", name: "web", port: 80 }] }, want: "ResolvedRefs=False:InvalidKind" },
    { name: "other namespace without grant", rule: { backendRefs: [{ name: "web", namespace: "backends", port: 8080 }] }, objs: [service("backends", "web", [{ port: 8080 }])], want: "ResolvedRefs=False:RefNotPermitted" },
    { name: "unsupported appProtocol", rule: { backendRefs: [{ name: "api", port: 9092 }] }, want: "ResolvedRefs=False:UnsupportedProtocol" },
    { name: "unknown filter extension", rule: { filters: [{ type: "ExtensionRef", extensionRef: { group: "example.com", kind: "Magic", name: "m" } }], backendRefs: [{ name: "web", port: 8080 }] }, want: "ResolvedRefs=False:InvalidKind" },
  ];
  for (const t of refCases) {
    it(`answers 500 and reports: ${t.name}`, () => {
      const r = run(httpRoute("apps", "r", [parent()], [t.rule]), [gw], t.objs);
      assert.equal(status(r), `Accepted=True:Accepted ${t.want}`);
      assert.deepEqual(action(r), { kind: "direct", status: 500 });
      assert.match(r.parents[0]?.conditions[1]?.message ?? "", /^spec\.rules\[0\]\.(backendRefs|filters)\[0\]/);
    });
  }

  it("uses a Service in another namespace with a ReferenceGrant", () => {
    const grant = referenceGrant("backends", "g", [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "apps" }], [{ group: "", kind: "Service" }]);
    const r = run(httpRoute("apps", "r", [parent()], [{ backendRefs: [{ name: "web", namespace: "backends", port: 8080 }] }]), [gw], [service("backends", "web", [{ port: 8080 }]), grant]);
    assert.equal(status(r), OK);
    assert.deepEqual(r.clusters.map((c) => c.service.namespace), ["backends"]);
  });

  it("weights backends, keeps valid ones when some fail, answers 500 when all weights are 0", () => {
    const r = run(httpRoute("apps", "r", [parent()], [{ backendRefs: [{ name: "web", port: 8080, weight: 3 }, { name: "api", port: 9090, weight: 1 }, { name: "nope", port: 1 }] }]), [gw]);
    const a = action(r);
    assert.ok(a?.kind === "forward");
    assert.deepEqual(a.clusters.map((c) => [c.cluster.split("/")[1], c.weight]), [["web", 3], ["api", 1]]);
    assert.equal(a.invalidWeight, 1);
    assert.match(status(r), /ResolvedRefs=False:BackendNotFound/);
    const zero = run(httpRoute("apps", "r", [parent()], [{ backendRefs: [{ name: "web", port: 8080, weight: 0 }] }]), [gw]);
    assert.deepEqual(action(zero), { kind: "direct", status: 500 });
    assert.equal(status(zero), OK);
  });

  it("honours appProtocol h2c and websockets", () => {
    const r = run(httpRoute("apps", "r", [parent()], [{ backendRefs: [{ name: "api", port: 9090 }] }, { matches: [{ path: { value: "/ws" } }], backendRefs: [{ name: "api", port: 9091 }] }]), [gw]);
    const byPort = new Map(r.clusters.map((c) => [c.service.port, c.protocol]));
    assert.deepEqual([...byPort.entries()].sort(), [[9090, "h2c"], [9091, "http1"]]);
    const ws = routesOf(r).find((x) => x.match.path.value === "/ws")?.action;
    assert.equal(ws?.kind === "forward" && ws.websocket, true);
  });

  it("drops invalid rules: PartiallyInvalid while others remain, Accepted=False when none does", () => {
    const bad: HTTPRouteRule = { matches: [{ path: { type: "RegularExpression", value: "(" } }], backendRefs: [{ name: "web", port: 8080 }] };
    const partly = run(httpRoute("apps", "r", [parent()], [toWeb, bad]), [gw]);
    assert.equal(status(partly), `${OK} PartiallyInvalid=True:UnsupportedValue`);
    assert.match(partly.parents[0]?.conditions[2]?.message ?? "", /^Dropped Rule\(s\): 1 \(spec\.rules\[1\]\.matches\[0\]\.path\.value/);
    assert.equal(routesOf(partly).length, 1);
    const all = run(httpRoute("apps", "r", [parent()], [bad]), [gw]);
    assert.equal(status(all), "Accepted=False:UnsupportedValue ResolvedRefs=True:ResolvedRefs");
    assert.deepEqual(all.virtualHosts, []);
    const incompatible = run(httpRoute("apps", "r", [parent()], [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }, { type: "URLRewrite", urlRewrite: { hostname: "x.com" } }] }]), [gw]);
    assert.match(status(incompatible), /^Accepted=False:IncompatibleFilters/);
  });

  it("orders routes of one route by precedence and names every match", () => {
    const r = run(httpRoute("apps", "r", [parent()], [{ matches: [{ path: { value: "/" } }, { path: { type: "Exact", value: "/exact" } }], backendRefs: [{ name: "web", port: 8080 }] }, { matches: [{ path: { value: "/longer" } }], backendRefs: [{ name: "web", port: 8080 }] }]), [gw]);
    assert.deepEqual(routesOf(r).map((x) => x.name), ["httproute/apps/r/rule/0/match/1", "httproute/apps/r/rule/1/match/0", "httproute/apps/r/rule/0/match/0"]);
  });
});

describe("reconcileHTTPRoute: filters, timeouts, retries", () => {
  const one = (rule: HTTPRouteRule, g: Gateway = gw): HTTPRouteResult => run(httpRoute("apps", "r", [parent()], [rule]), [g]);

  it("modifies request and response headers, per rule and per backend", () => {
    const r = one({
      filters: [
        { type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "X-Set", value: "1" }], add: [{ name: "X-Add", value: "2" }], remove: ["X-Gone"] } },
        { type: "ResponseHeaderModifier", responseHeaderModifier: { set: [{ name: "X-Resp", value: "3" }] } },
      ],
      backendRefs: [{ name: "web", port: 8080, filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "X-Backend", value: "web" }] } }] }],
    });
    const route = routesOf(r)[0];
    assert.deepEqual(route?.requestHeaders, { set: [{ name: "X-Set", value: "1" }], remove: ["X-Gone"], add: [{ name: "X-Add", value: "2" }] });
    assert.deepEqual(route?.responseHeaders, { set: [{ name: "X-Resp", value: "3" }], remove: [] });
    assert.ok(route?.action.kind === "forward");
    assert.deepEqual(route.action.clusters[0]?.requestHeaders, { set: [{ name: "X-Backend", value: "web" }], remove: [] });
    assert.match(status(one({ filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "bad name", value: "1" }] } }] })), /^Accepted=False:UnsupportedValue/);
    assert.match(status(one({ filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: { add: [{ name: "x-ok", value: "a\r\nInjected: yes" }] } }] })), /^Accepted=False:UnsupportedValue/);
    assert.match(status(one({ matches: [{ headers: [{ name: "bad name", value: "1" }] }] })), /^Accepted=False:UnsupportedValue/);
    assert.match(status(one({ filters: [{ type: "RequestRedirect", requestRedirect: { hostname: "*.example.com" } }] })), /^Accepted=False:UnsupportedValue/);
  });

  it("redirects with the spec's port rules", () => {
    const redirect = (rr: object, g?: Gateway): RouteAction | undefined => action(one({ filters: [{ type: "RequestRedirect", requestRedirect: rr }] }, g));
    assert.deepEqual(redirect({ scheme: "https" }), { kind: "redirect", statusCode: 302, scheme: "https", port: 443 });
    assert.deepEqual(redirect({ hostname: "example.org", statusCode: 301 }), { kind: "redirect", statusCode: 301, host: "example.org", port: 80 });
    assert.deepEqual(redirect({ hostname: "example.org" }, gateway("infra", "gw", [http("http", 8080, allFrom)])), { kind: "redirect", statusCode: 302, host: "example.org", port: 8080 });
    assert.deepEqual(redirect({ port: 8443, path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/new" } }), { kind: "redirect", statusCode: 302, port: 8443, prefix: "/new" });
    assert.deepEqual(redirect({ path: { type: "ReplaceFullPath", replaceFullPath: "/full" }, statusCode: 308 }), { kind: "redirect", statusCode: 308, path: "/full", port: 80 });
  });

  it("rewrites host and path", () => {
    const a = action(one({ filters: [{ type: "URLRewrite", urlRewrite: { hostname: "internal.example", path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/v2" } } }], backendRefs: [{ name: "web", port: 8080 }] }));
    assert.ok(a?.kind === "forward");
    assert.equal(a.hostRewrite, "internal.example");
    assert.equal(a.prefixRewrite, "/v2");
    const full = action(one({ filters: [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplaceFullPath", replaceFullPath: "/one" } } }], backendRefs: [{ name: "web", port: 8080 }] }));
    assert.ok(full?.kind === "forward" && full.fullPathRewrite === "/one");
    assert.match(status(one({ matches: [{ path: { type: "Exact", value: "/x" } }], filters: [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } }] })), /^Accepted=False:UnsupportedValue/);
  });

  it("mirrors to several backends, by percent and by fraction", () => {
    const a = action(one({
      filters: [
        { type: "RequestMirror", requestMirror: { backendRef: { name: "api", port: 9090 } } },
        { type: "RequestMirror", requestMirror: { backendRef: { name: "web", port: 8080 }, percent: 25 } },
        { type: "RequestMirror", requestMirror: { backendRef: { name: "api", port: 9091 }, fraction: { numerator: 1, denominator: 8 } } },
      ],
      backendRefs: [{ name: "web", port: 8080 }],
    }));
    assert.ok(a?.kind === "forward");
    assert.deepEqual(a.mirror?.map((m) => [m.cluster.split("/").slice(1, 3).join(":"), m.percent]), [["api:9090", 100], ["web:8080", 25], ["api:9091", 12.5]]);
  });

  it("reads CORS", () => {
    const route = routesOf(one({ filters: [{ type: "CORS", cors: { allowOrigins: ["https://www.example.com", "https://*.example.org", "*"], allowMethods: ["GET", "*"], allowCredentials: true, maxAge: 60 } }], backendRefs: [{ name: "web", port: 8080 }] }))[0];
    assert.deepEqual(route?.cors?.allowOrigin, [{ value: "https://www.example.com", regex: false }, { value: "^https://[^/]*\\.example\\.org$", regex: true }, { value: "*", regex: false }]);
    assert.equal(route?.cors?.maxAgeSeconds, 60);
    assert.equal(route?.cors?.allowCredentials, true);
  });

  it("sets timeouts and retries", () => {
    const a = action(one({ timeouts: { request: "10s", backendRequest: "1s500ms" }, retry: { attempts: 3, codes: [503, 500], backoff: "100ms" }, backendRefs: [{ name: "web", port: 8080 }] }));
    assert.ok(a?.kind === "forward");
    assert.deepEqual(a.timeout, { responseMs: 10000, idleMs: null, backendRequestMs: 1500 });
    assert.deepEqual(a.retry, { retryOn: "connect-failure,refused-stream,reset,retriable-status-codes", numRetries: 3, perTryTimeoutMs: 1500, retriableStatusCodes: [500, 503], backoffBaseMs: 100 });

    // HTTPRouteRetryBackendTimeout and HTTPRouteRetryConnectionError: a retry block without codes still
    // retries a try that outlives timeouts.backendRequest (Envoy's per-try timeout, retried on "reset")
    // and a connection that fails or is dropped ("connect-failure", "reset").
    const bare = action(one({ timeouts: { backendRequest: "250ms" }, retry: { attempts: 2 }, backendRefs: [{ name: "web", port: 8080 }] }));
    assert.ok(bare?.kind === "forward");
    assert.deepEqual(bare.retry, { retryOn: "connect-failure,refused-stream,reset", numRetries: 2, perTryTimeoutMs: 250, retriableStatusCodes: [] });
    const noTimeout = action(one({ retry: {}, backendRefs: [{ name: "web", port: 8080 }] }));
    assert.ok(noTimeout?.kind === "forward");
    assert.deepEqual(noTimeout.retry, { retryOn: "connect-failure,refused-stream,reset", numRetries: 1, perTryTimeoutMs: 0, retriableStatusCodes: [] });
    // Without a retry block a per-try timeout is only a timeout: never retried.
    const timeoutOnly = action(one({ timeouts: { backendRequest: "250ms" }, backendRefs: [{ name: "web", port: 8080 }] }));
    assert.ok(timeoutOnly?.kind === "forward" && timeoutOnly.retry === undefined);
    assert.match(status(one({ timeouts: { request: "1s", backendRequest: "2s" } })), /^Accepted=False:UnsupportedValue/);
    assert.match(status(one({ timeouts: { request: "1.5s" } })), /^Accepted=False:UnsupportedValue/);
  });
});
