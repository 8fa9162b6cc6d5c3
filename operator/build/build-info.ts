// What this build of contour is: the version from package.json and the git commit it was built from.
// The commit comes from dist/build-info.json, written by `make build-info` (a container image build runs it
// where the checkout is, so the image needs no git), or else from `git rev-parse` when run from a checkout.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Build information, as `contour version` and contour_build_info report it. */
export interface BuildInfo {
  /** Branch the build came from; "" when unknown. */
  readonly branch: string;
  /** Full git commit SHA; "" when unknown. */
  readonly sha: string;
  /** "v" + package.json's version, e.g. v0.1.0 (upstream's versions are git tags such as v1.33.6). */
  readonly version: string;
}

/** Where build-info.json and package.json are looked for: the package root (dist/operator/build/ is three levels down). */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Reads the build information of the package at `root`; never throws (unknown fields are ""). */
export function readBuildInfo(root = PACKAGE_ROOT, git: (args: string[]) => string | undefined = runGit(root)): BuildInfo {
  const version = readVersion(root);
  const file = readBuildInfoFile(`${root}/dist/build-info.json`);
  const sha = file.sha ?? git(["rev-parse", "HEAD"]) ?? "";
  const branch = file.branch ?? git(["rev-parse", "--abbrev-ref", "HEAD"]) ?? "";
  return { branch: branch === "HEAD" ? "" : branch, sha, version };
}

/** The build information as upstream prints it: YAML keys branch, sha, version; empty ones left out. */
export function formatBuildInfo(info: BuildInfo): string {
  return (["branch", "sha", "version"] as const)
    .filter((key) => info[key] !== "")
    .map((key) => `${key}: ${info[key]}\n`)
    .join("");
}

function readVersion(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? `v${pkg.version}` : "";
  } catch {
    return "";
  }
}

function readBuildInfoFile(path: string): { sha?: string; branch?: string } {
  if (!existsSync(path)) return {};
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    return {
      ...(typeof data["sha"] === "string" && data["sha"] !== "" ? { sha: data["sha"] } : {}),
      ...(typeof data["branch"] === "string" && data["branch"] !== "" ? { branch: data["branch"] } : {}),
    };
  } catch {
    return {};
  }
}

function runGit(root: string): (args: string[]) => string | undefined {
  return (args) => {
    // Only inside a checkout: a git found elsewhere on the machine would describe another repository.
    if (!existsSync(`${root}/.git`)) return undefined;
    try {
      return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5_000 }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
}
