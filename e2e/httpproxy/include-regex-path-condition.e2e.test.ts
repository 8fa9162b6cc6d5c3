// Port of upstream Contour v1.33.6's test/e2e/httpproxy/include_regex_path_condition_test.go
// ("httpproxy-include-regex-condition"): regex conditions on included routes, joined to the include's
// prefix; a root whose include condition is a regex is invalid.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, expectServicesByPath } from "./upstream-port-fixture.js";

const NS = "httpproxy-include-regex-condition";

describe("httpproxy/include_regex_path_condition_test.go", function () {
  const ctx = useStack({ pods: ["echo-1", "echo-2"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("HTTPProxy with included regex and prefix HTTPProxies", async () => {
    const { stack } = ctx;
    await deployEcho(stack, "echo-1", "echo-1");
    await deployEcho(stack, "echo-2", "echo-2");
    await ensureNamespace(stack.kube, NS);
    await createHTTPProxy(kc(), "echo-1", "echo-1", {
      routes: [
        { services: [{ name: "echo-1", port: 80 }], conditions: [{ regex: "/us-west-3/.*" }] },
        { services: [{ name: "echo-1", port: 80 }], conditions: [{ regex: "/us-west-1/.*" }] },
      ],
    });
    await createHTTPProxy(kc(), "echo-2", "echo-2", {
      routes: [
        { services: [{ name: "echo-2", port: 80 }], conditions: [{ prefix: "/" }] },
        { services: [{ name: "echo-2", port: 80 }], conditions: [{ regex: "/(dev|staging)/.*" }] },
      ],
    });
    await createHTTPProxy(kc(), NS, "echo", {
      virtualhost: { fqdn: "includeregexmatch.projectcontour.io" },
      includes: [
        { name: "echo-1", namespace: "echo-1", conditions: [{ prefix: "/echo1" }] },
        { name: "echo-2", namespace: "echo-2", conditions: [{ prefix: "/echo2" }] },
      ],
    });
    await createHTTPProxy(kc(), NS, "echo-invalid", {
      virtualhost: { fqdn: "regex-condition-invalid.projectcontour.io" },
      includes: [{ name: "echo-1", namespace: "echo-1", conditions: [{ regex: "/echo.*" }] }],
    });
    await waitForProxyStatus(kc(), NS, "echo", "valid");
    await waitForProxyStatus(kc(), NS, "echo-invalid", "invalid");
    await expectServicesByPath(stack, "includeregexmatch.projectcontour.io", {
      "/echo2/": "echo-2", // "Prefix: /" with included "Prefix: echo2/"
      "/echo1/us-west-1/test": "echo-1", // "Prefix: /echo1" with included "Regex: /us-west-1/.*"
      "/echo1/us-west-3/test": "echo-1", // "Prefix: /echo1" with included "Regex: /us-west-3/.*"
      "/echo2/dev/utils": "echo-2", // "Prefix: /echo2" with included "Regex: /(dev|staging)/.*"
    });
  });
});
