// Port of upstream Contour v1.33.6's test/e2e/httpproxy/include_exact_condition_test.go
// ("httpproxy-include-exact-condition"): exact conditions on included routes, joined to the include's
// prefix, across namespaces; a root whose include condition is `exact` is invalid.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, expectServicesByPath } from "./upstream-port-fixture.js";

const NS = "httpproxy-include-exact-condition";

describe("httpproxy/include_exact_condition_test.go", function () {
  const ctx = useStack({ pods: ["echo-app", "echo-admin"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("HTTPProxy include exacts can cross namespaces", async () => {
    const { stack } = ctx;
    const appNamespace = "httpproxy-include-exact-condition-app";
    const adminNamespace = "httpproxy-include-exact-condition-admin";
    await deployEcho(stack, appNamespace, "echo-app");
    await deployEcho(stack, adminNamespace, "echo-admin");
    await ensureNamespace(stack.kube, NS);
    // Orphaned until a root includes them: not waited for.
    await createHTTPProxy(kc(), appNamespace, "echo-app", {
      routes: [
        { services: [{ name: "echo-app", port: 80 }], conditions: [{ exact: "/foo" }] },
        { services: [{ name: "echo-app", port: 80 }], conditions: [{ prefix: "/v1" }] },
      ],
    });
    await createHTTPProxy(kc(), adminNamespace, "echo-admin", {
      routes: [
        { services: [{ name: "echo-admin", port: 80 }], conditions: [{ prefix: "/" }] },
        { services: [{ name: "echo-admin", port: 80 }], conditions: [{ exact: "/portal" }] },
      ],
    });
    await createHTTPProxy(kc(), NS, "echo", {
      virtualhost: { fqdn: "includeexactcondition.projectcontour.io" },
      includes: [
        { name: "echo-app", namespace: appNamespace, conditions: [{ prefix: "/app" }] },
        { name: "echo-admin", namespace: adminNamespace, conditions: [{ prefix: "/app/" }] },
        { name: "echo-admin", namespace: adminNamespace, conditions: [{ prefix: "/admin" }] },
      ],
    });
    await createHTTPProxy(kc(), NS, "echo-invalid", {
      virtualhost: { fqdn: "includeexactcondition-invalid.projectcontour.io" },
      includes: [{ name: "echo-app", namespace: appNamespace, conditions: [{ exact: "/app" }] }],
    });
    await waitForProxyStatus(kc(), NS, "echo", "valid");
    await waitForProxyStatus(kc(), NS, "echo-invalid", "invalid");
    await expectServicesByPath(stack, "includeexactcondition.projectcontour.io", {
      "/app/foo": "echo-app", // "Prefix: /app" + "Exact: /foo" = "Exact: /app/foo"
      "/app/admin": "echo-admin", // "Prefix: /app/" + "Prefix: /" = "Prefix: /app"
      "/app/bar": "echo-admin", // "Prefix: /app/" + "Prefix: /" = "Prefix: /app"
      "/app/v1": "echo-app", // "Prefix: /app" + "Prefix: /v1" = "Prefix: /app/v1"
      "/app/v1/page": "echo-app", // "Prefix: /app" + "Prefix: /v1" = "Prefix: /app/v1"
      "/admin/portal": "echo-admin", // "Prefix: /admin" + "Exact: /portal"
    });
  });
});
