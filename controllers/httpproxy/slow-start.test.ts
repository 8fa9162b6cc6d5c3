import assert from "node:assert/strict";
import type { HTTPProxy, HTTPProxyService, Route } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80)]);
const proxyWith = (slowStartPolicy: unknown, strategy?: string): HTTPProxy =>
  rootProxy("p", "slow.example.com", {
    routes: [prefixRoute("/", [to("web", 80, { slowStartPolicy } as Partial<HTTPProxyService>)], strategy === undefined ? {} : ({ loadBalancerPolicy: { strategy } } as Partial<Route>))],
  });
const run = (p: HTTPProxy): Fragment => reconcileHTTPProxy(cacheOf(web, p), p);
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);

describe("reconcileHTTPProxy: slowStartPolicy", () => {
  const served: { name: string; policy: unknown; strategy?: string; want: unknown }[] = [
    { name: "with upstream's defaults (aggression 1, CRD default 10%)", policy: { window: "30s" }, want: { windowMs: 30000, aggression: 1, minWeightPercent: 10 } },
    { name: "with WeightedLeastRequest", policy: { window: "1m", aggression: "2.5", minWeightPercent: 0 }, strategy: "WeightedLeastRequest", want: { windowMs: 60000, aggression: 2.5, minWeightPercent: 0 } },
    { name: "with RoundRobin named", policy: { window: "500ms", aggression: ".5", minWeightPercent: 100 }, strategy: "RoundRobin", want: { windowMs: 500, aggression: 0.5, minWeightPercent: 100 } },
  ];
  for (const c of served) {
    it(`serves a ramp ${c.name}`, () => {
      const f = run(proxyWith(c.policy, c.strategy));
      assert.deepEqual(reasons(f), ["Valid"]);
      assert.deepEqual(f.clusters[0]?.slowStart, c.want);
    });
  }

  const refused: { name: string; policy: unknown; strategy?: string; message: RegExp }[] = [
    { name: "another strategy", policy: { window: "30s" }, strategy: "Random", message: /only supported with RoundRobin or WeightedLeastRequest/u },
    { name: "a session-affinity strategy", policy: { window: "30s" }, strategy: "Cookie", message: /only supported with RoundRobin or WeightedLeastRequest/u },
    { name: "a window that is no duration", policy: { window: "soon" }, message: /error parsing window/u },
    { name: "a missing window", policy: {}, message: /error parsing window/u },
    { name: "an aggression that is no decimal", policy: { window: "1s", aggression: "fast" }, message: /error parsing aggression: "fast" is not a decimal number/u },
    { name: "an infinite aggression", policy: { window: "1s", aggression: "Inf" }, message: /error parsing aggression/u },
    { name: "a zero aggression (Envoy needs more)", policy: { window: "1s", aggression: "0" }, message: /must be greater than 0/u },
    { name: "a percent above 100", policy: { window: "1s", minWeightPercent: 101 }, message: /minWeightPercent/u },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} with upstream's SlowStartInvalid`, () => {
      const f = run(proxyWith(c.policy, c.strategy));
      assert.deepEqual(reasons(f), ["SlowStartInvalid"]);
      assert.equal(f.conditions[0]?.category, "ServiceError");
      assert.match(f.conditions[0]?.message ?? "", /^spec\.routes\[0\]\.services\[0\]\.slowStartPolicy: /u);
      assert.match(f.conditions[0]?.message ?? "", c.message);
    });
  }
});
