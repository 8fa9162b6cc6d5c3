// `contour serve`: the controller and the xDS server. Settings come from flags and an optional config file.
import { readFileSync } from "node:fs";
import process from "node:process";
import { loadServeConfig } from "../config/index.js";
import { createLogger } from "../log.js";
import { startController } from "../serve/controller.js";

/** Runs until SIGINT or SIGTERM; exit code 2 for invalid settings. */
export async function serve(args: readonly string[]): Promise<number> {
  const loaded = loadServeConfig(args, (path) => readFileSync(path, "utf8"), process.env);
  if ("help" in loaded) {
    process.stdout.write(loaded.help);
    return 0;
  }
  if ("errors" in loaded) {
    for (const error of loaded.errors) process.stderr.write(`contour serve: ${error}\n`);
    process.stderr.write("Run 'contour serve --help' for its flags.\n");
    return 2;
  }
  const { config } = loaded;
  const log = createLogger(config.log);
  // Upstream's flags and config keys that we accept but do not act on yet: said once, at startup, never silently dropped.
  for (const warning of loaded.warnings) log.warn({ setting: warning.split(":")[0] }, warning);
  const controller = startController(config, log);

  const signalled = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  type Outcome = { kind: "signal"; signal: string } | { kind: "started" } | { kind: "failed"; err: unknown };
  const outcome = await Promise.race<Outcome>([
    signalled.then((signal) => ({ kind: "signal", signal })),
    controller.started.then(
      () => ({ kind: "started" }),
      (err: unknown) => ({ kind: "failed", err }),
    ),
  ]);
  if (outcome.kind === "failed") {
    log.fatal({ err: outcome.err }, "contour serve failed to start");
    await controller.stop();
    return 1;
  }
  const signal = outcome.kind === "signal" ? outcome.signal : await signalled;
  log.info({ signal }, "shutting down");
  await controller.stop();
  return 0;
}
