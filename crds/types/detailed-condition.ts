// The status conditions shared by projectcontour.io/v1 kinds: a metav1.Condition plus errors and
// warnings, each a small condition of its own (upstream's DetailedCondition and SubCondition).

/** The values a condition status may take. */
export const CONDITION_STATUSES = ["True", "False", "Unknown"] as const;

/** True, False or Unknown. */
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

/** An error or warning inside a DetailedCondition; its type reads abnormal-true ("ErrorFound"). */
export interface SubCondition {
  /** CamelCase, optionally prefixed by a DNS subdomain and a slash ("example.com/ErrorFound"). */
  readonly type: string;
  readonly status: ConditionStatus;
  /** CamelCase programmatic identifier; never empty. */
  readonly reason: string;
  /** Human-readable detail; may be empty. */
  readonly message: string;
}

/**
 * A Kubernetes condition with sub-conditions. `Valid` is normal-true: status True means the object
 * was accepted without errors (warnings may remain); False means at least one entry in `errors`.
 */
export interface DetailedCondition {
  readonly type: string;
  readonly status: ConditionStatus;
  /** The metadata.generation this condition was computed from. */
  readonly observedGeneration?: number;
  /** RFC 3339 time of the last status change. */
  readonly lastTransitionTime: string;
  readonly reason: string;
  readonly message: string;
  /** Fatal problems: present only while they apply. */
  readonly errors?: readonly SubCondition[];
  /** Non-fatal problems: present only while they apply. */
  readonly warnings?: readonly SubCondition[];
}
