import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// The compiled CLI, as a user runs it (dist/operator/main.js next to this file's directory).
const MAIN = fileURLToPath(new URL("../main.js", import.meta.url));

describe("contour serve (the CLI)", () => {
  it("logs one warning per accepted but unimplemented setting before anything starts", function () {
    this.timeout(30_000);
    // A kubeconfig that does not exist stops it right after the warnings, before any network.
    const run = spawnSync(process.execPath, [MAIN, "serve", "--insecure", "--health-port=8100", "--kubernetes-debug=4", "--kubeconfig=/nonexistent/kubeconfig"], { encoding: "utf8", timeout: 20_000 });
    const output = run.stdout + run.stderr;
    const warnings = output.split("\n").filter((l) => l.includes("accepted but not implemented yet"));
    assert.equal(warnings.length, 2, output);
    assert.match(warnings[0] ?? "", /"level":40/);
    assert.match(output, /"msg":"--health-port: accepted but not implemented yet/);
    assert.match(output, /"msg":"--kubernetes-debug: accepted but not implemented yet/);
  });

  it("exits 2 and names every problem", function () {
    this.timeout(30_000);
    const run = spawnSync(process.execPath, [MAIN, "serve", "--incluser", "--xds-port=x"], { encoding: "utf8", timeout: 20_000 });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown flag '--incluser'; did you mean "--incluster"\?/);
    assert.match(run.stderr, /--xds-port: must be a port number/);
  });
});
