// Port of upstream Contour v1.33.6's test/e2e/httpproxy/include_prefix_condition_test.go
// ("httpproxy-include-prefix-condition"): a root includes proxies of two other namespaces on `/` and
// `/admin`; the longer include prefix wins.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, expectServicesByPath } from "./upstream-port-fixture.js";

const NS = "httpproxy-include-prefix-condition";

describe("httpproxy/include_prefix_condition_test.go", function () {
  const ctx = useStack({ pods: ["echo-app", "echo-admin"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("HTTPProxy include prefixes can cross namespaces", async () => {
    const { stack } = ctx;
    const appNamespace = "httpproxy-include-prefix-condition-app";
    const adminNamespace = "httpproxy-include-prefix-condition-admin";
    await deployEcho(stack, appNamespace, "echo-app");
    await deployEcho(stack, adminNamespace, "echo-admin");
    // Orphaned until the root includes them: not waited for.
    await createHTTPProxy(kc(), appNamespace, "echo-app", { routes: [{ services: [{ name: "echo-app", port: 80 }] }] });
    await createHTTPProxy(kc(), adminNamespace, "echo-admin", { routes: [{ services: [{ name: "echo-admin", port: 80 }] }] });
    await ensureNamespace(stack.kube, NS);
    await createHTTPProxy(kc(), NS, "echo", {
      virtualhost: { fqdn: "includeprefixcondition.projectcontour.io" },
      includes: [
        { name: "echo-app", namespace: appNamespace, conditions: [{ prefix: "/" }] },
        { name: "echo-admin", namespace: adminNamespace, conditions: [{ prefix: "/admin" }] },
      ],
    });
    await waitForProxyStatus(kc(), NS, "echo", "valid");
    await expectServicesByPath(stack, "includeprefixcondition.projectcontour.io", {
      "/": "echo-app",
      "/app": "echo-app",
      "/admin": "echo-admin",
      "/admin/": "echo-admin",
      "/admin/app": "echo-admin",
    });
  });
});
