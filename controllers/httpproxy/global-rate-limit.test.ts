import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { globalRateLimit } from "./global-rate-limit.js";
import { reconcileHTTPProxy, type HTTPProxyReconcileOptions } from "./reconcile-httpproxy.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80, "http")]);

function run(objects: KubernetesObject[], proxy: HTTPProxy, options: HTTPProxyReconcileOptions = {}): Fragment {
  return reconcileHTTPProxy(cacheOf(...objects, proxy), proxy, options);
}
const generic = (value: string) => ({ entries: [{ genericKey: { value } }] });

describe("global rate limits (rateLimitPolicy.global)", () => {
  it("reads every entry kind in order, expectMatch defaulting to true", () => {
    const got = globalRateLimit(
      {
        global: {
          descriptors: [
            { entries: [{ genericKey: { key: "k", value: "v" } }, { remoteAddress: {} }] },
            { entries: [{ requestHeader: { headerName: "X-Tenant", descriptorKey: "tenant" } }, { requestHeaderValueMatch: { headers: [{ name: "X-Env", exact: "prod" }], value: "prod" } }] },
          ],
        },
      },
      "f",
    );
    assert.deepEqual(got, {
      ok: true,
      value: {
        descriptors: [
          { entries: [{ kind: "genericKey", key: "k", value: "v" }, { kind: "remoteAddress" }] },
          {
            entries: [
              { kind: "requestHeader", headerName: "X-Tenant", descriptorKey: "tenant" },
              { kind: "headerValueMatch", headers: [{ name: "X-Env", kind: "exact", value: "prod", invert: false, ignoreCase: false }], expectMatch: true, value: "prod" },
            ],
          },
        ],
      },
    });
  });

  it("reads nothing from a disabled policy or one without descriptors", () => {
    assert.deepEqual(globalRateLimit({ global: { disabled: true, descriptors: [generic("a")] } }, "f"), { ok: true, value: undefined });
    assert.deepEqual(globalRateLimit({ global: { descriptors: [] } }, "f"), { ok: true, value: undefined });
    assert.deepEqual(globalRateLimit(undefined, "f"), { ok: true, value: undefined });
  });

  const bad: [string, unknown, RegExp][] = [
    ["two fields in one entry", { genericKey: { value: "a" }, remoteAddress: {} }, /exactly one field set/],
    ["no field", {}, /exactly one field set/],
    ["an empty generic value", { genericKey: { value: "" } }, /genericKey.value must not be empty/],
    ["a bad header name", { requestHeader: { headerName: "bad header", descriptorKey: "k" } }, /requestHeader.headerName/],
    ["an empty descriptor key", { requestHeader: { headerName: "X-A", descriptorKey: "" } }, /descriptorKey must not be empty/],
    ["no header conditions", { requestHeaderValueMatch: { headers: [], value: "v" } }, /at least one header condition/],
    ["a condition that matches nothing", { requestHeaderValueMatch: { headers: [{ name: "X-A" }], value: "v" } }, /each header condition needs one of/],
    ["a bad regex", { requestHeaderValueMatch: { headers: [{ name: "X-A", regex: "(" }], value: "v" } }, /invalid regular expression/],
  ];
  for (const [what, entry, message] of bad) {
    it(`refuses ${what}, naming the entry`, () => {
      const got = globalRateLimit({ global: { descriptors: [{ entries: [entry] }] } }, "spec.routes[0].rateLimitPolicy");
      assert.equal(got.ok, false);
      assert.match(got.ok ? "" : got.problem, /^spec\.routes\[0\]\.rateLimitPolicy\.global\.descriptors\[0\]\.entries\[0\]: /);
      assert.match(got.ok ? "" : got.problem, message);
    });
  }

  it("puts the host's and routes' descriptors on the model; a route's disabled ignores the host's", () => {
    const p = rootProxy("app", "app.example.com", {
      vhost: { rateLimitPolicy: { global: { descriptors: [generic("host")] } } },
      routes: [
        { ...prefixRoute("/api", [to("web", 80)]), rateLimitPolicy: { global: { descriptors: [generic("api")] } } },
        { ...prefixRoute("/free", [to("web", 80)]), rateLimitPolicy: { global: { disabled: true } } },
      ],
    } as never);
    const f = run([web], p);
    assert.deepEqual(f.conditions.map((c) => c.reason), ["Valid"]);
    const vhost = f.virtualHosts[0];
    assert.deepEqual(vhost?.globalRateLimit, { descriptors: [{ entries: [{ kind: "genericKey", value: "host" }] }] });
    const byPath = new Map(vhost?.routes.map((r) => [r.match.path.value, r]));
    assert.deepEqual(byPath.get("/api")?.globalRateLimit, { descriptors: [{ entries: [{ kind: "genericKey", value: "api" }] }] });
    assert.equal(byPath.get("/api")?.ignoreVirtualHostGlobalRateLimit, undefined);
    assert.equal(byPath.get("/free")?.ignoreVirtualHostGlobalRateLimit, true);
  });

  it("gives hosts without their own policy the default one, unless they opt out", () => {
    const defaultGlobalRateLimitPolicy = { descriptors: [generic("default")] };
    const plain = run([web], rootProxy("a", "a.example.com", { routes: [prefixRoute("/", [to("web", 80)])] }), { defaultGlobalRateLimitPolicy });
    assert.deepEqual(plain.virtualHosts[0]?.globalRateLimit, { descriptors: [{ entries: [{ kind: "genericKey", value: "default" }] }] });
    const own = run([web], rootProxy("b", "b.example.com", { vhost: { rateLimitPolicy: { global: { descriptors: [generic("own")] } } }, routes: [prefixRoute("/", [to("web", 80)])] } as never), { defaultGlobalRateLimitPolicy });
    assert.deepEqual(own.virtualHosts[0]?.globalRateLimit, { descriptors: [{ entries: [{ kind: "genericKey", value: "own" }] }] });
    const out = run([web], rootProxy("c", "c.example.com", { vhost: { rateLimitPolicy: { global: { disabled: true } } }, routes: [prefixRoute("/", [to("web", 80)])] } as never), { defaultGlobalRateLimitPolicy });
    assert.equal(out.virtualHosts[0]?.globalRateLimit, undefined);
  });

  it("reports RateLimitPolicyNotValid for a bad host policy, and for a bad default policy", () => {
    const p = rootProxy("a", "a.example.com", { vhost: { rateLimitPolicy: { global: { descriptors: [{ entries: [{}] }] } } }, routes: [prefixRoute("/", [to("web", 80)])] } as never);
    const f = run([web], p);
    const error = f.conditions.flatMap((c) => ("errors" in c ? [] : [c])).find((c) => c.reason === "RateLimitPolicyNotValid");
    assert.ok(error !== undefined, JSON.stringify(f.conditions));
    assert.match(error.message, /^spec\.virtualhost\.rateLimitPolicy is invalid: spec\.virtualhost\.rateLimitPolicy\.global\.descriptors\[0\]\.entries\[0\]: rate limit descriptor entry must have exactly one field set/);
    assert.equal(f.virtualHosts.length, 0);
    const d = run([web], rootProxy("b", "b.example.com", { routes: [prefixRoute("/", [to("web", 80)])] }), { defaultGlobalRateLimitPolicy: { descriptors: [{ entries: [{}] }] } });
    assert.match(d.conditions.find((c) => c.reason === "RateLimitPolicyNotValid")?.message ?? "", /^Default Global RateLimit Policy is invalid: /);
  });

  it("reports RateLimitPolicyNotValid on a route with a bad global policy", () => {
    const p = rootProxy("a", "a.example.com", { routes: [{ ...prefixRoute("/", [to("web", 80)]), rateLimitPolicy: { global: { descriptors: [{ entries: [] }] } } }] } as never);
    const f = run([web], p);
    assert.ok(f.conditions.some((c) => c.reason === "RateLimitPolicyNotValid" && /at least one entry/.test(c.message)), JSON.stringify(f.conditions));
  });
});
