import type { GatewayClassStatus, GatewayStatus, GatewayStatusAddress, ListenerSetStatus } from "../../crds/types/gateway-api/gateway.js";
import type { MetaCondition, ParentReference, PolicyStatus, RouteStatus } from "../../crds/types/gateway-api/common.js";
import type { Condition } from "../store/fragment.js";
import { canonicalJson } from "../model/names.js";
import type { GatewayClassResult } from "./gateway-class.js";
import { withAttachedRoutes } from "./gateway-listener.js";
import type { BackendTlsPolicyResult } from "./backend-tls-policy.js";
import type { GatewayResult, ListenerSetView } from "./reconcile-gateway.js";
import type { HTTPRouteResult } from "./reconcile-httproute.js";

/** When and for which generation a status is written; the status writer supplies both. */
export interface StatusStamp {
  readonly generation: number;
  /** RFC 3339, used as lastTransitionTime of a condition whose status changed. */
  readonly now: string;
}

/**
 * Conditions as metav1.Conditions: a condition whose type and status are unchanged keeps its
 * lastTransitionTime, so a status written again is byte-identical and the writer can skip it.
 */
export function metaConditions(conditions: readonly Condition[], previous: readonly MetaCondition[] | undefined, stamp: StatusStamp): MetaCondition[] {
  return conditions.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = before !== undefined && before.status === c.status ? before.lastTransitionTime : stamp.now;
    return { type: c.type, status: c.status, reason: c.reason, message: c.message, observedGeneration: stamp.generation, lastTransitionTime };
  });
}

/** A GatewayClass's status. */
export function gatewayClassStatus(result: Extract<GatewayClassResult, { ours: true }>, previous: GatewayClassStatus | undefined, stamp: StatusStamp): GatewayClassStatus {
  return { conditions: metaConditions(result.conditions, previous?.conditions, stamp), supportedFeatures: result.supportedFeatures };
}

/** How many routes are attached to each listener (by listenerKey), from every route reconcile. */
export function countAttachedRoutes(routes: readonly Pick<HTTPRouteResult, "attachedListeners">[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of routes) for (const k of r.attachedListeners) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** A Gateway's status: conditions, addresses from the owned Service, listeners with attachedRoutes. */
export function gatewayStatus(result: Extract<GatewayResult, { ours: true }>, counts: ReadonlyMap<string, number>, addresses: readonly GatewayStatusAddress[], previous: GatewayStatus | undefined, stamp: StatusStamp): GatewayStatus {
  return {
    addresses: [...addresses],
    conditions: metaConditions(result.conditions, previous?.conditions, stamp),
    listeners: withAttachedRoutes(result.source, result.listeners, counts).map((l) => ({
      name: l.name,
      supportedKinds: l.supportedKinds,
      attachedRoutes: l.attachedRoutes,
      conditions: metaConditions(l.conditions, previous?.listeners?.find((p) => p.name === l.name)?.conditions, stamp),
    })),
    attachedListenerSets: result.attachedListenerSets,
  };
}

/** A ListenerSet's status. */
export function listenerSetStatus(view: ListenerSetView, counts: ReadonlyMap<string, number>, previous: ListenerSetStatus | undefined, stamp: StatusStamp): ListenerSetStatus {
  return {
    conditions: metaConditions(view.conditions, previous?.conditions, stamp),
    listeners: withAttachedRoutes(view.source, view.listeners, counts).map((l) => ({
      name: l.name,
      supportedKinds: l.supportedKinds,
      attachedRoutes: l.attachedRoutes,
      conditions: metaConditions(l.conditions, previous?.listeners?.find((p) => p.name === l.name)?.conditions, stamp),
    })),
  };
}

/**
 * A route's status (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute): our parent entries replaced, other controllers' entries kept as they are
 * (several controllers may serve one route), and our stale entries (a parentRef removed) dropped.
 */
export function httpRouteStatus(result: Pick<HTTPRouteResult, "parents">, controllerName: string, previous: RouteStatus | undefined, stamp: StatusStamp): RouteStatus {
  const others = (previous?.parents ?? []).filter((p) => p.controllerName !== controllerName);
  const ours = result.parents.map((p) => {
    const before = previous?.parents.find((q) => q.controllerName === controllerName && sameParent(q.parentRef, p.parentRef));
    return { parentRef: p.parentRef, controllerName, conditions: metaConditions(p.conditions, before?.conditions, stamp) };
  });
  return { parents: [...others, ...ours] };
}

/** A BackendTLSPolicy's status: the policy's conditions for each ancestor Gateway; other controllers' entries kept. */
export function backendTlsPolicyStatus(result: BackendTlsPolicyResult, ancestors: readonly ParentReference[], controllerName: string, previous: PolicyStatus | undefined, stamp: StatusStamp): PolicyStatus {
  const others = (previous?.ancestors ?? []).filter((a) => a.controllerName !== controllerName);
  const ours = ancestors.map((ancestorRef) => {
    const before = previous?.ancestors.find((a) => a.controllerName === controllerName && sameParent(a.ancestorRef, ancestorRef));
    return { ancestorRef, controllerName, conditions: metaConditions(result.conditions, before?.conditions, stamp) };
  });
  return { ancestors: [...others, ...ours] };
}

function sameParent(a: ParentReference, b: ParentReference): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
