// The pure part of Lease-based leader election: given the Lease as read, who we are and the time, what to
// write. Kept free of I/O so every rule is a table test.

/** The fields of a coordination.k8s.io/v1 Lease spec that election uses; times in ms since the epoch. */
export interface LeaseRecord {
  /** "" when nobody holds the Lease (released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: number | undefined;
  readonly renewTime: number | undefined;
  readonly leaseTransitions: number;
}

/** What to do after reading the Lease. */
export type LeaseDecision =
  | { readonly action: "create"; readonly record: LeaseRecord }
  /** Write `record` over the one read; `acquiring` is false for a renewal of our own Lease. */
  | { readonly action: "update"; readonly record: LeaseRecord; readonly acquiring: boolean }
  /** Someone else holds a valid Lease until `expiresAt`. */
  | { readonly action: "wait"; readonly holder: string; readonly expiresAt: number };

/** When a Lease stops being valid: renewTime + leaseDurationSeconds (a Lease never renewed is already expired). */
export function leaseExpiry(record: LeaseRecord): number {
  return record.renewTime === undefined ? 0 : record.renewTime + record.leaseDurationSeconds * 1_000;
}

/**
 * Decides whether `identity` may take or keep the Lease at `now`: create it when missing, renew our own,
 * acquire a free (released) or expired one, otherwise wait for its holder.
 */
export function decideLease(current: LeaseRecord | undefined, identity: string, now: number, leaseDurationMs: number): LeaseDecision {
  const leaseDurationSeconds = Math.max(1, Math.round(leaseDurationMs / 1_000));
  if (current === undefined) {
    return { action: "create", record: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } };
  }
  if (current.holderIdentity === identity) {
    return { action: "update", acquiring: false, record: { ...current, leaseDurationSeconds, acquireTime: current.acquireTime ?? now, renewTime: now } };
  }
  const expiresAt = leaseExpiry(current);
  if (current.holderIdentity !== "" && expiresAt >= now) {
    return { action: "wait", holder: current.holderIdentity, expiresAt };
  }
  return {
    action: "update",
    acquiring: true,
    record: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: current.leaseTransitions + 1 },
  };
}

/** The record a leader writes when it steps down: no holder and a 1 s duration, so a successor need not wait. */
export function releasedRecord(current: LeaseRecord, now: number): LeaseRecord {
  return { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.leaseTransitions };
}
