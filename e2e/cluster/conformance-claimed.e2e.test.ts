// CI's conformance gate: the Gateway API v1.6.1 suite, the profiles we claim (CONFORMANCE_PROFILES)
// with exactly the features GatewayClass status claims (SUPPORTED_FEATURES), against contour and an
// Envoy pod on a fresh bed. Fails when the suite exits non-zero or its report shows a failed or
// skipped test, so a claimed feature that regresses fails `make test`. The report goes to the run's
// e2e-logs folder, not over the committed conformance/report.yaml (`make conformance` writes that).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SUPPORTED_FEATURES } from "../../controllers/gateway/index.js";
import { CONFORMANCE_PROFILES, runContourConformance } from "./conformance-contour.js";
import { reportFigures } from "./conformance-report.js";

describe("cluster: Gateway API conformance of the claimed profiles and features", function () {
  it(`passes ${CONFORMANCE_PROFILES.join(", ")} with every claimed feature, nothing failed or skipped`, async function () {
    // A whole profile takes about 3 minutes on an idle 2-core machine; a loaded one takes longer.
    this.timeout(30 * 60_000);
    const dir = join(new URL("../../../", import.meta.url).pathname, "e2e-logs");
    mkdirSync(dir, { recursive: true });
    const report = join(dir, `conformance-report-${process.pid}.yaml`);
    const started = Date.now();
    const { problems } = await runContourConformance({ report, features: SUPPORTED_FEATURES });
    const seconds = Math.round((Date.now() - started) / 1000);
    let summary = "";
    try {
      summary = reportFigures(readFileSync(report, "utf8"))
        .map((p) => `${p.name}: core ${p.core.Passed}/${p.core.Failed}/${p.core.Skipped}, extended ${p.extended.Passed}/${p.extended.Failed}/${p.extended.Skipped} (passed/failed/skipped)`)
        .join("; ");
    } catch {
      summary = "no report";
    }
    console.log(`      conformance: ${summary} in ${seconds} s; report ${report}`);
    assert.deepEqual(problems, [], `conformance (report ${report}):\n${problems.join("\n")}`);
  });
});
