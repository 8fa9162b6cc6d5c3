// Which resources of one type a stream asked for: explicit names, everything (wildcard), or both.
import type { ResourceType } from "../cache/resource-types.js";

/** A stream's interest in one type. Immutable: a change yields a new object. */
export interface Subscription {
  /** Every resource of the type, present and future. */
  readonly wildcard: boolean;
  /** Names asked for explicitly (a wildcard subscription may name some too). */
  readonly names: ReadonlySet<string>;
}

/** The subscription of a type nobody asked for yet. */
export const NO_SUBSCRIPTION: Subscription = { wildcard: false, names: new Set() };

/** The explicit wildcard name of the xDS protocol. */
export const WILDCARD = "*";

/**
 * The subscription a state-of-the-world request states. Every SotW request carries the full list:
 * "*" means wildcard, and for listeners and clusters an empty list is the legacy wildcard.
 * `previous` is returned as is when nothing changed, so callers can memoise on identity.
 */
export function sotwSubscription(type: ResourceType, resourceNames: readonly string[], previous: Subscription = NO_SUBSCRIPTION): Subscription {
  const wildcard = resourceNames.includes(WILDCARD) || (type.wildcard && resourceNames.length === 0);
  const names = new Set(resourceNames.filter((n) => n !== WILDCARD));
  return sameSubscription(previous, wildcard, names) ? previous : { wildcard, names };
}

/** The change a delta request asks for. */
export interface DeltaSubscriptionChange {
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  /** Whether this is the first request for the type on the stream (where no names means wildcard). */
  readonly first: boolean;
}

/**
 * The subscription after a delta request: names are added and removed; "*" toggles the wildcard;
 * the first request for a listener or cluster naming nothing is the legacy wildcard.
 */
export function deltaSubscription(type: ResourceType, previous: Subscription, change: DeltaSubscriptionChange): Subscription {
  let wildcard = previous.wildcard || (change.first && type.wildcard && change.subscribe.length === 0);
  // An ACK names nothing: no copy of what may be thousands of names.
  if (change.subscribe.length === 0 && change.unsubscribe.length === 0 && wildcard === previous.wildcard) return previous;
  const names = new Set(previous.names);
  for (const name of change.subscribe) {
    if (name === WILDCARD) wildcard = true;
    else names.add(name);
  }
  for (const name of change.unsubscribe) {
    if (name === WILDCARD) wildcard = false;
    else names.delete(name);
  }
  return sameSubscription(previous, wildcard, names) ? previous : { wildcard, names };
}

/**
 * Whether the subscription covers a resource name. For a namespaced type (VHDS) a subscribed name
 * is a namespace: it covers `<name>/<anything without a slash>`.
 */
export function subscribes(subscription: Subscription, name: string, namespaced = false): boolean {
  if (subscription.wildcard || subscription.names.has(name)) return true;
  if (!namespaced) return false;
  const slash = name.lastIndexOf("/");
  return slash > 0 && subscription.names.has(name.slice(0, slash));
}

function sameSubscription(previous: Subscription, wildcard: boolean, names: ReadonlySet<string>): boolean {
  if (previous.wildcard !== wildcard || previous.names.size !== names.size) return false;
  for (const name of names) if (!previous.names.has(name)) return false;
  return true;
}
