// Port of upstream Contour v1.33.6's test/e2e/httpproxy/regex_path_condition_test.go
// ("httpproxy-regex-condition"): regex path conditions.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, expectServicesByPath } from "./upstream-port-fixture.js";

const NS = "httpproxy-regex-condition";

describe("httpproxy/regex_path_condition_test.go", function () {
  const ctx = useStack({ pods: ["echo-1", "echo-2", "echo-3"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("Regex path matching works", async () => {
    const { stack } = ctx;
    for (const name of ["echo-1", "echo-2", "echo-3"]) await deployEcho(stack, NS, name);
    const fqdn = "regexpath.projectcontour.io";
    const route = (service: string, regex: string) => ({ services: [{ name: service, port: 80 }], conditions: [{ regex }] });
    await createHTTPProxy(kc(), NS, "regex", {
      virtualhost: { fqdn },
      routes: [
        route("echo-2", "/apiv1/prod-.+/"),
        route("echo-3", "/(local|global)/.*/"),
        route("echo-1", "/[a-zA-Z]+"),
        route("echo-3", "/[\\d]+/.+/"),
        route("echo-1", "/base/.*"),
        route("echo-1", "/"),
      ],
    });
    await waitForProxyStatus(kc(), NS, "regex", "valid");
    await expectServicesByPath(stack, fqdn, {
      "/": "echo-1", // "/"
      "/apiv1/prod-v2/echo-2/": "echo-2", // "/apiv1/prod-.+/"
      "/local/echo-3/": "echo-3", // "/(local|global)/.*/"
      "/echo": "echo-1", // "/[a-zA-Z]+"
      "/3/echo/": "echo-3", // "/[\d]+/.+/"
      "/base/root": "echo-1", // "/base/.*"
    });
  });
});
