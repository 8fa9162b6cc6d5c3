/**
 * Numbers upstream's CRD leaves unbounded (its Go uint32 fields), and ours now too: negative or too
 * large values reach the reconciler, which refuses or ignores them in status and never puts them
 * into Envoy's configuration (where protobuf could not encode them).
 */
import assert from "node:assert/strict";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import { translateModel } from "../../xds/translate/translate-model.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80)]);

/** A route with one policy set to the given value. */
const withRoute = (extra: Record<string, unknown>): HTTPProxy => rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 80)], extra as never)] });

const CASES: Array<[string, HTTPProxy]> = [
  ["rateLimitPolicy.local.burst -1", withRoute({ rateLimitPolicy: { local: { requests: 1, unit: "second", burst: -1 } } })],
  ["rateLimitPolicy.local.requests 2^40", withRoute({ rateLimitPolicy: { local: { requests: 2 ** 40, unit: "second" } } })],
  ["internalRedirectPolicy.maxInternalRedirects -1", withRoute({ internalRedirectPolicy: { maxInternalRedirects: -1 } })],
  ["retryPolicy.retriableStatusCodes [-1, 2^40]", withRoute({ retryPolicy: { retryOn: ["retriable-status-codes"], retriableStatusCodes: [-1, 2 ** 40] } })],
  ["healthCheckPolicy thresholds -1 and 2^40", withRoute({ healthCheckPolicy: { path: "/", unhealthyThresholdCount: -1, healthyThresholdCount: 2 ** 40 } })],
  ["slowStartPolicy.minWeightPercent -5", rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 80, { slowStartPolicy: { window: "5s", minWeightPercent: -5 } as never })])] })],
  ["services[].port 65536", rootProxy("h", "h.com", { routes: [prefixRoute("/", [to("web", 65536)])] })],
];

describe("reconcileHTTPProxy: numbers upstream's CRD leaves unbounded", () => {
  for (const [name, proxy] of CASES) {
    it(`${name}: a condition naming the field, and a configuration that translates`, () => {
      const f = reconcileHTTPProxy(cacheOf(web, proxy), proxy);
      const problems = f.conditions.filter((c) => c.reason !== "Valid");
      assert.ok(problems.length > 0, `no condition for ${name}: ${JSON.stringify(f.conditions)}`);
      assert.ok(problems.every((c) => /^spec\./u.test(c.message)), JSON.stringify(problems.map((c) => c.message)));
      // Whatever is still served translates, with no negative or 2^40 number left in the model.
      assert.doesNotThrow(() => translateModel({ virtualHosts: f.virtualHosts, tcpProxies: [], clusters: f.clusters, secrets: [] }, []));
      assert.doesNotMatch(JSON.stringify(f.virtualHosts) + JSON.stringify(f.clusters), /:-\d|:1099511627776/u);
    });
  }
});
