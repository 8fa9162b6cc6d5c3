// Port of upstream Contour v1.33.6's test/e2e/httpproxy/path_rewrite_test.go ("httpproxy-path-prefix-rewrite"):
// pathRewritePolicy.replacePrefix, to another prefix and to `/`, seen in the path the backend receives.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, echoService, hasStatusCode, requestUntil } from "./upstream-port-fixture.js";

const NS = "httpproxy-path-prefix-rewrite";

describe("httpproxy/path_rewrite_test.go", function () {
  const ctx = useStack({ pods: ["no-rewrite", "prefix-rewrite", "prefix-rewrite-to-root"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("path prefix rewrite works", async () => {
    const { stack } = ctx;
    for (const name of ["no-rewrite", "prefix-rewrite", "prefix-rewrite-to-root"]) await deployEcho(stack, NS, name);
    const fqdn = "prefixrewrite.projectcontour.io";
    await createHTTPProxy(kc(), NS, "prefix-rewrite", {
      virtualhost: { fqdn },
      routes: [
        { services: [{ name: "no-rewrite", port: 80 }], conditions: [{ prefix: "/" }] },
        {
          services: [{ name: "prefix-rewrite", port: 80 }],
          conditions: [{ prefix: "/someprefix1" }],
          pathRewritePolicy: { replacePrefix: [{ prefix: "/someprefix1", replacement: "/someotherprefix" }] },
        },
        {
          services: [{ name: "prefix-rewrite-to-root", port: 80 }],
          conditions: [{ prefix: "/someprefix2" }],
          pathRewritePolicy: { replacePrefix: [{ prefix: "/someprefix2", replacement: "/" }] },
        },
      ],
    });
    await waitForProxyStatus(kc(), NS, "prefix-rewrite", "valid");
    const cases = [
      { path: "/", expectedService: "no-rewrite", expectedPath: "/" },
      { path: "/foo", expectedService: "no-rewrite", expectedPath: "/foo" },
      { path: "/someprefix1", expectedService: "prefix-rewrite", expectedPath: "/someotherprefix" },
      { path: "/someprefix1foobar", expectedService: "prefix-rewrite", expectedPath: "/someotherprefixfoobar" },
      { path: "/someprefix1/segment", expectedService: "prefix-rewrite", expectedPath: "/someotherprefix/segment" },
      { path: "/someprefix2", expectedService: "prefix-rewrite-to-root", expectedPath: "/" },
      { path: "/someprefix2foobar", expectedService: "prefix-rewrite-to-root", expectedPath: "/foobar" },
      { path: "/someprefix2/segment", expectedService: "prefix-rewrite-to-root", expectedPath: "/segment" },
    ];
    // Upstream checks every case and reports all failures (assert, not require).
    const failures: string[] = [];
    for (const tc of cases) {
      const res = await requestUntil(stack, { host: fqdn, path: tc.path }, hasStatusCode(200), `expected 200 response code on ${tc.path}`);
      const got = { service: echoService(res), path: res.json<{ path?: string }>().path };
      if (got.service !== tc.expectedService || got.path !== tc.expectedPath) failures.push(`${tc.path}: want ${tc.expectedService} ${tc.expectedPath}, got ${got.service} ${got.path}`);
    }
    assert.deepEqual(failures, []);
  });
});
