import assert from "node:assert/strict";
import type { V1Service } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { cacheOf, port } from "../source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const external = (externalName: string): V1Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "ext", namespace: "default" },
  spec: { type: "ExternalName", externalName, ports: [port(80, "http")] },
});
const proxy: HTTPProxy = rootProxy("p", "ext.example.com", { routes: [prefixRoute("/", [to("ext", 80)])] });
const run = (svc: V1Service, enableExternalNameService?: boolean): Fragment =>
  reconcileHTTPProxy(cacheOf(svc, proxy), proxy, enableExternalNameService === undefined ? {} : { enableExternalNameService });
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);

describe("reconcileHTTPProxy: ExternalName Services", () => {
  it("routes to an ExternalName Service only with enableExternalNameService, resolved by Envoy", () => {
    const f = run(external("echo.example.net"), true);
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.equal(f.clusters[0]?.externalName, "echo.example.net");
    assert.equal(f.clusters[0]?.service.port, 80);
  });

  const refused: { name: string; svc: V1Service; enabled?: boolean; message: RegExp }[] = [
    { name: "by default", svc: external("echo.example.net"), message: /default\/ext is an ExternalName service, these are not currently enabled\. See the config\.enableExternalNameService config file setting/u },
    { name: "when disabled", svc: external("echo.example.net"), enabled: false, message: /these are not currently enabled/u },
    { name: "pointing at localhost", svc: external("localhost"), enabled: true, message: /points to localhost, this is not allowed/u },
    { name: "pointing at localhost.localdomain", svc: external("localhost.localdomain"), enabled: true, message: /points to localhost/u },
    { name: "pointing at local.projectcontour.io", svc: external("local.projectcontour.io"), enabled: true, message: /points to localhost/u },
  ];
  for (const c of refused) {
    it(`refuses one ${c.name} as upstream (ServiceUnresolvedReference)`, () => {
      const f = run(c.svc, c.enabled);
      assert.deepEqual(reasons(f), ["ServiceUnresolvedReference"]);
      assert.equal(f.conditions[0]?.category, "ServiceError");
      assert.match(f.conditions[0]?.message ?? "", c.message);
      assert.deepEqual(f.clusters, []);
    });
  }
});
