// Entry point of the config module: flags over config file over defaults.
import { parseConfigFile } from "./parse-config-file.js";
import { parseFlags } from "./parse-flags.js";
import { buildServeConfig, type ServeConfig } from "./serve-config.js";
import { SETTINGS, type RawSettings } from "./settings.js";

/** Reads a file as UTF-8 text (node:fs readFileSync in production, a map in tests). */
export type ReadFile = (path: string) => string;

/** What loadServeConfig found: a config, the usage text (for --help), or messages for the user. */
export type LoadServeConfigResult = { config: ServeConfig } | { help: string } | { errors: string[] };

/**
 * Loads the settings of `contour serve` from its arguments and the optional --config-file.
 * On errors the caller prints each message and exits 2.
 */
export function loadServeConfig(args: readonly string[], readFile: ReadFile): LoadServeConfigResult {
  const flags = parseFlags(args);
  if (flags.help) return { help: serveUsage() };
  if (flags.errors.length > 0) return { errors: [...flags.errors, "run 'contour serve --help' for the flags"] };

  const errors: string[] = [];
  const merged: RawSettings = new Map();
  const configFile = flags.raw.get("config-file")?.value;
  if (typeof configFile === "string" && configFile !== "") {
    let text: string | undefined;
    try {
      text = readFile(configFile);
    } catch (err) {
      errors.push(`--config-file: cannot read ${configFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (text !== undefined) {
      const file = parseConfigFile(text, configFile);
      errors.push(...file.errors);
      for (const [name, value] of file.raw) merged.set(name, value);
    }
  }
  for (const [name, value] of flags.raw) merged.set(name, value);

  const built = buildServeConfig(merged);
  if ("errors" in built) errors.push(...built.errors);
  return errors.length > 0 ? { errors } : built;
}

/** The --help text of `contour serve`, generated from the settings table. */
export function serveUsage(): string {
  const lines = SETTINGS.map((s) => {
    const arg = s.type === "boolean" ? "" : s.type === "list" ? " <a,b>" : s.type === "port" ? " <port>" : s.type === "duration" ? " <duration>" : s.type === "count" ? " <n>" : " <value>";
    const def = s.default === undefined || s.default === false ? "" : ` (default ${String(s.default)})`;
    return `  --${s.name}${arg}\n      ${s.help}${def}`;
  });
  return `usage: contour serve [flags]\n\nRuns the controller and the xDS server. Every flag can also be set in --config-file under the same name.\n\nflags:\n${lines.join("\n")}\n`;
}
