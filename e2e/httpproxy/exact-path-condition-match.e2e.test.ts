// Port of upstream Contour v1.33.6's test/e2e/httpproxy/exact_path_condition_match_test.go
// ("httpproxy-exact-path-condition-app"): exact path conditions, and their precedence over prefixes.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, expectServicesByPath } from "./upstream-port-fixture.js";

const NS = "httpproxy-exact-path-condition-app";

describe("httpproxy/exact_path_condition_match_test.go", function () {
  const ctx = useStack({ pods: ["echo-blue", "echo-green", "echo-default"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("Exact path match routing works and has precedence over prefix match", async () => {
    const { stack } = ctx;
    for (const name of ["echo-blue", "echo-green", "echo-default"]) await deployEcho(stack, NS, name);
    const fqdn = "exactpathcondition.projectcontour.io";
    const route = (service: string, condition: { prefix: string } | { exact: string }) => ({ services: [{ name: service, port: 80 }], conditions: [condition] });
    await createHTTPProxy(kc(), NS, "echo-exact", {
      virtualhost: { fqdn },
      routes: [
        route("echo-blue", { prefix: "/blue" }),
        route("echo-blue", { exact: "/common/exact-blue" }),
        route("echo-green", { prefix: "/common/exact-blue/" }),
        route("echo-green", { exact: "/blue-exact-green" }),
        route("echo-green", { exact: "/blue/exact-green" }),
        route("echo-default", { prefix: "/" }),
      ],
    });
    await waitForProxyStatus(kc(), NS, "echo-exact", "valid");
    await expectServicesByPath(stack, fqdn, {
      "/": "echo-default", // "Prefix: /"
      "/blue": "echo-blue", // "Prefix: /blue"
      "/blue/exact-green": "echo-green", // "Exact: /blue/exact-green" takes precedence over "Prefix: /blue"
      "/common/exact-blue": "echo-blue", // "Exact: /common/exact-blue"
      "/common/exact-blue/green": "echo-green", // "Prefix: /common/exact-blue/"
      "/blue-exact-green": "echo-green", // "Exact: /blue-exact-green"
      "/blue-exact-green/extra": "echo-blue", // "Prefix: /blue"
      "/app": "echo-default", // "Prefix: /"
    });
  });
});
