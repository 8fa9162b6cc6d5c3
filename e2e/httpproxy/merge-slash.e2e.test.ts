// Port of upstream Contour v1.33.6's test/e2e/httpproxy/merge_slash_test.go (the "disableMergeSlashes
// option" contexts of httpproxy_test.go): by default Envoy merges `//foo` into `/foo` before routing;
// with the config file's disableMergeSlashes: true it does not, and `//foo` falls to the `/` route.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { contourConfigFile, deployEcho, echoService, requestUntil } from "./upstream-port-fixture.js";

function testDisableMergeSlashes(disableMergeSlashes: boolean): void {
  const testName = disableMergeSlashes
    ? "when disable merge slashes is true, consecutive slashes in requests are not merged"
    : "when disable merge slashes is false, consecutive slashes in requests are merged";
  const namespace = disableMergeSlashes ? "httpproxy-disable-merge-slashes" : "httpproxy-enable-merge-slashes";
  const ctx = useStack({ pods: ["echo-1", "echo-2"], crds: true, ...(disableMergeSlashes ? { contourArgs: [`--config-path=${contourConfigFile("disableMergeSlashes: true\n")}`] } : {}) });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it(testName, async () => {
    const { stack } = ctx;
    await deployEcho(stack, namespace, "echo-1");
    await deployEcho(stack, namespace, "echo-2");
    const fqdn = disableMergeSlashes ? "disable.mergeslashes.projectcontour.io" : "enable.mergeslashes.projectcontour.io";
    await createHTTPProxy(kc(), namespace, "echo", {
      virtualhost: { fqdn },
      routes: [
        { services: [{ name: "echo-1", port: 80 }], conditions: [{ prefix: "/foo" }] },
        { services: [{ name: "echo-2", port: 80 }], conditions: [{ prefix: "/" }] },
      ],
    });
    await waitForProxyStatus(kc(), namespace, "echo", "valid");
    const testCases: Record<string, string> = disableMergeSlashes
      ? { "/foo": "echo-1", "//foo": "echo-2" } // not merged: `//foo` misses the first route and takes the second
      : { "/foo": "echo-1", "//foo": "echo-1" }; // merged: `//foo` matches the first route
    for (const [path, svc] of Object.entries(testCases)) {
      await requestUntil(stack, { host: fqdn, path }, (res) => res.status === 200 && echoService(res) === svc, `${path} to be answered 200 by ${svc}`);
    }
  });
}

describe("httpproxy/merge_slash_test.go", function () {
  describe("disableMergeSlashes option: default value of false", function () {
    testDisableMergeSlashes(false);
  });
  describe("disableMergeSlashes option: set to true", function () {
    testDisableMergeSlashes(true);
  });
});
