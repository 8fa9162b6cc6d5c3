// The YAML config file of `contour serve`: a flat map whose keys are the flag names.
import { parse } from "yaml";
import { findSetting, splitList, type RawSettings } from "./settings.js";

/** Raw values from the file and messages for anything unreadable. */
export interface ParsedConfigFile {
  readonly raw: RawSettings;
  readonly errors: readonly string[];
}

/** Reads the text of a config file; `path` only labels messages. */
export function parseConfigFile(text: string, path: string): ParsedConfigFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { raw: new Map(), errors: [`${path}: not valid YAML: ${err instanceof Error ? err.message : String(err)}`] };
  }
  if (doc === null || doc === undefined) return { raw: new Map(), errors: [] };
  if (typeof doc !== "object" || Array.isArray(doc)) {
    return { raw: new Map(), errors: [`${path}: must be a map of settings (flag names as keys)`] };
  }
  const raw: RawSettings = new Map();
  const errors: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const spec = findSetting(key);
    const source = `${key} in ${path}`;
    if (spec === undefined) {
      // Unknown keys are errors, not warnings: a typo would otherwise silently fall back to a default.
      errors.push(`${path}: unknown setting "${key}"`);
      continue;
    }
    if (key === "config-file") {
      errors.push(`${path}: "config-file" cannot be set inside a config file`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (spec.type === "boolean") {
      if (typeof value !== "boolean") errors.push(`${source}: must be true or false, got ${JSON.stringify(value)}`);
      else raw.set(key, { value, source });
    } else if (spec.type === "list") {
      if (typeof value === "string") raw.set(key, { value: splitList(value), source });
      else if (Array.isArray(value) && value.every((v) => typeof v === "string")) raw.set(key, { value: value.map((v: string) => v.trim()), source });
      else errors.push(`${source}: must be a list of strings or a comma-separated string`);
    } else if (spec.type === "duration" && typeof value === "number") {
      errors.push(`${source}: a duration needs a unit, e.g. "${value}s"`);
    } else if (typeof value === "string" || typeof value === "number") {
      raw.set(key, { value: String(value), source });
    } else {
      errors.push(`${source}: must be a ${spec.type === "port" ? "port number" : spec.type === "count" ? "whole number" : "string"}, got ${JSON.stringify(value)}`);
    }
  }
  return { raw, errors };
}
