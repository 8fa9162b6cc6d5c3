/** Hostile and malformed HTTPProxies: every case ends in conditions, never in an exception, unbounded work or a config Envoy rejects. */
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPProxy, MatchCondition } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { estimateProgramSize, regexProblem } from "../regex/regex-check.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80)]);
const MiB = "x".repeat(1 << 20);

function run(proxy: HTTPProxy, ...objects: KubernetesObject[]): { f: Fragment; ms: number } {
  const started = process.hrtime.bigint();
  const f = reconcileHTTPProxy(cacheOf(web, ...objects, proxy), proxy);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  for (const c of [...f.conditions, ...(f.related ?? []).flatMap((r) => r.conditions)]) {
    assert.ok(c.message.length <= 600, `message of ${c.message.length} characters`);
    assert.match(c.reason, /^[A-Z][A-Za-z]+$/u);
  }
  return { f, ms };
}
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);
const withConditions = (conditions: MatchCondition[]): HTTPProxy => rootProxy("h", "h.com", { routes: [{ conditions, services: [to("web", 80)] }] });

describe("reconcileHTTPProxy: hostile input", () => {
  it("refuses regexes RE2 would choke on, in paths, headers and query parameters", () => {
    const bad = ["/(a+)+$", "/(x*)*y", "/[", "/(?=a)", "/(a)\\1", `/${"a*".repeat(600)}`, "/x{1001}", "/(ab{1000}){1000}", `/${"[a-z]".repeat(300)}`];
    for (const regex of bad) {
      assert.deepEqual(reasons(run(withConditions([{ regex }])).f), ["PathMatchConditionsNotValid"], regex);
      assert.deepEqual(reasons(run(withConditions([{ prefix: "/" }, { header: { name: "x", regex } }])).f), ["HeaderMatchConditionsNotValid"], regex);
      assert.deepEqual(reasons(run(withConditions([{ prefix: "/" }, { queryParameter: { name: "x", regex } }])).f), ["QueryParameterMatchConditionsNotValid"], regex);
    }
    assert.equal(regexProblem("/api/v[0-9]+/users/[a-z0-9-]+"), undefined, "ordinary regexes pass");
    assert.ok((estimateProgramSize("/api/v[0-9]+/users/[a-z0-9-]+") ?? 0) < 100);
  });

  it("refuses a regex made invalid by an include's prefix", () => {
    const child = { apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: { name: "c", namespace: "default" }, spec: { routes: [{ conditions: [{ regex: "/x{600}" }], services: [{ name: "web", port: 80 }] }] } };
    const { f } = run(rootProxy("h", "h.com", { includes: [{ name: "c", conditions: [{ prefix: `/${"a".repeat(700)}` }] }] }), child);
    assert.deepEqual(f.related?.[0]?.conditions.map((c) => c.reason), ["PathMatchConditionsNotValid"]);
    assert.deepEqual(f.virtualHosts, []);
  });

  it("refuses oversized values instead of putting them into Envoy's configuration", () => {
    const cases: [HTTPProxy, string][] = [
      [withConditions([{ prefix: `/${MiB}` }]), "PathMatchConditionsNotValid"],
      [withConditions([{ prefix: "/" }, { header: { name: "x", exact: MiB } }]), "HeaderMatchConditionsNotValid"],
      [withConditions([{ prefix: "/" }, { header: { name: MiB, present: true } }]), "HeaderMatchConditionsNotValid"],
      [rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 80)], { requestHeadersPolicy: { set: [{ name: "x", value: MiB }] } })] }), "RequestHeadersPolicyInvalid"],
      [rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 80)], { requestHeadersPolicy: { set: [{ name: "x", value: "a\r\nInjected: yes" }] } })] }), "RequestHeadersPolicyInvalid"],
      [rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 80)], { responseHeadersPolicy: { set: [{ name: "bad name", value: "v" }] } })] }), "ResponseHeaderPolicyInvalid"],
      [rootProxy("h", "h.com", { routes: [{ directResponsePolicy: { statusCode: 200, body: "b".repeat(4097) } }] }), "DirectResponsePolicyNotValid"],
      [rootProxy("h", "h.com", { routes: [{ directResponsePolicy: { statusCode: 99 } }] }), "DirectResponsePolicyNotValid"],
      [rootProxy("h", "h.com", { routes: [{ requestRedirectPolicy: { statusCode: 200 as 301 } }] }), "RequestRedirectPolicy"],
      [rootProxy("h", "h.com", { routes: [{ requestRedirectPolicy: { path: "/a", prefix: "/b" } }] }), "RequestRedirectPolicy"],
    ];
    for (const [p, reason] of cases) {
      const { f } = run(p);
      assert.deepEqual(reasons(f), [reason], reason);
      assert.deepEqual(f.virtualHosts, []);
    }
  });

  it("keeps a user's Envoy %-syntax as data: only upstream's own dynamic values are substituted", () => {
    const { f } = run(rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 80)], { requestHeadersPolicy: { set: [{ name: "x-a", value: "%DOWNSTREAM_REMOTE_ADDRESS% %CONTOUR_NAMESPACE% %%" }] } })] }));
    assert.deepEqual(f.virtualHosts[0]?.routes[0]?.requestHeaders?.set, [{ name: "X-A", value: "%DOWNSTREAM_REMOTE_ADDRESS% default %%" }]);
  });

  it("refuses bad durations in timeouts and ignores them, with a warning, in retries", () => {
    for (const d of ["1d", "-1s", "1e9s", "99999999999999999999h", "１s", "\u0000", "NaN", "Infinity", MiB]) {
      assert.deepEqual(reasons(run(rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 80)], { timeoutPolicy: { idle: d } })] })).f), ["TimeoutPolicyNotValid"], d.slice(0, 20));
      const retry = run(rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 80)], { retryPolicy: { perTryTimeout: d } })] })).f;
      assert.deepEqual(reasons(retry), ["Valid", "IgnoredField"], d.slice(0, 20));
      assert.equal(retry.virtualHosts[0]?.routes.length, 1);
    }
  });

  it("survives structurally malformed objects", () => {
    const malformed: unknown[] = [
      { spec: { virtualhost: 42 } },
      { spec: { virtualhost: { fqdn: 7 }, routes: "nope" } },
      { spec: { virtualhost: { fqdn: "a.com" }, routes: [null, 5, { services: "x" }, { services: [null, { name: 5, port: "80" }] }] } },
      { spec: { virtualhost: { fqdn: "a.com" }, includes: [null, { name: {} }, { name: "x", conditions: "y" }], routes: [{ conditions: [null, { header: "h" }, { queryParameter: [] }], services: [{ name: "web", port: 80 }] }] } },
      { spec: { virtualhost: { fqdn: "a.com", tls: "yes", corsPolicy: [], rateLimitPolicy: { local: "fast" }, ipAllowPolicy: {} }, routes: [{ services: [{ name: "web", port: 80 }] }] } },
      { spec: { virtualhost: { fqdn: "a.com", tls: { passthrough: "true" } }, tcpproxy: { services: {}, include: 3 } } },
      { spec: { virtualhost: { fqdn: "a.com" }, routes: [{ services: [{ name: "web", port: 80, weight: "heavy", mirror: "yes", validation: 1 }], timeoutPolicy: { response: 5 }, retryPolicy: { retryOn: "5xx", count: "3" }, loadBalancerPolicy: { strategy: 1, requestHashPolicies: {} }, healthCheckPolicy: { path: 1 }, pathRewritePolicy: { replacePrefix: [{ replacement: 3 }] } }] } },
      { spec: null },
      {},
    ];
    for (const m of malformed) {
      const p = { apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: { name: "m", namespace: "default" }, ...(m as object) } as HTTPProxy;
      const { f } = run(p);
      assert.ok(Array.isArray(f.conditions) && Array.isArray(f.virtualHosts), JSON.stringify(m));
      assert.ok(!f.conditions.some((c) => c.reason === "ReconcileFailed"), `no exception for ${JSON.stringify(m)}: ${JSON.stringify(f.conditions)}`);
    }
  });

  it("handles thousands of routes in linear time", () => {
    const routes = Array.from({ length: 4000 }, (_, i) => prefixRoute(`/p${i}`, [to(i % 2 === 0 ? "web" : "missing", 80)]));
    const { f, ms } = run(rootProxy("h", "h.com", { routes }));
    assert.equal(f.virtualHosts[0]?.routes.length, 4000);
    assert.equal(f.conditions.length, 2000);
    console.log(`      4000 routes reconciled in ${ms.toFixed(1)} ms`);
  });
});
