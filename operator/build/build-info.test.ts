import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatBuildInfo, readBuildInfo } from "./build-info.js";

describe("build info", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "build-info-"));
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "contour", version: "1.2.3" }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("prefers dist/build-info.json over git", () => {
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "dist", "build-info.json"), JSON.stringify({ sha: "abc123", branch: "main" }));
    const info = readBuildInfo(root, () => "from-git");
    assert.deepEqual(info, { branch: "main", sha: "abc123", version: "v1.2.3" });
  });

  it("asks git when there is no file, and leaves out what nobody knows", () => {
    const info = readBuildInfo(root, (args) => (args.includes("HEAD") && args.length === 2 ? "deadbeef" : undefined));
    assert.deepEqual(info, { branch: "", sha: "deadbeef", version: "v1.2.3" });
    assert.equal(formatBuildInfo(info), "sha: deadbeef\nversion: v1.2.3\n");
  });

  it("prints upstream's YAML keys in upstream's order", () => {
    assert.equal(formatBuildInfo({ branch: "main", sha: "abc", version: "v1.2.3" }), "branch: main\nsha: abc\nversion: v1.2.3\n");
  });
});
