// Port of upstream Contour v1.33.6's test/e2e/infra/admin_test.go ("requests to admin listener are
// served"): the read-only admin listener contour serves on network.admin-port answers the listed admin
// paths and 404s the ones that change Envoy's state. Upstream port-forwards to 9001; here the port is a
// free one named in the config file (fixtures/upstream-infra.ts).
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { getUntil, useInfraStack } from "../fixtures/upstream-infra.js";
import { describeResponse, hasStatusCode } from "../fixtures/upstream-echo.js";

describe("infra/admin_test.go", function () {
  const ctx = useInfraStack();

  it("requests to admin listener are served", async function () {
    this.timeout(300_000);
    const cases: [string, number][] = [
      ["/certs", 200],
      ["/clusters", 200],
      ["/listeners", 200],
      ["/config_dump", 200],
      ["/memory", 200],
      ["/ready", 200],
      ["/runtime", 200],
      ["/server_info", 200],
      ["/stats", 200],
      ["/stats/prometheus", 200],
      ["/stats/recentlookups", 200],
      ["/quitquitquit", 404],
      ["/healthcheck/ok", 404],
      ["/healthcheck/fail", 404],
    ];
    const failures: string[] = [];
    for (const [prefix, code] of cases) {
      const { res, ok } = await getUntil(ctx.ports.admin, prefix, hasStatusCode(code), {}, failures.length > 0 ? 5_000 : 30_000);
      if (!ok) failures.push(`${prefix}: expected ${code} response code, got ${res === undefined ? "no response (nothing listening)" : describeResponse(res).slice(0, 80)}`);
    }
    assert.deepEqual(failures, []);
  });
});
