// Port of upstream Contour v1.33.6's test/e2e/ingress/long_path_match_test.go ("long-path-match", "long path
// matches should be properly programmed"): prefixes and a regex long enough to exceed RE2's default
// program size before optimisation still reach the backend.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createIngress } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, describeResponse, hasStatusCode, requestUntil } from "../fixtures/upstream-echo.js";

const NS = "long-path-match";

describe("ingress/long_path_match_test.go", function () {
  const ctx = useStack();

  it("long path matches should be properly programmed", async () => {
    const { stack } = ctx;
    await deployEcho(stack, NS, "echo");
    // Just on the edge, should be RE2 program size 101 before regex optimizations.
    const longPrefixMatch = "/" + "a".repeat(82);
    const reallyLongPrefixMatch = "/" + "b".repeat(500);
    const longRegexMatch = "/" + "c".repeat(200) + ".*";
    const backend = { service: { name: "echo", port: { number: 80 } } };
    const host = "long-patch-match.ingress.projectcontour.io";
    await createIngress(stack.kube, NS, "long-patch-match", {
      rules: [
        {
          host,
          http: {
            paths: [
              { pathType: "Prefix", path: longPrefixMatch, backend },
              { pathType: "Prefix", path: reallyLongPrefixMatch, backend },
              { pathType: "ImplementationSpecific", path: longRegexMatch, backend },
            ],
          },
        },
      ],
    });
    // Cut off end .* when making request.
    for (const path of [longPrefixMatch, reallyLongPrefixMatch, longRegexMatch.slice(0, -2)]) {
      const { res, ok } = await requestUntil(stack, { host, path }, hasStatusCode(200));
      assert.ok(res !== undefined, "request never succeeded");
      assert.ok(ok, `expected 200 response code for ${path.slice(0, 20)}…, got ${describeResponse(res)}`);
    }
  });
});
