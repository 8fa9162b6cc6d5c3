import type { Condition } from "./fragment.js";
import { canonicalJson } from "../model/names.js";

/**
 * How reconcilers shape conditions, so that logs, metrics and status writers read them alike:
 * - a problem that drops something (a path, a TLS host) is `Valid`/`False` with its own reason;
 * - a problem that only ignores a setting (a bad annotation value) is `Warning`/`True`;
 * - an object without errors carries exactly one `Valid`/`True` condition.
 * Several `Valid`/`False` conditions may appear in one list: each names one field.
 */
export const ConditionType = { Valid: "Valid", Warning: "Warning" } as const;

/** Longest message a condition carries: a hostile 1 MiB annotation must not become a 1 MiB log line. */
export const MAX_MESSAGE_LENGTH = 512;

/** An error: the named field was rejected and what it described is not served. */
export function errorCondition(reason: string, message: string): Condition {
  return { type: ConditionType.Valid, status: "False", reason, message: clip(message, MAX_MESSAGE_LENGTH) };
}

/** A warning: the named setting was ignored, the rest of the object is served. */
export function warningCondition(reason: string, message: string): Condition {
  return { type: ConditionType.Warning, status: "True", reason, message: clip(message, MAX_MESSAGE_LENGTH) };
}

/** Whether a condition reports an error. */
export function isError(condition: Condition): boolean {
  return condition.type === ConditionType.Valid && condition.status === "False";
}

/**
 * Completes a reconcile's conditions: errors first, then warnings, each in the order found,
 * and a single Valid/True when there is no error.
 */
export function finishConditions(conditions: readonly Condition[], kind: string): Condition[] {
  const errors = conditions.filter(isError);
  const others = conditions.filter((c) => !isError(c) && c.type !== ConditionType.Valid);
  if (errors.length > 0) return [...errors, ...others];
  return [{ type: ConditionType.Valid, status: "True", reason: "Valid", message: `Valid ${kind}` }, ...others];
}

/** Each condition once, in first-seen order: one problem found on several paths (a Service used twice, a proxy two roots include) is reported once. */
export function uniqueConditions(conditions: readonly Condition[]): Condition[] {
  const seen = new Set<string>();
  return conditions.filter((c) => {
    const key = canonicalJson(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether two condition lists say the same, an absent list being an empty one. */
export function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  return x.every((c, i) => {
    const d = y[i];
    return d !== undefined && c.type === d.type && c.status === d.status && c.reason === d.reason && c.message === d.message && c.category === d.category;
  });
}

/** Shows an untrusted value in a message: quoted, and cut short when long. */
export function quote(value: string, max = 64): string {
  return JSON.stringify(clip(value, max));
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length} chars)`;
}
