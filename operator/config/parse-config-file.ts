// The YAML config file of `contour serve`. Two formats share one key space at the top level:
// upstream Contour's nested file (pkg/config/parameters.go, so an existing ConfigMap works as is) and
// our flat one whose keys are the flag names. Unknown keys are errors, each with the closest name.
import { parse } from "yaml";
import { SETTINGS, findSetting, splitList, type RawSettings, type SettingSpec } from "./settings.js";
import { didYouMean } from "./suggest.js";
import type { AppliedValue } from "./envoy-options.js";
import { UPSTREAM_FILE_KEYS, type UpstreamKey } from "./upstream-schema.js";

/** Raw values from the file, messages for anything unreadable, and keys accepted without effect. */
export interface ParsedConfigFile {
  readonly raw: RawSettings;
  readonly errors: readonly string[];
  /** Keys set to something other than upstream's default that this controller does not implement yet. */
  readonly warnings: readonly string[];
  /** Upstream keys that take effect through envoy-options.ts, by dotted path. */
  readonly applied: ReadonlyMap<string, AppliedValue>;
}

/** Every top-level key the file may hold. */
export function configFileKeys(): string[] {
  return [...new Set([...SETTINGS.filter((s) => s.name !== "config-file").map((s) => s.name), ...Object.keys(UPSTREAM_FILE_KEYS)])];
}

/** Reads the text of a config file; `path` only labels messages. */
export function parseConfigFile(text: string, path: string): ParsedConfigFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { raw: new Map(), errors: [`${path}: not valid YAML: ${err instanceof Error ? err.message : String(err)}`], warnings: [], applied: new Map() };
  }
  return readConfigDocument(doc, path);
}

/**
 * Reads a parsed config document (a file's, or a ContourConfiguration's turned into one); `path`
 * labels messages, and `sourceOf` names where a key came from when that is not "<key> in <path>".
 */
export function readConfigDocument(doc: unknown, path: string, sourceOf: (keyPath: string) => string = (k) => `${k} in ${path}`): ParsedConfigFile {
  if (doc === null || doc === undefined) return { raw: new Map(), errors: [], warnings: [], applied: new Map() };
  if (!isMap(doc)) return { raw: new Map(), errors: [`${path}: must be a map of settings`], warnings: [], applied: new Map() };
  const out: Out = { raw: new Map(), errors: [], warnings: [], applied: new Map(), sourceOf };
  for (const [key, value] of Object.entries(doc)) {
    if (key === "config-file") {
      out.errors.push(`${path}: "config-file" cannot be set inside a config file`);
      continue;
    }
    const spec = findSetting(key);
    if (spec !== undefined) {
      readFlatValue(spec, value, sourceOf(key), out);
      continue;
    }
    const upstream = UPSTREAM_FILE_KEYS[key];
    if (upstream !== undefined) {
      readUpstreamValue(upstream, value, key, path, out);
      continue;
    }
    // Unknown keys are errors, not warnings: a typo would otherwise silently fall back to a default.
    out.errors.push(`${path}: unknown setting "${key}"${didYouMean(key, configFileKeys())}`);
  }
  return out;
}

type Out = { raw: RawSettings; errors: string[]; warnings: string[]; applied: Map<string, AppliedValue>; sourceOf: (keyPath: string) => string };

function readFlatValue(spec: SettingSpec, value: unknown, source: string, out: Out): void {
  const key = spec.name;
  if (value === null || value === undefined) return;
  if (spec.type === "boolean") {
    if (typeof value !== "boolean") out.errors.push(`${source}: must be true or false, got ${JSON.stringify(value)}`);
    else out.raw.set(key, { value, source });
  } else if (spec.type === "list") {
    if (typeof value === "string") out.raw.set(key, { value: splitList(value), source });
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) out.raw.set(key, { value: value.map((v: string) => v.trim()), source });
    else out.errors.push(`${source}: must be a list of strings or a comma-separated string`);
  } else if (spec.type === "duration" && typeof value === "number") {
    out.errors.push(`${source}: a duration needs a unit, e.g. "${value}s"`);
  } else if (typeof value === "string" || typeof value === "number") {
    out.raw.set(key, { value: String(value), source });
  } else {
    out.errors.push(`${source}: must be a ${spec.type === "port" ? "port number" : spec.type === "count" ? "whole number" : "string"}, got ${JSON.stringify(value)}`);
  }
}

function readUpstreamValue(node: UpstreamKey, value: unknown, keyPath: string, file: string, out: Out): void {
  if (value === null || value === undefined) return; // `key:` with nothing after it: unset, as in Go
  const source = out.sourceOf(keyPath);
  if (node.t === "object") {
    if (!isMap(value)) {
      out.errors.push(`${source}: must be a map`);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const childNode = node.children[key];
      if (childNode === undefined) {
        out.errors.push(`${file}: unknown setting "${keyPath}.${key}"${didYouMean(key, Object.keys(node.children), `${keyPath}.`)}`);
        continue;
      }
      readUpstreamValue(childNode, child, `${keyPath}.${key}`, file, out);
    }
    return;
  }
  const problem = typeProblem(node, value);
  if (problem !== undefined) {
    out.errors.push(`${source}: ${problem}`);
    return;
  }
  if (node.setting !== undefined) {
    const spec = findSetting(node.setting);
    if (spec === undefined) throw new Error(`BUG: no setting "${node.setting}"`);
    readFlatValue(spec, typeof value === "number" ? String(value) : value, source, out);
    return;
  }
  if (node.applied === true) {
    out.applied.set(keyPath, { value, source });
    return;
  }
  if (!isUnsetOrDefault(value, node.default)) out.warnings.push(`${source}: accepted but not implemented yet; ignored`);
}

function typeProblem(node: Exclude<UpstreamKey, { t: "object" }>, value: unknown): string | undefined {
  switch (node.t) {
    case "bool":
      return typeof value === "boolean" ? undefined : `must be true or false, got ${JSON.stringify(value)}`;
    case "int":
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : `must be a whole number, got ${JSON.stringify(value)}`;
    case "number":
      return typeof value === "number" && Number.isFinite(value) && value >= 0 ? undefined : `must be a number, got ${JSON.stringify(value)}`;
    case "string": {
      if (typeof value !== "string" && typeof value !== "number") return `must be a string, got ${JSON.stringify(value)}`;
      const text = String(value);
      if (node.values !== undefined && text !== "" && !node.values.includes(text)) return `must be one of ${node.values.filter((v) => v !== "").join(", ")}; got "${text}"`;
      return undefined;
    }
    case "list":
      return Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number") ? undefined : "must be a list of strings";
    case "map":
      return isMap(value) ? undefined : "must be a map";
    case "any":
      return undefined;
  }
}

function isUnsetOrDefault(value: unknown, defaultValue: unknown): boolean {
  // Empty is unset in Go's YAML decoding: the default applies. `false` is the zero value of every switch.
  if (value === "" || value === false || (Array.isArray(value) && value.length === 0) || (isMap(value) && Object.keys(value).length === 0)) return true;
  return defaultValue !== undefined && String(defaultValue) === String(value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
