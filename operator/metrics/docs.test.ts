import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../xds/translate/test-support.js";

// Every metric name the code registers, found as a string literal, so a new one cannot go undocumented.
function registeredMetricNames(dir: string): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === "gen" || entry === "testing") continue;
    if (statSync(path).isDirectory()) {
      for (const n of registeredMetricNames(path)) names.add(n);
    } else if (entry.endsWith(".ts") && !entry.endsWith(".test.ts")) {
      const text = readFileSync(path, "utf8");
      for (const m of text.matchAll(/(?:name: |counter\([a-zA-Z.]+, |gauge\([a-zA-Z.]+, )"((?:contour|grpc_server)_[a-z_]+)"/g)) names.add(m[1] ?? "");
    }
  }
  return names;
}

describe("docs/metrics.md", () => {
  it("lists every metric the code registers", () => {
    const doc = readFileSync(join(repoRoot(), "docs", "metrics.md"), "utf8");
    const names = [...registeredMetricNames(join(repoRoot(), "operator")), ...registeredMetricNames(join(repoRoot(), "xds"))];
    assert.ok(names.length >= 30, `found only ${names.length} metric names: is the scan broken?`);
    const missing = names.filter((n) => !doc.includes(`\`${n}\``));
    assert.deepEqual(missing, [], "add these to docs/metrics.md");
  });
});
