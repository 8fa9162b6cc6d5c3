// Port of upstream Contour v1.33.6's test/e2e/httpproxy/path_condition_match_test.go
// ("httpproxy-path-condition-match"): prefixes with and without a trailing slash, and a route without
// conditions. Upstream also checks the echo body's namespace; the bed's pods answer with their name only,
// and the one namespace of this test holds every Service, so the answering pod stands for both.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, expectServicesByPath } from "./upstream-port-fixture.js";

const NS = "httpproxy-path-condition-match";

describe("httpproxy/path_condition_match_test.go", function () {
  const ctx = useStack({ pods: ["echo-slash-prefix", "echo-slash-noprefix", "echo-slash-default"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("path match routing works", async () => {
    const { stack } = ctx;
    for (const name of ["echo-slash-prefix", "echo-slash-noprefix", "echo-slash-default"]) await deployEcho(stack, NS, name);
    const fqdn = "pathconditions.projectcontour.io";
    await createHTTPProxy(kc(), NS, "path-conditions", {
      virtualhost: { fqdn },
      routes: [
        { services: [{ name: "echo-slash-prefix", port: 80 }], conditions: [{ prefix: "/path/prefix/" }] },
        { services: [{ name: "echo-slash-noprefix", port: 80 }], conditions: [{ prefix: "/path/prefix" }] },
        { services: [{ name: "echo-slash-default", port: 80 }] },
      ],
    });
    await waitForProxyStatus(kc(), NS, "path-conditions", "valid");
    await expectServicesByPath(stack, fqdn, {
      "/": "echo-slash-default",
      "/foo": "echo-slash-default",
      "/path/prefix": "echo-slash-noprefix",
      "/path/prefixfoo": "echo-slash-noprefix",
      "/path/prefix/": "echo-slash-prefix",
      "/path/prefix/foo": "echo-slash-prefix",
    });
  });
});
