import assert from "node:assert/strict";
import type { HTTPProxy, HTTPProxyService } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { edsName, parseEdsName } from "../model/names.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const web = service("web", [port(80, "http"), port(81, "health")]);
const checks = { path: "/healthz" };
const proxy = (svc: Partial<HTTPProxyService>, health = true): HTTPProxy =>
  rootProxy("p", "hp.example.com", { routes: [prefixRoute("/", [to("web", 80, svc)], health ? { healthCheckPolicy: checks } : {})] });
const run = (p: HTTPProxy): Fragment => reconcileHTTPProxy(cacheOf(web, p), p);

describe("reconcileHTTPProxy: healthPort", () => {
  it("checks health on the Service's other port: the cluster's endpoints name it", () => {
    const f = run(proxy({ healthPort: 81 }));
    assert.deepEqual(f.conditions.map((c) => c.reason), ["Valid"]);
    assert.equal(f.clusters[0]?.endpoints, "default/web/http/health");
    assert.deepEqual(parseEdsName("default/web/http/health"), { namespace: "default", service: "web", portName: "http", healthPortName: "health" });
  });

  it("ignores a healthPort without a health check policy, or equal to the port, as upstream", () => {
    assert.equal(run(proxy({ healthPort: 81 }, false)).clusters[0]?.endpoints, "default/web/http");
    assert.equal(run(proxy({ healthPort: 80 })).clusters[0]?.endpoints, "default/web/http");
  });

  it("leaves a healthPort the Service lacks unresolved (ServiceUnresolvedReference), naming the field", () => {
    const f = run(proxy({ healthPort: 99 }));
    assert.deepEqual(f.conditions.map((c) => c.reason), ["ServiceUnresolvedReference"]);
    assert.match(f.conditions[0]?.message ?? "", /spec\.routes\[0\]\.services\[0\]\.healthPort/u);
  });

  it("keeps EDS names unambiguous: no health segment without named ports, none equal to the port", () => {
    assert.equal(edsName("ns", "svc", "", "health"), "ns/svc");
    assert.equal(edsName("ns", "svc", "http", "http"), "ns/svc/http");
    assert.equal(parseEdsName("ns/svc/http/http"), undefined);
    assert.equal(parseEdsName("ns/svc/http/health/x"), undefined);
  });
});
