// `contour cli lds|rds|cds|eds|sds`: what contour's xDS server sends a given Envoy node, as JSON.
import process from "node:process";
import { CLI_USAGE, parseCliArgs } from "../xds-cli/cli-args.js";
import { watchXds } from "../xds-cli/xds-watch.js";

/** Watches until SIGINT/SIGTERM (or the first response with --once); exit code 2 for bad arguments. */
export async function cli(args: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(args, process.env);
  if ("help" in parsed) {
    process.stdout.write(CLI_USAGE);
    return 0;
  }
  if ("error" in parsed) {
    process.stderr.write(`contour cli: ${parsed.error}\n\n${CLI_USAGE}`);
    return 2;
  }
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await watchXds(parsed, { out: (text) => void process.stdout.write(text), log: (line) => void process.stderr.write(line + "\n") }, abort.signal);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
