import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { Route, RouteAction } from "../model/model.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy, type HTTPProxyReconcileOptions } from "./reconcile-httpproxy.js";
import { cacheOf, port, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY } from "../source/testdata/certs.js";
import { httpProxy, include, prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80, "http")]);
const api = service("api", [port(8080)]);

function run(objects: KubernetesObject[], proxy: HTTPProxy, options: HTTPProxyReconcileOptions = {}): Fragment {
  return reconcileHTTPProxy(cacheOf(...objects, proxy), proxy, options);
}
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);
const routesOf = (f: Fragment): readonly Route[] => f.virtualHosts[0]?.routes ?? [];
const paths = (f: Fragment): string[] => routesOf(f).map((r) => `${r.match.path.kind}:${r.match.path.value}`);
const forward = (r: Route | undefined): Extract<RouteAction, { kind: "forward" }> => {
  assert.equal(r?.action.kind, "forward");
  return r.action as Extract<RouteAction, { kind: "forward" }>;
};
const related = (f: Fragment, name: string): string[] => (f.related ?? []).find((r) => r.key.name === name)?.conditions.map((c) => c.reason) ?? [];

describe("reconcileHTTPProxy: roots and routes", () => {
  it("serves a root's routes to Service clusters and reports Valid", () => {
    const p = rootProxy("app", "app.example.com", { routes: [prefixRoute("/api", [to("api", 8080)]), prefixRoute(undefined, [to("web", 80)])] });
    const f = run([web, api], p);
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.deepEqual(f.virtualHosts.map((v) => v.fqdn), ["app.example.com"]);
    assert.deepEqual(paths(f), ["prefix:/api", "prefix:/"]);
    assert.equal(f.exclusiveFqdn, "app.example.com");
    assert.deepEqual(f.clusters.map((c) => c.service.name), ["api", "web"]);
    assert.deepEqual(f.dependencies, [
      { kind: "Service", namespace: "default", name: "api" },
      { kind: "Service", namespace: "default", name: "web" },
    ]);
    assert.deepEqual(f.conditions, [{ type: "Valid", status: "True", reason: "Valid", message: "Valid HTTPProxy" }]);
    assert.equal(routesOf(f)[0]?.httpsRedirect, false);
    assert.deepEqual(routesOf(f)[0]?.source, { kind: "HTTPProxy", namespace: "default", name: "app" });
  });

  it("contributes nothing, and reports nothing, for a proxy without a virtual host", () => {
    const f = run([web], httpProxy("child", { routes: [prefixRoute("/", [to("web", 80)])] }));
    assert.deepEqual([f.virtualHosts, f.conditions, f.dependencies], [[], [], []]);
  });

  it("lower-cases the fqdn, which is what the exclusive claim is made on", () => {
    const f = run([web], rootProxy("app", "App.Example.COM", { routes: [prefixRoute("/", [to("web", 80)])] }));
    assert.equal(f.virtualHosts[0]?.fqdn, "app.example.com");
    assert.equal(f.exclusiveFqdn, "app.example.com");
  });

  it("matches exact, regex, header and query conditions as upstream merges them", () => {
    const p = rootProxy("m", "m.com", {
      routes: [
        { conditions: [{ exact: "/e" }], services: [to("web", 80)] },
        { conditions: [{ regex: "/r/[0-9]+" }], services: [to("web", 80)] },
        {
          conditions: [
            { prefix: "/h" },
            { header: { name: "x-a", present: true } },
            { header: { name: "x-b", notpresent: true } },
            { header: { name: "x-c", contains: "c", ignoreCase: true } },
            { header: { name: "x-d", notexact: "d" } },
            { header: { name: "x-e", regex: "^e+$", ignoreCase: true } },
          ],
          services: [to("web", 80)],
        },
        { conditions: [{ prefix: "/q" }, { queryParameter: { name: "a", prefix: "p", ignoreCase: true } }, { queryParameter: { name: "b", present: true } }], services: [to("web", 80)] },
      ],
    });
    const f = run([web], p);
    assert.deepEqual(reasons(f), ["Valid"]);
    const byPath = new Map(routesOf(f).map((r) => [r.match.path.value, r.match]));
    assert.deepEqual(byPath.get("/e")?.path, { kind: "exact", value: "/e" });
    assert.deepEqual(byPath.get("/r/[0-9]+")?.path, { kind: "regex", value: "/r/[0-9]+" });
    assert.deepEqual(byPath.get("/h")?.headers, [
      { name: "x-a", kind: "present", invert: false, ignoreCase: false },
      { name: "x-b", kind: "present", invert: true, ignoreCase: false },
      { name: "x-c", kind: "contains", value: "c", invert: false, ignoreCase: true },
      { name: "x-d", kind: "exact", value: "d", invert: true, ignoreCase: false },
      // ignoreCase has no effect on regex, as upstream documents.
      { name: "x-e", kind: "regex", value: "^e+$", invert: false, ignoreCase: false },
    ]);
    assert.deepEqual(byPath.get("/q")?.queryParams, [
      { name: "a", kind: "prefix", value: "p", ignoreCase: true },
      { name: "b", kind: "present", ignoreCase: false },
    ]);
  });

  it("carries ignoreCase and treatMissingAsEmpty on notexact and notcontains as upstream does", () => {
    const headersOf = (conditions: object[]) => {
      const f = run([web], rootProxy("n", "n.com", { routes: [{ conditions: [{ prefix: "/n" }, ...conditions], services: [to("web", 80)] }] }));
      return { reasons: reasons(f), headers: routesOf(f).find((r) => r.match.path.value === "/n")?.match.headers };
    };
    const table: { conditions: object[]; want: unknown[] }[] = [
      { conditions: [{ header: { name: "x-a", notexact: "A", ignoreCase: true } }], want: [{ name: "x-a", kind: "exact", value: "A", invert: true, ignoreCase: true }] },
      { conditions: [{ header: { name: "x-a", notcontains: "A", ignoreCase: true, treatMissingAsEmpty: true } }], want: [{ name: "x-a", kind: "contains", value: "A", invert: true, ignoreCase: true, treatMissingAsEmpty: true }] },
      { conditions: [{ header: { name: "x-a", notexact: "A", treatMissingAsEmpty: true } }], want: [{ name: "x-a", kind: "exact", value: "A", invert: true, ignoreCase: false, treatMissingAsEmpty: true }] },
      // Upstream drops treatMissingAsEmpty on matches that are not inverted.
      { conditions: [{ header: { name: "x-a", exact: "A", treatMissingAsEmpty: true } }], want: [{ name: "x-a", kind: "exact", value: "A", invert: false, ignoreCase: false }] },
      // Upstream's contradiction check compares whole conditions: an ignoreCase opposite is no contradiction.
      {
        conditions: [{ header: { name: "x-a", exact: "A", ignoreCase: true } }, { header: { name: "x-a", notexact: "A" } }],
        want: [{ name: "x-a", kind: "exact", value: "A", invert: false, ignoreCase: true }, { name: "x-a", kind: "exact", value: "A", invert: true, ignoreCase: false }],
      },
    ];
    for (const { conditions, want } of table) {
      const got = headersOf(conditions);
      assert.deepEqual(got.reasons, ["Valid"], JSON.stringify(conditions));
      assert.deepEqual(got.headers, want, JSON.stringify(conditions));
    }
    const contradiction = run([web], rootProxy("c", "c.com", { routes: [{ conditions: [{ header: { name: "x-a", exact: "A" } }, { header: { name: "X-A", notexact: "A" } }], services: [to("web", 80)] }] }));
    assert.deepEqual(reasons(contradiction), ["HeaderMatchConditionsNotValid"]);
  });

  it("sorts routes by specificity and keeps the later of two routes with the same match", () => {
    const p = rootProxy("s", "s.com", {
      routes: [prefixRoute("/", [to("web", 80)]), prefixRoute("/a", [to("web", 80)]), { conditions: [{ exact: "/a" }], services: [to("web", 80)] }, prefixRoute("/a", [to("api", 8080)])],
    });
    const f = run([web, api], p);
    assert.deepEqual(paths(f), ["exact:/a", "prefix:/a", "prefix:/"]);
    assert.match(forward(routesOf(f)[1]).clusters[0]?.cluster ?? "", /^default\/api\//u);
  });

  it("adds a single-label :authority match under a wildcard fqdn", () => {
    const f = run([web], rootProxy("w", "*.example.com", { routes: [prefixRoute("/", [to("web", 80)])] }));
    assert.deepEqual(routesOf(f)[0]?.match.headers, [{ name: ":authority", kind: "regex", value: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\.example\\.com(:[0-9]+)?", invert: false, ignoreCase: false }]);
  });

  it("answers 503 on a route whose only service is missing, serving the rest (as upstream)", () => {
    const f = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/ok", [to("web", 80)]), prefixRoute("/gone", [to("ghost", 80)])] }));
    assert.deepEqual(reasons(f), ["ServiceUnresolvedReference"]);
    assert.equal(f.conditions[0]?.category, "ServiceError");
    assert.match(f.conditions[0]?.message ?? "", /^spec\.routes\[1\]\.services\[0\]: Service "default\/ghost" not found/u);
    assert.deepEqual(routesOf(f).map((r) => [r.match.path.value, r.action.kind === "direct" ? r.action.status : "forward"]), [["/gone", 503], ["/ok", "forward"]]);
    assert.ok(f.dependencies.some((d) => d.kind === "Service" && d.name === "ghost"), "the missing Service is a dependency");
  });

  it("drops every route of a proxy with an invalid route, as upstream's return nil does", () => {
    const f = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/ok", [to("web", 80)]), { conditions: [{ prefix: "/a" }, { exact: "/b" }], services: [to("web", 80)] }] }));
    assert.deepEqual(reasons(f), ["PathMatchConditionsNotValid"]);
    assert.match(f.conditions[0]?.message ?? "", /^spec\.routes\[1\]\.conditions: route: more than one prefix, exact or regex is not allowed in a condition block$/u);
    assert.deepEqual(f.virtualHosts, []);
    assert.deepEqual(f.clusters, []);
  });
});

describe("reconcileHTTPProxy: includes", () => {
  const teamWeb = service("web", [port(80)], { namespace: "team" });

  it("concatenates include prefixes and accumulates header conditions down the chain", () => {
    const root = rootProxy("root", "a.com", { includes: [include("blog", "/blog", "team", [{ header: { name: "x-v", exact: "1" } }])] });
    const blog = httpProxy("blog", { includes: [include("comments", "/comments")], routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" });
    const comments = httpProxy("comments", { routes: [{ conditions: [{ prefix: "/v1" }, { header: { name: "x-w", present: true } }], services: [to("web", 80)] }] }, { namespace: "team" });
    const f = run([teamWeb, blog, comments], root);
    assert.deepEqual(paths(f), ["prefix:/blog/comments/v1", "prefix:/blog/"]);
    assert.deepEqual(routesOf(f)[0]?.match.headers.map((h) => h.name), ["x-v", "x-w"]);
    assert.deepEqual(routesOf(f)[0]?.source, { kind: "HTTPProxy", namespace: "team", name: "comments" });
    assert.deepEqual(related(f, "blog"), ["Valid"]);
    assert.deepEqual(related(f, "comments"), ["Valid"]);
    assert.deepEqual(f.dependencies.filter((d) => d.kind === "HTTPProxy"), [
      { kind: "HTTPProxy", namespace: "team", name: "blog" },
      { kind: "HTTPProxy", namespace: "team", name: "comments" },
    ]);
    // Services are always those of the proxy's own namespace: team/web, not default/web.
    assert.deepEqual(f.clusters.map((c) => c.service.namespace), ["team"]);
  });

  it("reports a missing include, depends on it, and answers 502 under its conditions", () => {
    const f = run([web], rootProxy("root", "a.com", { includes: [include("later", "/later", "team")], routes: [prefixRoute("/", [to("web", 80)])] }));
    assert.deepEqual(reasons(f), ["IncludeNotFound"]);
    assert.equal(f.conditions[0]?.category, "IncludeError");
    assert.equal(f.conditions[0]?.message, "spec.includes[0]: include team/later not found");
    assert.ok(f.dependencies.some((d) => d.kind === "HTTPProxy" && d.namespace === "team" && d.name === "later"));
    assert.deepEqual(routesOf(f).map((r) => [r.match.path.value, r.action.kind === "direct" ? r.action.status : "forward"]), [["/later", 502], ["/", "forward"]]);
  });

  it("refuses a root including a root", () => {
    const other = rootProxy("other", "b.com", { routes: [prefixRoute("/", [to("web", 80)])] });
    const f = run([web, other], rootProxy("root", "a.com", { includes: [include("other", "/o")] }));
    assert.deepEqual(reasons(f), ["RootIncludesRoot"]);
    assert.match(f.conditions[0]?.message ?? "", /root httpproxy cannot include another root httpproxy \(default\/other\)/u);
    assert.deepEqual(f.related, []);
  });

  it("reports an include cycle on the proxy that closes it and serves the rest", () => {
    const a = httpProxy("a", { includes: [include("b", "/b")], routes: [prefixRoute("/", [to("web", 80)])] });
    const b = httpProxy("b", { includes: [include("a", "/a")], routes: [prefixRoute("/", [to("web", 80)])] });
    const f = run([web, a, b], rootProxy("root", "c.com", { includes: [include("a", "/a")] }));
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.deepEqual(related(f, "a"), ["IncludeCreatesCycle"]);
    assert.match(f.related?.find((r) => r.key.name === "a")?.conditions[0]?.message ?? "", /default\/root -> default\/a -> default\/b -> default\/a/u);
    assert.deepEqual(related(f, "b"), ["Valid"]);
    assert.deepEqual(paths(f), ["prefix:/a/b/", "prefix:/a/"]);
  });

  it("refuses duplicate include conditions but lets several includes share /", () => {
    const c1 = httpProxy("c1", { routes: [prefixRoute("/x", [to("web", 80)])] });
    const c2 = httpProxy("c2", { routes: [prefixRoute("/y", [to("web", 80)])] });
    const shared = run([web, c1, c2], rootProxy("root", "a.com", { includes: [include("c1"), include("c2")] }));
    assert.deepEqual(reasons(shared), ["Valid"]);
    assert.deepEqual(paths(shared), ["prefix:/y", "prefix:/x"]);
    const dup = run([web, c1, c2], rootProxy("root", "a.com", { includes: [include("c1", "/p", undefined, [{ header: { name: "x", exact: "1" } }]), include("c2", "/p", undefined, [{ header: { name: "X", exact: "1" } }])] }));
    assert.deepEqual(reasons(dup), ["DuplicateMatchConditions"]);
    assert.deepEqual(paths(dup), ["prefix:/p/x"]);
  });

  it("refuses exact and regex conditions on includes", () => {
    const c = httpProxy("c", { routes: [prefixRoute("/", [to("web", 80)])] });
    const f = run([web, c], rootProxy("root", "a.com", { includes: [{ name: "c", conditions: [{ exact: "/x" }] }] }));
    assert.deepEqual(reasons(f), ["PathMatchConditionsNotValid"]);
    assert.equal(f.conditions[0]?.category, "IncludeError");
    assert.match(f.conditions[0]?.message ?? "", /exact conditions are not allowed in includes block/u);
  });

  it("treats a proxy of another ingress class as missing", () => {
    const c = httpProxy("c", { ingressClassName: "nginx", routes: [prefixRoute("/", [to("web", 80)])] });
    assert.deepEqual(reasons(run([web, c], rootProxy("root", "a.com", { includes: [include("c", "/c")] }))), ["IncludeNotFound"]);
  });

  it("keeps a child's errors on the child and drops only its routes", () => {
    const bad = httpProxy("bad", { routes: [prefixRoute("/ok", [to("web", 80)]), { conditions: [{ prefix: "nope" }], services: [to("web", 80)] }] });
    const good = httpProxy("good", { routes: [prefixRoute("/", [to("web", 80)])] });
    const f = run([web, bad, good], rootProxy("root", "a.com", { includes: [include("bad", "/bad"), include("good", "/good")] }));
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.deepEqual(related(f, "bad"), ["PathMatchConditionsNotValid"]);
    assert.deepEqual(paths(f), ["prefix:/good/"]);
  });

  it("bounds how often one proxy is reached from a root (an include fan-out bomb)", () => {
    const chain: HTTPProxy[] = [];
    for (let i = 0; i < 30; i++) chain.push(httpProxy(`p${i}`, { includes: i < 29 ? [include(`p${i + 1}`, "/a"), include(`p${i + 1}`, "/b")] : [], routes: [prefixRoute("/", [to("web", 80)])] }));
    const started = Date.now();
    const f = run([web, ...chain], rootProxy("root", "a.com", { includes: [include("p0", "/x")] }));
    assert.ok(Date.now() - started < 2000, "linear, not 2^30");
    assert.ok((f.related ?? []).some((r) => r.conditions.some((c) => c.reason === "TooManyInclusions")));
  });
});

describe("reconcileHTTPProxy: services and route policies", () => {
  it("splits by weight, mirrors, and uses the service's protocol over the Service annotation", () => {
    const p = rootProxy("a", "a.com", {
      routes: [prefixRoute("/", [to("web", 80, { weight: 90 }), to("api", 8080, { weight: 10, protocol: "h2c" }), to("web", 80, { mirror: true, weight: 5 })])],
    });
    const f = run([web, api], p);
    const action = forward(routesOf(f)[0]);
    assert.deepEqual(action.clusters.map((c) => c.weight), [90, 10]);
    assert.deepEqual(action.mirror?.map((m) => m.percent), [5]);
    assert.equal(f.clusters.find((c) => c.service.name === "api")?.protocol, "h2c");
  });

  it("refuses two mirrors and unknown protocols", () => {
    assert.deepEqual(reasons(run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80), to("web", 80, { mirror: true }), to("web", 80, { mirror: true })])] }))), ["OnlyOneMirror"]);
    const bad = rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80, { protocol: "h3" as "h2" })])] });
    assert.deepEqual(reasons(run([web], bad)), ["UnsupportedProtocol"]);
  });

  it("reads timeouts, retries, websockets and the idle connection timeout", () => {
    const p = rootProxy("a", "a.com", {
      routes: [
        prefixRoute("/", [to("web", 80)], {
          timeoutPolicy: { response: "1m", idle: "infinity", idleConnection: "30s" },
          retryPolicy: { count: 3, perTryTimeout: "250ms", retryOn: ["5xx", "retriable-status-codes"], retriableStatusCodes: [502, 503] },
          enableWebsockets: true,
        }),
      ],
    });
    const f = run([web], p);
    const action = forward(routesOf(f)[0]);
    assert.deepEqual(action.timeout, { responseMs: 60_000, idleMs: 0 });
    assert.deepEqual(action.retry, { retryOn: "5xx,retriable-status-codes", numRetries: 3, perTryTimeoutMs: 250, retriableStatusCodes: [502, 503] });
    assert.equal(action.websocket, true);
    assert.equal(f.clusters[0]?.idleConnectionTimeoutMs, 30_000);
  });

  it("refuses a bad timeout, naming the field", () => {
    const f = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { timeoutPolicy: { response: "soon" } })] }));
    assert.deepEqual(reasons(f), ["TimeoutPolicyNotValid"]);
    assert.match(f.conditions[0]?.message ?? "", /spec\.routes\[0\]\.timeoutPolicy\.response: "soon"/u);
  });

  it("maps load balancer strategies and request hash policies onto clusters and routes", () => {
    const cookie = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { loadBalancerPolicy: { strategy: "Cookie" } })] }));
    assert.equal(cookie.clusters[0]?.loadBalancer, "Cookie");
    assert.deepEqual(forward(routesOf(cookie)[0]).hashPolicy, [{ kind: "cookie", name: "X-Contour-Session-Affinity", ttlSeconds: 0, path: "/" }]);
    const hash = run([web], rootProxy("a", "a.com", {
      routes: [prefixRoute("/", [to("web", 80)], {
        loadBalancerPolicy: {
          strategy: "RequestHash",
          requestHashPolicies: [{ headerHashOptions: { headerName: "x-user" }, terminal: true }, { queryParameterHashOptions: { parameterName: "Session" } }, { hashSourceIP: true }, { hashSourceIP: true }, {}],
        },
      })],
    }));
    assert.deepEqual(forward(routesOf(hash)[0]).hashPolicy, [
      { kind: "header", name: "X-User", terminal: true },
      { kind: "query", name: "session", terminal: false },
      { kind: "sourceIp", terminal: false },
    ]);
    assert.deepEqual(reasons(hash), ["Valid", "IgnoredField", "IgnoredField"]);
    const wlr = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { loadBalancerPolicy: { strategy: "WeightedLeastRequest" } })] }));
    assert.equal(wlr.clusters[0]?.loadBalancer, "WeightedLeastRequest");
  });

  it("attaches an HTTP health check to the route's clusters, with upstream's defaults", () => {
    const f = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { healthCheckPolicy: { path: "/healthz", intervalSeconds: 3 } })] }));
    assert.deepEqual(f.clusters[0]?.healthCheck, { kind: "http", path: "/healthz", host: "contour-envoy-healthcheck", intervalMs: 3000, timeoutMs: 2000, unhealthyThreshold: 3, healthyThreshold: 2 });
  });

  it("expands a prefix replacement into /foo and /foo/ routes, as upstream does", () => {
    const f = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/foo", [to("web", 80)], { pathRewritePolicy: { replacePrefix: [{ replacement: "/" }] } })] }));
    assert.deepEqual(routesOf(f).map((r) => [r.match.path.value, forward(r).prefixRewrite]), [["/foo/", "/"], ["/foo", "/"]]);
    const missing = run([web], rootProxy("a", "a.com", { routes: [{ conditions: [{ exact: "/x" }], services: [to("web", 80)], pathRewritePolicy: { replacePrefix: [{ replacement: "/y" }] } }] }));
    assert.deepEqual(reasons(missing), ["MustHavePrefix"]);
    assert.equal(missing.conditions[0]?.category, "PrefixReplaceError");
  });

  it("answers redirects and direct responses, and refuses a route with two actions", () => {
    const f = run([web], rootProxy("a", "a.com", {
      routes: [
        { conditions: [{ prefix: "/r" }], requestRedirectPolicy: { scheme: "https", hostname: "b.com", port: 8443, prefix: "/n" } },
        { conditions: [{ prefix: "/d" }], directResponsePolicy: { statusCode: 200, body: "hi" } },
      ],
    }));
    assert.deepEqual(routesOf(f).map((r) => r.action), [
      { kind: "redirect", scheme: "https", host: "b.com", port: 8443, prefix: "/n", statusCode: 302 },
      { kind: "direct", status: 200, body: "hi" },
    ]);
    const both = run([web], rootProxy("a", "a.com", { routes: [{ services: [to("web", 80)], directResponsePolicy: { statusCode: 200 } }] }));
    assert.deepEqual(reasons(both), ["RouteActionCountNotValid"]);
  });

  it("substitutes upstream's dynamic header values and refuses Host on responses", () => {
    const f = run([web], rootProxy("a", "a.com", {
      routes: [prefixRoute("/", [to("web", 80, { requestHeadersPolicy: { set: [{ name: "x-svc", value: "%CONTOUR_SERVICE_NAME%:%CONTOUR_SERVICE_PORT%" }] } })], {
        requestHeadersPolicy: { set: [{ name: "x-ns", value: "%CONTOUR_NAMESPACE%" }, { name: "x-raw", value: "%REQ(x-a)%" }], remove: ["x-drop"] },
      })],
    }));
    const r = routesOf(f)[0];
    assert.deepEqual(r?.requestHeaders, { set: [{ name: "X-Ns", value: "default" }, { name: "X-Raw", value: "%REQ(x-a)%" }], remove: ["X-Drop"] });
    assert.deepEqual(forward(r).clusters[0]?.requestHeaders, { set: [{ name: "X-Svc", value: "web:80" }], remove: [] });
    const host = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { responseHeadersPolicy: { set: [{ name: "host", value: "x" }] } })] }));
    assert.deepEqual(reasons(host), ["ResponseHeaderPolicyInvalid"]);
  });

  it("rewrites Host from a request header on routes, as upstream's hostRewriteHeader; literal Hosts stay as written", () => {
    const table: { host: string; want: unknown }[] = [
      { host: "%REQ(x-rewrite-host)%", want: { set: [], remove: [], hostRewriteHeader: "X-Rewrite-Host" } },
      // Upstream finds the variable anywhere in the value and trims the name.
      { host: "a-%REQ(X-Target)%-b", want: { set: [], remove: [], hostRewriteHeader: "X-Target" } },
      // No dynamic values in a literal Host (upstream uses it as it is); not a header name: a literal.
      { host: "%CONTOUR_NAMESPACE%.svc", want: { set: [{ name: "Host", value: "%CONTOUR_NAMESPACE%.svc" }], remove: [] } },
      { host: "%REQ(x_y)%", want: { set: [{ name: "Host", value: "%REQ(x_y)%" }], remove: [] } },
    ];
    for (const { host, want } of table) {
      const f = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { requestHeadersPolicy: { set: [{ name: "Host", value: host }] } })] }));
      assert.deepEqual(reasons(f), ["Valid"], host);
      assert.deepEqual(routesOf(f)[0]?.requestHeaders, want, host);
    }
    // On a service upstream reads it but never applies it (weighted clusters have no header rewrite): a warning here.
    const svc = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80, { requestHeadersPolicy: { set: [{ name: "Host", value: "%REQ(x-h)%" }] } })])] }));
    assert.deepEqual([...reasons(svc)].sort(), ["IgnoredField", "Valid"]);
    assert.ok(svc.conditions.some((c) => c.reason === "IgnoredField" && /requestHeadersPolicy: Host "%REQ\(x-h\)%"/u.test(c.message)), JSON.stringify(svc.conditions));
    assert.equal(forward(routesOf(svc)[0]).clusters[0]?.requestHeaders, undefined);
  });

  it("reads internalRedirectPolicy as upstream does (Never by default), refusing what the CRD would", () => {
    const table: { policy: unknown; want: unknown; reason?: string }[] = [
      { policy: {}, want: { maxInternalRedirects: 0, redirectResponseCodes: [], crossScheme: "never", denyRepeatedRouteRedirect: false } },
      {
        policy: { maxInternalRedirects: 5, redirectResponseCodes: [301, 307], allowCrossSchemeRedirect: "SafeOnly", denyRepeatedRouteRedirect: true },
        want: { maxInternalRedirects: 5, redirectResponseCodes: [301, 307], crossScheme: "safeOnly", denyRepeatedRouteRedirect: true },
      },
      { policy: { allowCrossSchemeRedirect: "Always" }, want: { maxInternalRedirects: 0, redirectResponseCodes: [], crossScheme: "always", denyRepeatedRouteRedirect: false } },
      { policy: { redirectResponseCodes: [304] }, want: undefined, reason: "InternalRedirectPolicyNotValid" },
      { policy: { allowCrossSchemeRedirect: "Sometimes" }, want: undefined, reason: "InternalRedirectPolicyNotValid" },
    ];
    for (const { policy, want, reason } of table) {
      const f = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { internalRedirectPolicy: policy as never })] }));
      assert.deepEqual(reasons(f), [reason ?? "Valid"], JSON.stringify(policy));
      if (want !== undefined) assert.deepEqual(forward(routesOf(f)[0]).internalRedirect, want, JSON.stringify(policy));
    }
  });

  it("redirects plain HTTP to HTTPS on a TLS host unless the route permits insecure", () => {
    // Needs a Secret; see tls.test.ts for TLS itself. Passthrough is enough to enable TLS here.
    const f = run([web], rootProxy("a", "a.com", { vhost: { tls: { passthrough: true } }, tcpproxy: { services: [to("web", 80)] }, routes: [prefixRoute("/open", [to("web", 80)], { permitInsecure: true }), prefixRoute("/", [to("web", 80)])] }));
    assert.deepEqual(routesOf(f).map((r) => [r.match.path.value, r.httpsRedirect]), [["/open", false], ["/", true]]);
  });

  it("presents the configured client certificate (tls.envoy-client-certificate) to TLS backends only, and fails the proxy when it is missing", () => {
    const proxy = rootProxy("a", "a.com", { routes: [prefixRoute("/tls", [{ ...to("web", 80), protocol: "tls" }]), prefixRoute("/", [to("web", 80)])] });
    const clientCertificate = { namespace: "projectcontour", name: "envoy-client" };
    const f = run([web, tlsSecret("envoy-client", A_CRT, A_KEY, { namespace: "projectcontour" })], proxy, { clientCertificate });
    assert.deepEqual(reasons(f), ["Valid"]);
    const byProtocol = new Map(f.clusters.map((c) => [c.protocol, c.clientCertificate]));
    assert.match(byProtocol.get("tls") ?? "", /^projectcontour\/envoy-client\//u);
    assert.equal(byProtocol.get("http1"), undefined);
    assert.deepEqual(f.secrets.map((s) => s.source), [{ kind: "Secret", namespace: "projectcontour", name: "envoy-client" }]);
    assert.ok(f.dependencies.some((d) => d.kind === "Secret" && d.name === "envoy-client"));
    const missing = run([web], proxy, { clientCertificate });
    assert.ok(missing.conditions.some((c) => c.reason === "SecretNotValid" && c.message.includes("tls.envoy-client-certificate")), JSON.stringify(missing.conditions));
  });

  it("redirects every route with disablePermitInsecure, and puts the configured connect timeout in its clusters", () => {
    const proxy = rootProxy("a", "a.com", { vhost: { tls: { passthrough: true } }, tcpproxy: { services: [to("web", 80)] }, routes: [prefixRoute("/open", [to("web", 80)], { permitInsecure: true })] });
    const f = run([web], proxy, { disablePermitInsecure: true, connectTimeoutMs: 1500 });
    assert.deepEqual(routesOf(f).map((r) => [r.match.path.value, r.httpsRedirect]), [["/open", true]]);
    assert.deepEqual([...new Set(f.clusters.map((c) => c.connectTimeoutMs))], [1500]);
  });
});

describe("reconcileHTTPProxy: virtual host policies", () => {
  it("reads CORS, a local rate limit and an IP allow list onto the virtual host", () => {
    const f = run([web], rootProxy("a", "a.com", {
      vhost: {
        corsPolicy: { allowOrigin: ["*", "https://x.example.com", "https://.*\\.example\\.org"], allowMethods: ["GET", "POST"], maxAge: "10m", allowCredentials: true },
        rateLimitPolicy: { local: { requests: 10, unit: "minute", burst: 5, responseHeadersToAdd: [{ name: "x-limited", value: "yes" }] } },
        ipAllowPolicy: [{ source: "Peer", cidr: "10.1.2.3/8" }, { source: "Remote", cidr: "2001:db8::1" }],
      },
      routes: [prefixRoute("/", [to("web", 80)], { ipDenyPolicy: [{ source: "Peer", cidr: "192.0.2.7" }], rateLimitPolicy: { local: { requests: 1, unit: "second" } } })],
    }));
    assert.deepEqual(reasons(f), ["Valid"]);
    const v = f.virtualHosts[0];
    assert.deepEqual(v?.cors, {
      allowOrigin: [{ value: "*", regex: false }, { value: "https://x.example.com", regex: false }, { value: "https://.*\\.example\\.org", regex: true }],
      allowMethods: ["GET", "POST"],
      allowHeaders: [],
      exposeHeaders: [],
      allowCredentials: true,
      maxAgeSeconds: 600,
      allowPrivateNetwork: false,
    });
    assert.deepEqual(v?.rateLimit, { tokensPerFill: 10, maxTokens: 15, fillIntervalMs: 60_000, responseStatus: 429, responseHeaders: [{ name: "X-Limited", value: "yes" }] });
    assert.deepEqual(v?.ipFilter, { action: "allow", rules: [{ source: "peer", cidr: "10.0.0.0/8" }, { source: "remote", cidr: "2001:db8::1/128" }] });
    assert.deepEqual(v?.routes[0]?.ipFilter, { action: "deny", rules: [{ source: "peer", cidr: "192.0.2.7/32" }] });
    assert.equal(v?.routes[0]?.rateLimit?.tokensPerFill, 1);
  });

  it("refuses bad CIDRs, allow with deny, and bad CORS", () => {
    const cidr = run([web], rootProxy("a", "a.com", { vhost: { ipDenyPolicy: [{ source: "Peer", cidr: "10.0.0.0/33" }] }, routes: [prefixRoute("/", [to("web", 80)])] }));
    assert.deepEqual(reasons(cidr), ["InvalidCIDR"]);
    assert.deepEqual(cidr.virtualHosts, []);
    const both = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { ipAllowPolicy: [{ source: "Peer", cidr: "10.0.0.1" }], ipDenyPolicy: [{ source: "Peer", cidr: "10.0.0.2" }] })] }));
    assert.deepEqual(reasons(both), ["IncompatibleIPAddressFilters"]);
    const cors = run([web], rootProxy("a", "a.com", { vhost: { corsPolicy: { allowOrigin: ["*"], allowMethods: [] } }, routes: [prefixRoute("/", [to("web", 80)])] }));
    assert.deepEqual(reasons(cors), ["PolicyDidNotParse"]);
    assert.equal(cors.conditions[0]?.category, "CORSError");
  });
});

describe("reconcileHTTPProxy: roots", () => {
  it("refuses a root outside --root-namespaces, without claiming its fqdn", () => {
    const f = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" }), { rootNamespaces: ["roots"] });
    assert.deepEqual(reasons(f), ["RootProxyNotAllowedInNamespace"]);
    assert.equal(f.conditions[0]?.message, "root HTTPProxy cannot be defined in this namespace");
    assert.equal(f.conditions[0]?.category, "RootNamespaceError");
    assert.equal(f.exclusiveFqdn, undefined);
    assert.deepEqual(f.virtualHosts, []);
  });

  it("refuses a root with nothing to serve, and blank or invalid fqdns", () => {
    assert.deepEqual(reasons(run([web], rootProxy("a", "a.com", {}))), ["NothingDefined"]);
    assert.deepEqual(reasons(run([web], rootProxy("a", " ", { routes: [prefixRoute("/", [to("web", 80)])] }))), ["FQDNNotSpecified"]);
    assert.deepEqual(reasons(run([web], rootProxy("a", "a..com", { routes: [prefixRoute("/", [to("web", 80)])] }))), ["FQDNNotValid"]);
  });

  it("fails closed on authorization and JWT settings it cannot enforce", () => {
    const jwt = run([web], rootProxy("a", "a.com", { vhost: { jwtProviders: [{ name: "p", remoteJWKS: { uri: "https://jwks" } }] }, routes: [prefixRoute("/", [to("web", 80)])] }));
    // JWT verification needs TLS termination (jwt-providers.test.ts covers the rest).
    assert.deepEqual(reasons(jwt), ["JWTVerificationNotPermitted"]);
    assert.deepEqual(jwt.virtualHosts, []);
    const auth = run([web], rootProxy("a", "a.com", { vhost: { authorization: { extensionRef: { name: "authz" } } }, routes: [prefixRoute("/", [to("web", 80)])] }));
    assert.deepEqual(reasons(auth), ["AuthNotPermitted"]);
    const requires = run([web], rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)], { jwtVerificationPolicy: { require: "p" } })] }));
    assert.deepEqual(reasons(requires), ["JWTProviderNotDefined"]);
    assert.deepEqual(requires.virtualHosts, []);
  });

  it("survives a throwing cache with ReconcileFailed", () => {
    const p = rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)])] });
    const f = reconcileHTTPProxy({ get: () => { throw new Error("boom"); }, list: () => [] }, p);
    assert.deepEqual(reasons(f), ["ReconcileFailed"]);
  });
});

describe("reconcileHTTPProxy: cluster names as upstream Contour v1.33.6 (its featuretests)", () => {
  const kuard = service("kuard", [port(80, "http")]);
  const names = (f: Fragment): string[] => f.clusters.map((c) => c.name).sort();

  it("names a plain route's cluster default/kuard/80/da39a3ee5e", () => {
    assert.deepEqual(names(run([kuard], rootProxy("p", "kuard.example.com", { routes: [prefixRoute("/", [to("kuard", 80)])] }))), ["default/kuard/80/da39a3ee5e"]);
  });

  it("hashes the route's Host rewrite as the SNI, TLS or not (externalname_test.go)", () => {
    const hostRewrite = { requestHeadersPolicy: { set: [{ name: "Host", value: "external.address" }] } };
    assert.deepEqual(names(run([kuard], rootProxy("p", "kuard.example.com", { routes: [prefixRoute("/", [to("kuard", 80)], hostRewrite)] }))), ["default/kuard/80/95e871afaf"]);
    assert.deepEqual(names(run([kuard], rootProxy("p", "kuard.example.com", { routes: [prefixRoute("/", [to("kuard", 80, { protocol: "tls" })], hostRewrite)] }))), ["default/kuard/80/f9439c1de8"]);
    assert.deepEqual(names(run([kuard], rootProxy("p", "kuard.example.com", { routes: [prefixRoute("/", [to("kuard", 80, { protocol: "h2" })], hostRewrite)] }))), ["default/kuard/80/cdbf075ad8"]);
  });

  it("hashes the load balancer strategy and the health check path (cluster_test.go)", () => {
    const cookie = run([kuard], rootProxy("p", "kuard.example.com", { routes: [prefixRoute("/", [to("kuard", 80)], { loadBalancerPolicy: { strategy: "Cookie" } })] }));
    assert.deepEqual(names(cookie), ["default/kuard/80/e4f81994fe"]);
    const health = run([kuard], rootProxy("p", "kuard.example.com", { routes: [prefixRoute("/", [to("kuard", 80)], { healthCheckPolicy: { path: "/healthz" } })] }));
    assert.deepEqual(names(health), ["default/kuard/80/bc862a33ca"]);
  });
});
