/** What upstream's CRD admits and ours now admits too: served when sensible, else a condition naming the list. */
import assert from "node:assert/strict";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { LIST_LIMITS, listLimitProblem } from "./list-limits.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";
import { httpProxy, include, prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const services = Array.from({ length: 17 }, (_, i) => service(`s${i + 1}`, [port(80)]));

describe("reconcileHTTPProxy: lists upstream's CRD leaves unbounded", () => {
  it("serves a route with 17 services, each with its weight", () => {
    const proxy = rootProxy("h", "h.com", { routes: [prefixRoute("/", services.map((s) => to(s.metadata?.name ?? "", 80)))] });
    const f = reconcileHTTPProxy(cacheOf(...services, proxy), proxy);
    assert.deepEqual(f.conditions.map((c) => c.reason), ["Valid"]);
    const action = f.virtualHosts[0]?.routes[0]?.action;
    assert.equal(action?.kind, "forward");
    assert.equal(action?.kind === "forward" ? action.clusters.length : 0, 17);
  });

  it("serves an unknown load balancer strategy as RoundRobin, with a warning naming the field", () => {
    const proxy = rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("s1", 80)], { loadBalancerPolicy: { strategy: "Fastest" as "Random" } })] });
    const f = reconcileHTTPProxy(cacheOf(...services, proxy), proxy);
    assert.deepEqual(f.conditions.map((c) => c.reason), ["Valid", "IgnoredField"]);
    assert.match(f.conditions[1]?.message ?? "", /^spec\.routes\[0\]\.loadBalancerPolicy\.strategy: "Fastest" is not a load balancer strategy; RoundRobin used$/u);
    assert.equal(f.virtualHosts[0]?.routes.length, 1);
  });

  it("refuses a root with a list above the controller's bound (ListTooLong naming it), the host unserved", () => {
    const many = Array.from({ length: (LIST_LIMITS["services"] ?? 0) + 1 }, () => to("s1", 80));
    const proxy = rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("s1", 80)]), prefixRoute("/x", many)] });
    const f = reconcileHTTPProxy(cacheOf(...services, proxy), proxy);
    assert.deepEqual(f.conditions.map((c) => `${c.reason}: ${c.message}`), [`ListTooLong: spec.routes[1].services: 1025 items, more than the 1024 this controller accepts`]);
    assert.deepEqual(f.virtualHosts, []);
  });

  it("refuses an included proxy with too long a list; the root keeps its own routes", () => {
    const child = httpProxy("c", { routes: [prefixRoute("/", [to("s1", 80)], { requestHeadersPolicy: { set: Array.from({ length: 300 }, (_, i) => ({ name: `x-${i}`, value: "v" })) } })] });
    const proxy = rootProxy("h", "h.com", { routes: [prefixRoute("/own", [to("s1", 80)])], includes: [include("c", "/c")] });
    const f = reconcileHTTPProxy(cacheOf(...services, child, proxy), proxy);
    const related = f.related?.find((r) => r.key.name === "c");
    assert.deepEqual(related?.conditions.map((c) => `${c.reason}: ${c.message}`), ["ListTooLong: spec.routes[0].requestHeadersPolicy.set: 300 items, more than the 256 this controller accepts"]);
    assert.deepEqual(f.virtualHosts.flatMap((v) => v.routes.map((r) => r.match.path?.value)), ["/own"]);
  });

  it("walks nested lists by their field names and stops at a fixed depth", () => {
    assert.equal(listLimitProblem({ routes: [{ conditions: Array.from({ length: 64 }, () => ({ prefix: "/" })) }] }), undefined);
    assert.match(listLimitProblem({ routes: [{ conditions: Array.from({ length: 65 }, () => ({ prefix: "/" })) }] }) ?? "", /^spec\.routes\[0\]\.conditions: 65 items/u);
    let deep: unknown = Array.from({ length: 1000 }, () => 0);
    for (let i = 0; i < 40; i++) deep = { a: deep };
    assert.equal(listLimitProblem(deep), undefined);
  });
});

