import assert from "node:assert/strict";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";
import { rootProxy } from "./testdata/fixtures.js";

const web = service("web", [port(80)], { namespace: "app" });
const other = service("other", [port(80)], { namespace: "app" });

function run(route: Record<string, unknown>): Fragment {
  const proxy: HTTPProxy = rootProxy("p", "cookies.example.com", { routes: [route as never] }, { namespace: "app" });
  return reconcileHTTPProxy(cacheOf(web, other, proxy), proxy);
}
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);

describe("reconcileHTTPProxy: cookieRewritePolicies", () => {
  it("puts route and service rewrites on the route and its clusters", () => {
    const f = run({
      cookieRewritePolicies: [{ name: "session", pathRewrite: { value: "/app" }, domainRewrite: { value: "cookies.example.com" }, secure: true, sameSite: "Strict" }],
      services: [{ name: "web", port: 80, cookieRewritePolicies: [{ name: "pref", secure: false }] }, { name: "other", port: 80 }],
    });
    assert.deepEqual(reasons(f), ["Valid"]);
    const route = f.virtualHosts[0]?.routes[0];
    assert.deepEqual(route?.cookieRewrites, [{ name: "session", path: "/app", domain: "cookies.example.com", secure: true, sameSite: "Strict" }]);
    assert.ok(route?.action.kind === "forward");
    assert.deepEqual(route.action.clusters.map((c) => c.cookieRewrites), [[{ name: "pref", secure: false }], undefined]);
  });

  it("keeps a hostile value as the literal text it is", () => {
    const value = `/a"]] os.exit(1) --[[\\'`;
    const f = run({ cookieRewritePolicies: [{ name: "h", pathRewrite: { value } }], services: [{ name: "web", port: 80 }] });
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.equal(f.virtualHosts[0]?.routes[0]?.cookieRewrites?.[0]?.path, value);
  });

  it("refuses what upstream refuses, naming the field, and drops the route", () => {
    const table: [string, Record<string, unknown>, RegExp][] = [
      ["duplicate", { cookieRewritePolicies: [{ name: "a", secure: true }, { name: "a", secure: false }], services: [{ name: "web", port: 80 }] }, /\.cookieRewritePolicies: duplicate cookie rewrite rule for cookie "a" on route cookie rewrite rules/u],
      ["nothing rewritten", { cookieRewritePolicies: [{ name: "a" }], services: [{ name: "web", port: 80 }] }, /no attributes rewritten for cookie "a" on route/u],
      ["service duplicate", { services: [{ name: "web", port: 80, cookieRewritePolicies: [{ name: "b", secure: true }, { name: "b", secure: true }] }] }, /\.services\[0\]\.cookieRewritePolicies: duplicate cookie rewrite rule for cookie "b" on service cookie rewrite rules/u],
      ["path with ;", { cookieRewritePolicies: [{ name: "a", pathRewrite: { value: "/x; Domain=evil.com" } }], services: [{ name: "web", port: 80 }] }, /pathRewrite of cookie "a"/u],
      ["path with CRLF", { cookieRewritePolicies: [{ name: "a", pathRewrite: { value: "/x\r\nset-cookie: y=1" } }], services: [{ name: "web", port: 80 }] }, /pathRewrite/u],
      ["bad domain", { cookieRewritePolicies: [{ name: "a", domainRewrite: { value: "Evil..com" } }], services: [{ name: "web", port: 80 }] }, /domainRewrite/u],
      ["bad sameSite", { cookieRewritePolicies: [{ name: "a", sameSite: "lax" }], services: [{ name: "web", port: 80 }] }, /sameSite of cookie "a" must be one of Strict, Lax, None/u],
      ["bad name", { cookieRewritePolicies: [{ name: "a=b", secure: true }], services: [{ name: "web", port: 80 }] }, /not a valid cookie name/u],
    ];
    for (const [what, route, message] of table) {
      const f = run(route);
      assert.deepEqual(reasons(f), ["CookieRewritePoliciesInvalid"], what);
      assert.equal(f.conditions[0]?.category, "RouteError", what);
      assert.match(f.conditions[0]?.message ?? "", /^spec\.routes\[0\]/u, what);
      assert.match(f.conditions[0]?.message ?? "", message, what);
      assert.deepEqual(f.virtualHosts[0]?.routes ?? [], [], what);
    }
  });
});
