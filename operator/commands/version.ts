// `contour version`: the build information, printed as upstream Contour prints it (YAML: branch, sha, version).
import process from "node:process";
import { formatBuildInfo, readBuildInfo } from "../build/build-info.js";

/** Prints the version and commit; exit code 0. */
export async function version(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write("usage: contour version\n\nPrints the branch, git commit (sha) and version this contour was built from.\n");
    return 0;
  }
  process.stdout.write(formatBuildInfo(readBuildInfo()));
  return 0;
}
