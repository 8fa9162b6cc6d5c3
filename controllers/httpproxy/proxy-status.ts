/**
 * The status an HTTPProxy carries (projectcontour.io/v1), as upstream's status package writes it:
 * `currentStatus` valid, invalid or orphaned with a `description`, the load balancer's addresses, and
 * one `Valid` DetailedCondition whose errors and warnings are the problems found, each filed under
 * its area (TLSError, IncludeError, ...). Other condition types are left as they are.
 */
import type { DetailedCondition, HTTPProxyStatus, LoadBalancerStatus, SubCondition } from "../../crds/index.js";
import type { Condition } from "../store/fragment.js";
import { isError } from "../store/conditions.js";
import { Area } from "./proxy-conditions.js";

/** What was computed for one proxy, without time: equal views need no new write. */
export interface ProxyStatusView {
  readonly currentStatus: "valid" | "invalid" | "orphaned";
  readonly description: string;
  /** The Valid condition's status, reason and message. */
  readonly valid: { readonly status: "True" | "False"; readonly reason: string; readonly message: string };
  readonly errors: readonly SubCondition[];
  readonly warnings: readonly SubCondition[];
  /** metadata.generation of the object the view was computed from. */
  readonly generation?: number;
}

/** Upstream's message for a proxy no root includes. */
export const ORPHANED_MESSAGE = "this HTTPProxy is not part of a delegation chain from a root HTTPProxy";
/** Upstream's Valid message when there are errors. */
export const ERROR_PRESENT_MESSAGE = "At least one error present, see Errors for details";

/**
 * The view of a proxy from its conditions (a root's own, or what the roots including it found);
 * undefined conditions mean no root reached it: orphaned.
 */
export function proxyStatusView(conditions: readonly Condition[] | undefined, generation: number | undefined): ProxyStatusView {
  const gen = generation !== undefined ? { generation } : {};
  if (conditions === undefined) {
    return {
      currentStatus: "orphaned",
      description: ORPHANED_MESSAGE,
      // Upstream adds the orphan as an error (AddError), so the condition reads like any invalid one;
      // the description carries the orphan message.
      valid: { status: "False", reason: "ErrorPresent", message: ERROR_PRESENT_MESSAGE },
      errors: [{ type: Area.Orphaned, status: "True", reason: "Orphaned", message: ORPHANED_MESSAGE }],
      warnings: [],
      ...gen,
    };
  }
  const sub = (c: Condition): SubCondition => ({ type: c.category ?? Area.Spec, status: "True", reason: c.reason, message: c.message });
  const errors = capped(conditions.filter(isError).map(sub), "errors");
  const warnings = capped(conditions.filter((c) => !isError(c) && c.type !== "Valid").map(sub), "warnings");
  if (errors.length > 0) {
    return { currentStatus: "invalid", description: ERROR_PRESENT_MESSAGE, valid: { status: "False", reason: "ErrorPresent", message: ERROR_PRESENT_MESSAGE }, errors, warnings, ...gen };
  }
  return { currentStatus: "valid", description: "Valid HTTPProxy", valid: { status: "True", reason: "Valid", message: "Valid HTTPProxy" }, errors, warnings, ...gen };
}

/**
 * Errors or warnings written per proxy: a proxy with thousands of broken routes must still get a
 * status the API server accepts (the CRD allows 1024) and one a person can read.
 */
export const MAX_SUBCONDITIONS = 100;

function capped(list: readonly SubCondition[], what: string): SubCondition[] {
  if (list.length <= MAX_SUBCONDITIONS) return [...list];
  const more = list.length - (MAX_SUBCONDITIONS - 1);
  return [...list.slice(0, MAX_SUBCONDITIONS - 1), { type: Area.Spec, status: "True", reason: "TooManyProblems", message: `${more} more ${what} not shown` }];
}

/** What a Valid condition is built from: the part of a status view HTTPProxy and ExtensionService share. */
export type ValidConditionView = Pick<ProxyStatusView, "valid" | "errors" | "warnings" | "generation">;

/**
 * The conditions to write: the Valid condition from the view, whose lastTransitionTime is kept while
 * its status (True/False) does not change, then the other conditions as they were. `now` is RFC 3339.
 */
export function withValidCondition(view: ValidConditionView, current: readonly DetailedCondition[] | undefined, now: string): DetailedCondition[] {
  const others = (current ?? []).filter((c) => c?.type !== "Valid");
  const previous = (current ?? []).find((c) => c?.type === "Valid");
  const lastTransitionTime = previous !== undefined && previous.status === view.valid.status && typeof previous.lastTransitionTime === "string" ? previous.lastTransitionTime : now;
  const valid: DetailedCondition = {
    type: "Valid",
    status: view.valid.status,
    ...(view.generation !== undefined ? { observedGeneration: view.generation } : {}),
    lastTransitionTime,
    reason: view.valid.reason,
    message: view.valid.message,
    ...(view.errors.length > 0 ? { errors: view.errors } : {}),
    ...(view.warnings.length > 0 ? { warnings: view.warnings } : {}),
  };
  return [valid, ...others];
}

/**
 * The status to write: the view, the load balancer, and the Valid condition, whose
 * lastTransitionTime is kept while its status (True/False) does not change. `now` is RFC 3339.
 */
export function buildHTTPProxyStatus(view: ProxyStatusView, current: HTTPProxyStatus | undefined, loadBalancer: LoadBalancerStatus, now: string): HTTPProxyStatus {
  return {
    ...current,
    currentStatus: view.currentStatus,
    description: view.description,
    loadBalancer,
    conditions: withValidCondition(view, current?.conditions, now),
  };
}
