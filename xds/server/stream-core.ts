// The part of a stream's state machine both protocols share: per-type state, the snapshot being
// served, and the ordering rules that make a change safe ("make before break").
//
// Ordering, per the xDS eventual-consistency rules:
//   1. Types go out in the order secrets, clusters, endpoints, listeners, routes.
//   2. Listeners and routes wait while any secret, cluster or endpoint response is un-ACKed, so
//      Envoy has (and has warmed) every cluster a new route names before it sees that route.
//      Envoy asks for the EDS of new clusters before it ACKs the CDS response, and holds the CDS
//      ACK back until its warming clusters got their endpoints.
//   3. Secrets, clusters and endpoints that a new snapshot drops stay in what the stream serves
//      (at the version Envoy accepted) until Envoy has ACKed listeners and routes that match the
//      snapshot; only then are they removed. A route therefore never loses its cluster.
//   4. A changed cluster is re-created by Envoy and warms until it gets endpoints: its endpoints
//      are resent right after it, changed or not.
// At most one response per type is in flight: a change that arrives meanwhile goes out with the ACK.
import type { ResourceType } from "../cache/resource-types.js";
import { RESOURCE_TYPES } from "../cache/resource-types.js";
import type { Snapshot, TypeSnapshot } from "../cache/snapshot.js";
import type { PushEvent, StreamEvent, StreamStep } from "./stream-events.js";
import { createViewMemo, type ServedVersion, type TypeView } from "./stream-view.js";
import { NO_SUBSCRIPTION, type Subscription } from "./subscription.js";

/** Per-type state common to both protocols. */
export interface TypeStateBase {
  readonly type: ResourceType;
  /** Envoy has asked for this type on this stream. */
  requested: boolean;
  subscription: Subscription;
  /** The nonce of the response awaiting an ACK or NACK. */
  pendingNonce: string | undefined;
  /** The nonce of the latest response; requests naming an older one are stale. */
  lastNonce: string | undefined;
  /** The latest response was NACKed and nothing accepted since. */
  rejected: boolean;
  /**
   * What Envoy accepted and therefore holds: the source of retained resources. SotW replaces it
   * on change (the view memo keys on its identity); delta updates it in place per resource.
   */
  acked: ReadonlyMap<string, ServedVersion>;
}

/** How one protocol turns a view into a response. */
export interface ProtocolOps<State extends TypeStateBase, Plan, Response> {
  newState(type: ResourceType): State;
  /** What must be sent for Envoy to hold `view`, or undefined when it already does. Must not change protocol state. */
  diff(state: State, view: TypeView): Plan | undefined;
  /**
   * Records `plan` as sent under `nonce` and builds its response; `changed` lists the resources
   * that are new or different from what Envoy accepted.
   */
  send(state: State, plan: Plan, nonce: string, view: TypeView): { response: Response; event: PushEvent; changed: readonly ServedVersion[] };
  /** Makes the next response of the type carry these names again, even if unchanged. */
  force(state: State, names: ReadonlySet<string>): void;
  /** The resources of a type this protocol serves from a snapshot; default `snapshot.types`. */
  typeSnapshot?(snapshot: Snapshot, type: ResourceType): TypeSnapshot;
  /**
   * What a state should hold: by default the subscription's share of `source` plus, while
   * `retaining`, the accepted resources it dropped (computeView). A protocol that diffs per
   * changed resource returns a view that only names its inputs.
   */
  view?(state: State, source: TypeSnapshot | undefined, retaining: boolean): TypeView;
  /** Make-before-break is over: resources retained for it may now be removed. */
  released?(state: State): void;
}

/** The shared stream machinery a protocol builds on. */
export interface StreamCore<State extends TypeStateBase, Response> {
  state(type: ResourceType): State;
  snapshot(): Snapshot | undefined;
  /** Switches to a new snapshot; removals it implies wait for make-before-break. */
  setSnapshot(snapshot: Snapshot): void;
  /** The view a type's state should hold now. */
  view(state: State): TypeView;
  /** Sends whatever the ordering rules allow now. `events` are prepended to the step. */
  evaluate(events: StreamEvent[]): StreamStep<Response>;
  /** Whether retained (removed) resources are still being served. */
  breakPending(): boolean;
  /** Tells the core that Envoy ACKed a response on this stream. */
  recordAck(): void;
}

/** Creates the shared part of a stream state machine for one protocol. */
export function createStreamCore<State extends TypeStateBase, Plan, Response>(ops: ProtocolOps<State, Plan, Response>): StreamCore<State, Response> {
  const states = new Map<ResourceType, State>();
  const memos = new Map<ResourceType, ReturnType<typeof createViewMemo>>();
  let snapshot: Snapshot | undefined;
  let breakPending = false;
  let nonceCounter = 0;
  let acknowledged = false;

  const state = (type: ResourceType): State => {
    let s = states.get(type);
    if (s === undefined) {
      s = ops.newState(type);
      states.set(type, s);
      memos.set(type, createViewMemo(type.namespaced));
    }
    return s;
  };

  const view = (s: State): TypeView => {
    const retaining = breakPending && s.type.upstream;
    const typeSnapshot = snapshot === undefined ? undefined : (ops.typeSnapshot?.(snapshot, s.type) ?? snapshot.types[s.type.typeUrl]);
    if (ops.view !== undefined) return ops.view(s, typeSnapshot, retaining);
    const memo = memos.get(s.type) ?? createViewMemo(s.type.namespaced);
    return memo(typeSnapshot, s.subscription, retaining ? s.acked : undefined);
  };

  const upstreamInFlight = (): boolean => RESOURCE_TYPES.some((t) => t.upstream && states.get(t)?.pendingNonce !== undefined);

  // Listeners and routes match the snapshot and Envoy accepted them: retained upstream resources
  // are no longer referenced by anything Envoy runs. A type Envoy has not asked for counts only
  // after a first ACK: Envoy reconnecting sends all its requests at once, and a removal answered
  // to its CDS request before its LDS request is read would break the listeners it still runs.
  const downstreamSettled = (): boolean =>
    RESOURCE_TYPES.every((t) => {
      if (t.upstream) return true;
      const s = states.get(t);
      if (s === undefined || !s.requested) return acknowledged;
      return s.pendingNonce === undefined && !s.rejected && ops.diff(s, view(s)) === undefined;
    });

  // Envoy re-creates a changed cluster, and the new one stays warming (its CDS ACK held back,
  // routes to it failing) until an EDS update for it arrives, even when the endpoints did not
  // change. The xDS protocol expects the server to send them: resend the endpoints of every
  // changed cluster right after the clusters.
  const forceEndpointsOf = (changed: readonly ServedVersion[]): void => {
    const endpointType = RESOURCE_TYPES.find((t) => t.name === "endpoint");
    const endpoints = endpointType === undefined ? undefined : states.get(endpointType);
    if (endpoints === undefined || !endpoints.requested) return;
    const names = new Set<string>();
    for (const cluster of changed) for (const ref of cluster.references ?? []) if (ref.type === "endpoint") names.add(ref.name);
    if (names.size > 0) ops.force(endpoints, names);
  };

  return {
    state,
    snapshot: () => snapshot,
    setSnapshot(next) {
      if (next === snapshot) return;
      snapshot = next;
      breakPending = true;
    },
    view,
    evaluate(events) {
      const responses: Response[] = [];
      if (snapshot === undefined) return { responses, events };
      if (breakPending && downstreamSettled()) {
        breakPending = false;
        if (ops.released !== undefined) for (const s of states.values()) if (s.type.upstream) ops.released(s);
      }
      for (const type of RESOURCE_TYPES) {
        const s = states.get(type);
        if (s === undefined || !s.requested || s.pendingNonce !== undefined) continue;
        if (!type.upstream && upstreamInFlight()) continue;
        const v = view(s);
        const plan = ops.diff(s, v);
        if (plan === undefined) continue;
        const nonce = String(++nonceCounter);
        const { response, event, changed } = ops.send(s, plan, nonce, v);
        s.pendingNonce = nonce;
        s.lastNonce = nonce;
        responses.push(response);
        events.push(event);
        if (type.name === "cluster") forceEndpointsOf(changed);
      }
      return { responses, events };
    },
    breakPending: () => breakPending,
    recordAck() {
      acknowledged = true;
    },
  };
}

/** The fields every new per-type state starts with. */
export function initialTypeState(type: ResourceType): TypeStateBase {
  return { type, requested: false, subscription: NO_SUBSCRIPTION, pendingNonce: undefined, lastNonce: undefined, rejected: false, acked: new Map() };
}
