/**
 * Readers for fields of custom objects. The cache holds what the API server stored, which the CRD
 * schema usually, but not always, constrains (an older CRD, a schema-less install): every read checks
 * the type, and a field of the wrong type reads as absent.
 */

/** A string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A non-blank string, or undefined. */
export function nonBlank(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** True only for the boolean true. */
export function flag(value: unknown): boolean {
  return value === true;
}

/** A list (an empty one when absent or not a list). */
export function list<T>(value: readonly T[] | undefined | unknown): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [];
}

/** An object, or undefined (null, arrays and scalars read as absent). */
export function obj<T extends object>(value: T | undefined | unknown): T | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as T) : undefined;
}

/** An integer, or undefined (fractions, NaN and non-numbers read as absent). */
export function int(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}

/** Length of a string in UTF-8 bytes, which is what Envoy's size limits count. */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/** NUL, CR, LF and the other control characters: never valid in a path, header value or name. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/u;
