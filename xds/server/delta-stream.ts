// The incremental (delta) protocol of one stream, without I/O: requests and snapshots in,
// responses carrying only added/changed resources and removals out.
import { create } from "@bufbuild/protobuf";
import { lookupResourceType } from "../cache/resource-types.js";
import type { Snapshot, TypeSnapshot } from "../cache/snapshot.js";
import {
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  DeltaDiscoveryResponseSchema,
} from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { type DeltaPlan, type Dirty, type KnownVersions, createKnownVersions, changesSince, diffNames, droppedNames, markDirty } from "./delta-state.js";
import { type TypeStateBase, createStreamCore, initialTypeState } from "./stream-core.js";
import type { StreamEvent, StreamStep } from "./stream-events.js";
import type { ServedVersion } from "./stream-view.js";
import { WILDCARD, deltaSubscription, subscribes } from "./subscription.js";

interface DeltaTypeState extends TypeStateBase {
  /** What Envoy has or is being sent: the base every diff is taken against. */
  known: KnownVersions;
  /** `acked`, updated in place per resource (no copy per ACK). */
  accepted: Map<string, ServedVersion>;
  /** The snapshot type `dirty` is relative to. */
  base: TypeSnapshot | undefined;
  /** The names whose wanted version may differ from `known` (a cache: "all" is always correct). */
  dirty: Dirty;
  /** Accepted names the snapshot dropped: looked at again when make-before-break ends. */
  dropped: Set<string>;
  /** A wildcard subscription is answered once even when empty, so Envoy's initialisation completes. */
  answered: boolean;
  pending: { version: string; added: readonly ServedVersion[]; removed: readonly string[] } | undefined;
  /** Name → version Envoy rejected: not sent again before the next snapshot (the NACK would only repeat). */
  refused: Map<string, string>;
}

const EMPTY_RESOURCES: ReadonlyMap<string, ServedVersion> = new Map();

/** Options of createDeltaStream. */
export interface DeltaStreamOptions {
  /** For single-type services: the type of requests that leave type_url empty. */
  readonly defaultTypeUrl?: string | undefined;
}

/** One delta stream's protocol state. */
export interface DeltaStream {
  /** Handles one DeltaDiscoveryRequest (subscription change, ACK or NACK). */
  handleRequest(request: DeltaDiscoveryRequest): StreamStep<DeltaDiscoveryResponse>;
  /** Switches to a newly published snapshot. */
  handleSnapshot(snapshot: Snapshot): StreamStep<DeltaDiscoveryResponse>;
  /** The Envoy node id, once a request carried it. */
  nodeId(): string;
  /** Name → version of what Envoy holds or is being sent, for a type. */
  known(typeUrl: string): ReadonlyMap<string, string>;
}

/** Creates the state machine of one delta stream (diff must not change protocol state; it only caches). */
export function createDeltaStream(options: DeltaStreamOptions = {}): DeltaStream {
  let nodeId = "";
  const created: DeltaTypeState[] = [];
  // Moves a state's dirty set onto the snapshot type it now serves (per changed name when it was derived from the one before).
  const advance = (state: DeltaTypeState, source: TypeSnapshot | undefined): void => {
    if (state.base === source) return;
    const changes = changesSince(state.base, source);
    state.dirty = changes === "all" ? "all" : markDirty(state.dirty, changes);
    if (state.type.upstream && state.accepted.size > 0) for (const name of droppedNames(source, state.accepted, changes)) state.dropped.add(name);
    state.base = source;
  };
  const core = createStreamCore<DeltaTypeState, DeltaPlan, DeltaDiscoveryResponse>({
    newState: (type) => {
      const accepted = new Map<string, ServedVersion>();
      const state: DeltaTypeState = {
        ...initialTypeState(type),
        acked: accepted,
        known: createKnownVersions(),
        accepted,
        base: undefined,
        dirty: "all",
        dropped: new Set(),
        answered: false,
        pending: undefined,
        refused: new Map(),
      };
      created.push(state);
      return state;
    },
    // No copy of the snapshot's share: the diff reads the snapshot type per name.
    view: (_state, source, retaining) => ({ resources: source?.resources ?? EMPTY_RESOURCES, version: source?.version ?? "", source, retaining }),
    diff(state, view) {
      advance(state, view.source);
      const plan = diffNames(
        { type: state.type, source: view.source, subscription: state.subscription, retaining: view.retaining === true, acked: state.accepted, known: state.known, refused: state.refused },
        state.dirty,
      );
      // A wildcard or VHDS namespace subscription is answered even when empty: Envoy waits for it.
      const mustAnswer = !state.answered && (state.subscription.wildcard || (state.type.namespaced && state.subscription.names.size > 0));
      if (plan.added.length > 0 || plan.removed.length > 0) return plan;
      if (mustAnswer) return state.type.namespaced ? { added: [], removed: absentNamespaces(state) } : plan;
      // Only a cache: every dirty name matches, so the next diff needs to look at none of them.
      state.dirty = new Set();
      return undefined;
    },
    send(state, plan, nonce) {
      for (const r of plan.added) {
        state.known.set(r.name, r.version);
        state.refused.delete(r.name);
      }
      for (const name of plan.removed) state.known.delete(name);
      // The plan covered every dirty name.
      state.dirty = new Set();
      state.answered = true;
      // The version of what Envoy holds once it applies this: the snapshot type's version when that is all of it.
      const version = state.known.version();
      state.pending = { version, added: plan.added, removed: plan.removed };
      const response = create(DeltaDiscoveryResponseSchema, {
        systemVersionInfo: version,
        typeUrl: state.type.typeUrl,
        resources: plan.added.map((r) => ({ name: r.name, version: r.version, resource: r.any })),
        removedResources: plan.removed,
        nonce,
      });
      return {
        response,
        event: { kind: "push", typeUrl: state.type.typeUrl, version, nonce, resources: plan.added.length, removed: plan.removed.length },
        changed: plan.added,
      };
    },
    force(state, names) {
      // Forgetting that Envoy has them makes the next diff send them.
      for (const name of names) state.known.delete(name);
      state.dirty = markDirty(state.dirty, names);
    },
    released(state) {
      // Retained resources leave the view now: the next diff removes them.
      state.dirty = markDirty(state.dirty, state.dropped);
      state.dropped.clear();
    },
    // Route configurations that name their virtual hosts through VHDS, where the snapshot has them.
    typeSnapshot: (snapshot, type) => snapshot.deltaTypes[type.typeUrl] ?? snapshot.types[type.typeUrl],
  });

  return {
    handleRequest(request) {
      if (nodeId === "" && request.node !== undefined) nodeId = request.node.id;
      const typeUrl = request.typeUrl !== "" ? request.typeUrl : (options.defaultTypeUrl ?? "");
      const type = lookupResourceType(typeUrl);
      if (type === undefined) return { responses: [], events: [{ kind: "unknown-type", typeUrl }] };
      const s = core.state(type);
      const events: StreamEvent[] = [];
      const first = !s.requested;
      if (first) {
        s.requested = true;
        s.dirty = "all";
        // Envoy reconnecting tells us what it holds: those are not resent, and count as accepted
        // so make-before-break also protects resources it got from an earlier stream.
        for (const [name, version] of Object.entries(request.initialResourceVersions)) {
          s.known.set(name, version);
          s.accepted.set(name, { name, version });
        }
      }
      // Subscription changes are deltas: they apply whatever nonce the request carries.
      const before = s.subscription;
      s.subscription = deltaSubscription(type, before, {
        subscribe: request.resourceNamesSubscribe,
        unsubscribe: request.resourceNamesUnsubscribe,
        first,
      });
      if (first || s.subscription !== before) followSubscription(s, before, request.resourceNamesSubscribe, request.resourceNamesUnsubscribe, first);
      if (!first && request.responseNonce !== "") {
        if (s.pendingNonce !== undefined && request.responseNonce === s.pendingNonce) {
          const pending = s.pending;
          if (request.errorDetail !== undefined) {
            s.rejected = true;
            events.push({
              kind: "nack",
              typeUrl,
              version: pending?.version ?? "",
              acceptedVersion: "",
              nonce: request.responseNonce,
              message: request.errorDetail.message,
              rejected: pending?.added ?? [],
              accepted: s.acked,
            });
            if (pending !== undefined) revertRejected(s, pending.added, pending.removed);
          } else {
            s.rejected = false;
            if (pending !== undefined) applyAck(s, pending.added, pending.removed, core.view(s).source);
            core.recordAck();
            events.push({ kind: "ack", typeUrl, version: pending?.version ?? "", nonce: request.responseNonce, resources: pending?.added ?? [] });
          }
          s.pendingNonce = undefined;
          s.pending = undefined;
        } else if (request.responseNonce !== s.lastNonce) {
          events.push({ kind: "stale-nonce", typeUrl, nonce: request.responseNonce });
        }
      }
      return core.evaluate(events);
    },
    handleSnapshot(snapshot) {
      if (snapshot !== core.snapshot()) {
        core.setSnapshot(snapshot);
        for (const s of created) {
          // A new snapshot may be what fixes a rejection (the culprit withdrawn): offer those again.
          s.dirty = markDirty(s.dirty, s.refused.keys());
          s.refused.clear();
          advance(s, core.view(s).source);
        }
      }
      return core.evaluate([]);
    },
    nodeId: () => nodeId,
    known(typeUrl) {
      const type = lookupResourceType(typeUrl);
      return type === undefined ? new Map() : core.state(type).known.map;
    },
  };
}

/**
 * What an empty first answer of a namespaced type (VHDS) removes so that Envoy's watch hears it:
 * the empty name inside each namespace subscribed to, or, for Envoy's VHDS subscription over ADS
 * (which names nothing on the wire), inside those of the route configurations using VHDS. Envoy
 * delivers a removal to the watch of the name's namespace; no host is named "" so nothing is
 * removed, but the watch's initial fetch completes.
 */
function absentNamespaces(s: DeltaTypeState): string[] {
  const namespaces = s.subscription.names.size > 0 ? [...s.subscription.names] : [...(s.type.absentNamespaces ?? [])];
  return namespaces.map((ns) => `${ns}/`).filter((name) => s.known.get(name) === undefined).sort();
}

/**
 * Applies a subscription change. Newly subscribed names are looked at on the next diff. Envoy drops
 * what it unsubscribes from without being told, so neither known nor acked keeps it: only the
 * unsubscribed names are looked at, unless a namespace or the wildcard went (then every name is).
 */
function followSubscription(s: DeltaTypeState, before: DeltaTypeState["subscription"], subscribed: readonly string[], unsubscribed: readonly string[], first: boolean): void {
  const ns = s.type.namespaced;
  const wildcardGone = before.wildcard && !s.subscription.wildcard;
  if (first || wildcardGone || (ns && unsubscribed.length > 0)) {
    for (const name of [...s.known.map.keys()]) if (!subscribes(s.subscription, name, ns)) s.known.delete(name);
    for (const name of [...s.accepted.keys()]) if (!subscribes(s.subscription, name, ns)) s.accepted.delete(name);
  } else {
    for (const name of unsubscribed) {
      if (subscribes(s.subscription, name, ns)) continue;
      s.known.delete(name);
      s.accepted.delete(name);
    }
  }
  // A namespace or the wildcard selects names nobody listed: every name is looked at.
  if (ns || subscribed.includes(WILDCARD) || s.subscription.wildcard !== before.wildcard) s.dirty = "all";
  else s.dirty = markDirty(s.dirty, subscribed);
}

/**
 * Envoy rejected the whole response and holds what it accepted before: `known` goes back to that,
 * so the other resources of the response are sent again with the next snapshot, and the rejected
 * versions are remembered so the same rejection is not provoked again before then.
 */
function revertRejected(s: DeltaTypeState, added: readonly ServedVersion[], removed: readonly string[]): void {
  for (const r of added) {
    s.refused.set(r.name, r.version);
    const before = s.accepted.get(r.name);
    if (before === undefined) s.known.delete(r.name);
    else s.known.set(r.name, before.version);
  }
  for (const name of removed) {
    const before = s.accepted.get(name);
    if (before !== undefined) s.known.set(name, before.version);
  }
  s.dirty = markDirty(s.dirty, [...added.map((r) => r.name), ...removed]);
}

// Envoy now holds the response: `acked` follows per resource. An accepted resource the snapshot
// dropped meanwhile is retained like any other until make-before-break ends.
function applyAck(s: DeltaTypeState, added: readonly ServedVersion[], removed: readonly string[], source: TypeSnapshot | undefined): void {
  for (const r of added) {
    s.accepted.set(r.name, r);
    if (s.type.upstream && source?.resources.has(r.name) !== true) s.dropped.add(r.name);
  }
  for (const name of removed) s.accepted.delete(name);
}
