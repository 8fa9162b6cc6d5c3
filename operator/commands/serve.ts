// `contour serve`: the controller and the xDS server. Settings come from flags and an optional config file.
import { readFileSync } from "node:fs";
import process from "node:process";
import { loadServeConfig, type LoadServeConfigResult } from "../config/index.js";
import { createLogger, type Logger } from "../log.js";
import { loadKubeConfig } from "../runtime/index.js";
import { contourConfigurationApi, contourConfigurationView, contourNamespace, readContourConfiguration, reportContourConfiguration } from "../serve/contour-configuration.js";
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
  let { config, warnings } = loaded;
  let log = createLogger(config.log);
  if (config.contourConfigName !== undefined) {
    const fromCluster = await loadFromContourConfiguration(args, config.contourConfigName, config.kubeconfig, log);
    if (typeof fromCluster === "number") return fromCluster;
    ({ config, warnings } = fromCluster);
    log = createLogger(config.log);
  }
  // Upstream's flags and config keys that we accept but do not act on yet: said once, at startup, never silently dropped.
  for (const warning of warnings) log.warn({ setting: warning.split(":")[0] }, warning);
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

/**
 * Reads the ContourConfiguration of --contour-config-name and loads the settings again with it; reports
 * the outcome on its status (Valid). Returns the exit code when contour cannot start.
 */
async function loadFromContourConfiguration(
  args: readonly string[],
  name: string,
  kubeconfig: string | undefined,
  log: Logger,
): Promise<Extract<LoadServeConfigResult, { config: unknown }> | number> {
  const namespace = contourNamespace(process.env);
  // Per call, not a child logger: bunyan's child may not set `name`.
  const object = { kind: "ContourConfiguration", namespace, name };
  const api = contourConfigurationApi(loadKubeConfig(kubeconfig));
  const read = await readContourConfiguration(api, namespace, name);
  if ("problem" in read) {
    process.stderr.write(`contour serve: ${read.problem}\n`);
    return 1;
  }
  const loaded = loadServeConfig(args, (path) => readFileSync(path, "utf8"), process.env, { namespace, name, spec: read.object.spec });
  const errors = "errors" in loaded ? loaded.errors : [];
  const warnings = "warnings" in loaded ? loaded.warnings : [];
  const view = contourConfigurationView(errors, warnings, read.object.metadata?.generation);
  try {
    await reportContourConfiguration(api, read.object, view, new Date().toISOString().replace(/\.\d+Z$/u, "Z"));
  } catch (err) {
    log.warn({ ...object, err: err instanceof Error ? err.message : String(err) }, "cannot write the ContourConfiguration's status");
  }
  if ("config" in loaded) {
    log.info({ ...object, reason: "Valid" }, "settings read from the ContourConfiguration");
    return loaded;
  }
  for (const error of errors) log.error({ ...object, reason: "InvalidSetting" }, error);
  process.stderr.write(`contour serve: ContourConfiguration ${namespace}/${name} is invalid (see its status):\n${errors.map((e) => `  ${e}\n`).join("")}`);
  return 2;
}
