// Flag parsing shared by `contour bootstrap`, `certgen` and `envoy`: node:util parseArgs, plus every
// unknown flag reported at once with the closest known name, and environment variables as fallbacks.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { didYouMean } from "../config/suggest.js";

/** One flag of a command. */
export interface FlagSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** Environment variable read when the flag is absent (upstream's kingpin `Envar`). */
  readonly env?: string;
}

/** What parseCommandFlags found. */
export interface ParsedCommandFlags {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  readonly errors: string[];
}

/** Parses `args` against `flags`; `--help`/`-h` is always known. */
export function parseCommandFlags(args: readonly string[], flags: Readonly<Record<string, FlagSpec>>, env: Readonly<Record<string, string | undefined>> = {}): ParsedCommandFlags {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean", short: "h" } };
  for (const [name, spec] of Object.entries(flags)) {
    options[name] = { type: spec.type, ...(spec.multiple === true ? { multiple: true } : {}), ...(spec.short === undefined ? {} : { short: spec.short }) };
  }
  const { values, positionals, tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const errors: string[] = [];
  const known = Object.keys(flags);
  const skipped = new Set<number>();
  for (const [i, token] of tokens.entries()) {
    if (token.kind !== "option" || token.name === "help") continue;
    const spec = flags[token.name];
    if (spec === undefined) {
      errors.push(`unknown flag '${token.rawName}'${didYouMean(token.name, known, "--")}`);
      // The word after an unknown flag is taken as its value, not reported again as an argument.
      const next = tokens[i + 1];
      if (token.value === undefined && next?.kind === "positional") skipped.add(next.index);
    } else if (spec.type === "boolean" && token.value !== undefined) {
      errors.push(`${token.rawName}: is a switch and takes no value (got "${token.value}")`);
    } else if (spec.type === "string" && token.value === undefined) {
      errors.push(`${token.rawName}: needs a value`);
    }
  }
  const kept = tokens.filter((t) => t.kind === "positional" && !skipped.has(t.index)).map((t) => (t.kind === "positional" ? t.value : ""));
  const out: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, spec] of Object.entries(flags)) {
    const value = values[name];
    if (value !== undefined && typeof value === (spec.type === "boolean" ? "boolean" : "string")) out[name] = value as string | boolean;
    else if (Array.isArray(value)) out[name] = value.filter((v): v is string => typeof v === "string");
    else if (spec.env !== undefined && env[spec.env] !== undefined && env[spec.env] !== "") out[name] = env[spec.env];
  }
  out["help"] = values["help"] === true;
  void positionals;
  return { values: out, positionals: kept, errors };
}

/** The one-line "flag [ENV]" label of a flag in a usage text. */
export function flagLabel(name: string, spec: FlagSpec): string {
  return `--${name}${spec.env === undefined ? "" : ` [$${spec.env}]`}`;
}
