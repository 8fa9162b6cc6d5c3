// `contour serve` flags, read with node:util parseArgs from the settings table. Every unknown flag is
// reported (not only the first), each with the closest known name.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SETTINGS, findSettingByFlag, splitList, type RawSettings } from "./settings.js";
import { didYouMean } from "./suggest.js";

/** Raw values from the command line, "--help" seen, and messages for anything unreadable. */
export interface ParsedFlags {
  readonly raw: RawSettings;
  readonly help: boolean;
  readonly errors: readonly string[];
}

/** Every flag name `contour serve` accepts (names and aliases, without dashes). */
export function serveFlagNames(): string[] {
  return SETTINGS.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
}

/** Reads the command line of `contour serve` (the arguments after "serve"). */
export function parseFlags(args: readonly string[]): ParsedFlags {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean", short: "h" } };
  for (const s of SETTINGS) {
    for (const [i, flag] of [s.name, ...(s.aliases ?? [])].entries()) {
      // Lists may be repeated as well as comma-separated, like Go's StringSlice flags.
      options[flag] = {
        type: s.type === "boolean" ? "boolean" : "string",
        multiple: s.type === "list",
        ...(i === 0 && s.short !== undefined ? { short: s.short } : {}),
      };
    }
  }
  const { values, tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const errors: string[] = [];
  const known = serveFlagNames();
  // A word right after an unknown flag is taken as that flag's value, not reported a second time.
  let afterUnknown = false;
  for (const token of tokens) {
    const wasAfterUnknown = afterUnknown;
    afterUnknown = false;
    if (token.kind === "positional") {
      if (!wasAfterUnknown) errors.push(`unexpected argument "${token.value}": serve takes only flags`);
      continue;
    }
    if (token.kind !== "option") continue;
    const spelled = token.rawName;
    if (token.name === "help") continue;
    const spec = findSettingByFlag(token.name);
    if (spec === undefined) {
      afterUnknown = token.value === undefined;
      errors.push(`unknown flag '${spelled}'${didYouMean(token.name, known, "--")}`);
    } else if (spec.type === "boolean" && token.value !== undefined) {
      errors.push(`${spelled}: is a switch and takes no value (got "${token.value}")`);
    } else if (spec.type !== "boolean" && token.value === undefined) {
      errors.push(`${spelled}: needs a value`);
    }
  }
  const raw: RawSettings = new Map();
  // In command-line order, so that of a name and its alias the later one wins, as with a repeated flag.
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const spec = findSettingByFlag(token.name);
    if (spec === undefined) continue;
    const value = values[token.name];
    if (value === undefined) continue;
    const source = token.rawName;
    if (Array.isArray(value)) {
      const list = value.filter((v): v is string => typeof v === "string").flatMap(splitList);
      const previous = raw.get(spec.name);
      const merged = previous !== undefined && Array.isArray(previous.value) && previous.source !== source ? [...previous.value, ...list] : list;
      raw.set(spec.name, { value: [...new Set(merged)], source });
    } else if (typeof value === (spec.type === "boolean" ? "boolean" : "string")) {
      raw.set(spec.name, { value, source });
    }
  }
  return { raw, help: values["help"] === true, errors };
}
