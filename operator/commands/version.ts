// `contour version`: the package version, as upstream prints its build information.
import { readFileSync } from "node:fs";

/** Prints `version: v<package.json version>`; the package.json sits three levels above dist/operator/commands/. */
export async function version(): Promise<number> {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
  process.stdout.write(`contour\n  version: v${pkg.version ?? "0.0.0"}\n`);
  return 0;
}
