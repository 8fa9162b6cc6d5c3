// `contour serve` flags, read with node:util parseArgs from the settings table.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SETTINGS, splitList, type RawSettings } from "./settings.js";

/** Raw values from the command line, "--help" seen, and messages for anything unreadable. */
export interface ParsedFlags {
  readonly raw: RawSettings;
  readonly help: boolean;
  readonly errors: readonly string[];
}

/** Reads the command line of `contour serve` (the arguments after "serve"). */
export function parseFlags(args: readonly string[]): ParsedFlags {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean", short: "h" } };
  for (const s of SETTINGS) {
    // Lists may be repeated as well as comma-separated, like Go's StringSlice flags.
    options[s.name] = s.type === "boolean" ? { type: "boolean" } : { type: "string", multiple: s.type === "list" };
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true }));
  } catch (err) {
    return { raw: new Map(), help: false, errors: [err instanceof Error ? err.message : String(err)] };
  }
  const errors = positionals.map((p) => `unexpected argument "${p}": serve takes only flags`);
  const raw: RawSettings = new Map();
  for (const s of SETTINGS) {
    const value = values[s.name];
    if (value === undefined) continue;
    const source = `--${s.name}`;
    if (Array.isArray(value)) raw.set(s.name, { value: value.flatMap((v) => splitList(String(v))), source });
    else raw.set(s.name, { value, source });
  }
  return { raw, help: values["help"] === true, errors };
}
