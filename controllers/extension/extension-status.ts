/**
 * The status an ExtensionService carries, as upstream's status package writes it: one `Valid`
 * DetailedCondition, True/Valid/"Valid ExtensionService" or False/ErrorPresent, whose errors and
 * warnings are the problems found, each filed under its area (ServiceError, SpecError, TLSError).
 * Other condition types are left as they are. No currentStatus or description: the kind has none.
 */
import type { ExtensionServiceStatus, SubCondition } from "../../crds/index.js";
import type { Condition } from "../store/fragment.js";
import { isError } from "../store/conditions.js";
import { Area } from "../httpproxy/proxy-conditions.js";
import { ERROR_PRESENT_MESSAGE, MAX_SUBCONDITIONS, withValidCondition } from "../httpproxy/proxy-status.js";

/** What was computed for one ExtensionService, without time: equal views need no new write. */
export interface ExtensionStatusView {
  /** The Valid condition's status, reason and message. */
  readonly valid: { readonly status: "True" | "False"; readonly reason: string; readonly message: string };
  readonly errors: readonly SubCondition[];
  readonly warnings: readonly SubCondition[];
  /** metadata.generation of the object the view was computed from. */
  readonly generation?: number;
}

/** Upstream's Valid message of an ExtensionService without errors. */
export const VALID_MESSAGE = "Valid ExtensionService";

/** The view of an ExtensionService from the conditions its reconcile produced. */
export function extensionStatusView(conditions: readonly Condition[], generation: number | undefined): ExtensionStatusView {
  const sub = (c: Condition): SubCondition => ({ type: c.category ?? Area.Spec, status: "True", reason: c.reason, message: c.message });
  const errors = capped(conditions.filter(isError).map(sub), "errors");
  const warnings = capped(conditions.filter((c) => !isError(c) && c.type !== "Valid").map(sub), "warnings");
  const gen = generation !== undefined ? { generation } : {};
  if (errors.length > 0) return { valid: { status: "False", reason: "ErrorPresent", message: ERROR_PRESENT_MESSAGE }, errors, warnings, ...gen };
  return { valid: { status: "True", reason: "Valid", message: VALID_MESSAGE }, errors, warnings, ...gen };
}

function capped(items: readonly SubCondition[], what: string): SubCondition[] {
  if (items.length <= MAX_SUBCONDITIONS) return [...items];
  const more = items.length - (MAX_SUBCONDITIONS - 1);
  return [...items.slice(0, MAX_SUBCONDITIONS - 1), { type: Area.Spec, status: "True", reason: "TooManyProblems", message: `${more} more ${what} not shown` }];
}

/**
 * The status to write: the Valid condition from the view, its lastTransitionTime kept while its
 * status (True/False) does not change, and the other conditions as they were. `now` is RFC 3339.
 */
export function buildExtensionServiceStatus(view: ExtensionStatusView, current: ExtensionServiceStatus | undefined, now: string): ExtensionServiceStatus {
  return { ...current, conditions: withValidCondition(view, current?.conditions, now) };
}
