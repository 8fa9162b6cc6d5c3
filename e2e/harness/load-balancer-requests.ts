// Requested addresses of LoadBalancer Services, decided the way Cilium's LB IPAM does (pure, for unit tests):
// a Service asks through the annotation `lbipam.cilium.io/ips` (a comma-separated list) or the older
// `spec.loadBalancerIP` (one address); it gets every address it asks for or none, and says which in the
// Service status condition `io.cilium/lb-ipam-request-satisfied` (see docs.cilium.io, network/lb-ipam).
// The bed's pool is 198.19.255.0/24: .1–.199 are handed out to Services that ask for nothing, .200–.254
// only to Services that ask for them by address (MetalLB's `autoAssign: false` pool), so a test that
// wants a fixed usable address never races the random picks of beds running beside it.
import { isIPv4 } from "node:net";

/** The annotation a Service lists the addresses it wants in (Cilium LB IPAM's). */
export const REQUESTED_IPS_ANNOTATION = "lbipam.cilium.io/ips";
/** The Service status condition that says whether the request was met (Cilium LB IPAM's). */
export const REQUEST_SATISFIED_CONDITION = "io.cilium/lb-ipam-request-satisfied";
/** The prefix of the pool: 198.19.255.0/24 (LOAD_BALANCER_RANGE). */
const POOL_PREFIX = "198.19.255.";
/** Host numbers of the pool given to Services that ask for no address. */
export const AUTO_ASSIGN_HOSTS = { first: 1, last: 199 } as const;
/** Host numbers of the pool given only on request. */
export const REQUEST_ONLY_HOSTS = { first: 200, last: 254 } as const;
/** An address of 198.18.0.0/15 that no range of the bed uses: never assignable (the conformance suite's "unusable" address). */
export const UNUSABLE_ADDRESS = "198.19.254.1";

/** The parts of a Service the decision reads. */
export interface RequestingService {
  metadata?: { annotations?: Record<string, string> };
  spec?: { loadBalancerIP?: string };
}

/** The addresses a Service asks for (the annotation wins over spec.loadBalancerIP), in its order, without repeats. */
export function requestedAddresses(service: RequestingService): string[] {
  const listed = service.metadata?.annotations?.[REQUESTED_IPS_ANNOTATION];
  const raw = listed !== undefined ? listed.split(",") : service.spec?.loadBalancerIP !== undefined ? [service.spec.loadBalancerIP] : [];
  return [...new Set(raw.map((a) => a.trim()).filter((a) => a !== ""))];
}

/** Whether `address` is a host address of the pool (198.19.255.1–254). */
export function inPool(address: string): boolean {
  if (!isIPv4(address) || !address.startsWith(POOL_PREFIX)) return false;
  const host = Number(address.slice(POOL_PREFIX.length));
  return host >= AUTO_ASSIGN_HOSTS.first && host <= REQUEST_ONLY_HOSTS.last;
}

/** The pool address of host number `host`. */
export function poolAddress(host: number): string {
  return `${POOL_PREFIX}${host}`;
}

/** What the load balancer does with one Service's request. */
export type AddressDecision =
  | { readonly ok: true; readonly addresses: readonly string[] }
  | { readonly ok: false; readonly reason: "outside_pool" | "already_allocated" | "pool_exhausted"; readonly message: string };

/**
 * Decides a Service's request: every requested address must be in the pool and not held by another
 * Service (`takenBy` answers the holder's key) nor put on the host by another bed (`onHost`). All or
 * nothing, so a Service never serves on half of what it asked for. An empty request is met by the
 * caller's pick from the auto-assign hosts.
 */
export function decideRequest(requested: readonly string[], takenBy: (address: string) => string | undefined, onHost: (address: string) => boolean): AddressDecision {
  for (const address of requested) {
    if (!inPool(address)) return { ok: false, reason: "outside_pool", message: `requested address ${address} is outside the pool 198.19.255.0/24` };
    const holder = takenBy(address);
    if (holder !== undefined) return { ok: false, reason: "already_allocated", message: `requested address ${address} is already allocated to Service ${holder}` };
    if (onHost(address)) return { ok: false, reason: "already_allocated", message: `requested address ${address} is already in use on this host` };
  }
  return { ok: true, addresses: [...requested] };
}

/** A metav1.Condition as a Service's status carries it. */
export interface ServiceCondition {
  type: string;
  status: "True" | "False";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/**
 * The Service's conditions with the request condition set from `decision` (other types kept);
 * lastTransitionTime moves only when the status changes. Undefined when nothing would change.
 */
export function requestConditions(current: readonly ServiceCondition[] | undefined, decision: AddressDecision, generation: number | undefined, now: string): ServiceCondition[] | undefined {
  const others = (current ?? []).filter((c) => c.type !== REQUEST_SATISFIED_CONDITION);
  const previous = (current ?? []).find((c) => c.type === REQUEST_SATISFIED_CONDITION);
  const status = decision.ok ? "True" : "False";
  const reason = decision.ok ? "satisfied" : decision.reason;
  const message = decision.ok ? "" : decision.message;
  if (previous !== undefined && previous.status === status && previous.reason === reason && previous.message === message && previous.observedGeneration === generation) return undefined;
  const lastTransitionTime = previous !== undefined && previous.status === status ? previous.lastTransitionTime : now;
  return [...others, { type: REQUEST_SATISFIED_CONDITION, status, reason, message, lastTransitionTime, ...(generation !== undefined ? { observedGeneration: generation } : {}) }];
}

/**
 * A request-only address of the pool that no link of this host holds (`used`: `ip -4 -o addr show`),
 * for a test that asks for a fixed usable address; random, so that beds side by side rarely pick the same.
 */
export function pickRequestOnlyAddress(used: string, random: () => number = Math.random): string {
  const count = REQUEST_ONLY_HOSTS.last - REQUEST_ONLY_HOSTS.first + 1;
  const start = Math.floor(random() * count);
  for (let i = 0; i < count; i++) {
    const address = poolAddress(REQUEST_ONLY_HOSTS.first + ((start + i) % count));
    if (!used.includes(` ${address}/`)) return address;
  }
  throw new Error(`every request-only address of 198.19.255.${REQUEST_ONLY_HOSTS.first}-${REQUEST_ONLY_HOSTS.last} is in use on this host`);
}
