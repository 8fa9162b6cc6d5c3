// The incremental (delta) protocol of one stream, without I/O: requests and snapshots in,
// responses carrying only added/changed resources and removals out.
import { create } from "@bufbuild/protobuf";
import { RESOURCE_TYPES, lookupResourceType } from "../cache/resource-types.js";
import type { Snapshot } from "../cache/snapshot.js";
import {
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  DeltaDiscoveryResponseSchema,
} from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { type TypeStateBase, createStreamCore, initialTypeState } from "./stream-core.js";
import type { StreamEvent, StreamStep } from "./stream-events.js";
import type { ServedVersion, TypeView } from "./stream-view.js";
import { deltaSubscription, subscribes } from "./subscription.js";

interface DeltaTypeState extends TypeStateBase {
  /** Name → version of what Envoy has or is being sent: the base every diff is taken against. */
  known: Map<string, string>;
  /** The view last found to need nothing while `known` stayed unchanged: skips re-diffing on ACKs. */
  cleanView: TypeView | undefined;
  /** A wildcard subscription is answered once even when empty, so Envoy's initialisation completes. */
  answered: boolean;
  pending: { version: string; added: readonly ServedVersion[]; removed: readonly string[] } | undefined;
  /** Name → version Envoy rejected: not sent again before the next snapshot (the NACK would only repeat). */
  refused: Map<string, string>;
}

interface DeltaPlan {
  readonly added: ServedVersion[];
  readonly removed: string[];
}

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
  const core = createStreamCore<DeltaTypeState, DeltaPlan, DeltaDiscoveryResponse>({
    newState: (type) => ({ ...initialTypeState(type), known: new Map(), cleanView: undefined, answered: false, pending: undefined, refused: new Map() }),
    diff(state, view) {
      if (state.cleanView === view) return undefined;
      const added: ServedVersion[] = [];
      const removed: string[] = [];
      for (const [name, resource] of view.resources) {
        // A resource known only by version (from initial_resource_versions) cannot be resent, and need not be.
        if (state.known.get(name) !== resource.version && resource.any !== undefined && state.refused.get(name) !== resource.version) added.push(resource);
      }
      for (const name of state.known.keys()) if (!view.resources.has(name)) removed.push(name);
      // A wildcard or VHDS namespace subscription is answered even when empty: Envoy waits for it.
      const mustAnswer = !state.answered && (state.subscription.wildcard || (state.type.namespaced && state.subscription.names.size > 0));
      if (added.length > 0 || removed.length > 0 || mustAnswer) return { added, removed };
      // Only a cache: the next diff against this same view object (and unchanged `known`) is empty too.
      state.cleanView = view;
      return undefined;
    },
    send(state, plan, nonce, view) {
      for (const r of plan.added) {
        state.known.set(r.name, r.version);
        state.refused.delete(r.name);
      }
      for (const name of plan.removed) state.known.delete(name);
      state.cleanView = undefined;
      state.answered = true;
      state.pending = { version: view.version, added: plan.added, removed: plan.removed };
      const response = create(DeltaDiscoveryResponseSchema, {
        systemVersionInfo: view.version,
        typeUrl: state.type.typeUrl,
        resources: plan.added.map((r) => ({ name: r.name, version: r.version, resource: r.any })),
        removedResources: plan.removed,
        nonce,
      });
      return {
        response,
        event: { kind: "push", typeUrl: state.type.typeUrl, version: view.version, nonce, resources: plan.added.length, removed: plan.removed.length },
        changed: plan.added,
      };
    },
    force(state, names) {
      // Forgetting that Envoy has them makes the next diff send them.
      for (const name of names) state.known.delete(name);
      state.cleanView = undefined;
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
        // Envoy reconnecting tells us what it holds: those are not resent, and count as accepted
        // so make-before-break also protects resources it got from an earlier stream.
        const initial = Object.entries(request.initialResourceVersions);
        if (initial.length > 0) {
          const acked = new Map<string, ServedVersion>();
          for (const [name, version] of initial) {
            s.known.set(name, version);
            acked.set(name, { name, version });
          }
          s.acked = acked;
        }
      }
      // Subscription changes are deltas: they apply whatever nonce the request carries.
      const before = s.subscription;
      s.subscription = deltaSubscription(type, before, {
        subscribe: request.resourceNamesSubscribe,
        unsubscribe: request.resourceNamesUnsubscribe,
        first,
      });
      if (first || s.subscription !== before) forgetUnsubscribed(s);
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
            if (pending !== undefined) s.acked = applyAck(s.acked, pending.added, pending.removed);
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
      // A new snapshot may be what fixes a rejection (the culprit withdrawn): offer everything again.
      if (snapshot !== core.snapshot()) for (const type of RESOURCE_TYPES) core.state(type).refused.clear();
      core.setSnapshot(snapshot);
      return core.evaluate([]);
    },
    nodeId: () => nodeId,
    known(typeUrl) {
      const type = lookupResourceType(typeUrl);
      return type === undefined ? new Map() : core.state(type).known;
    },
  };
}

// Envoy drops what it unsubscribes from without being told, so neither known nor acked keeps it.
function forgetUnsubscribed(s: DeltaTypeState): void {
  let ackedChanged = false;
  const ns = s.type.namespaced;
  for (const name of [...s.known.keys()]) if (!subscribes(s.subscription, name, ns)) s.known.delete(name);
  for (const name of s.acked.keys()) if (!subscribes(s.subscription, name, ns)) ackedChanged = true;
  if (ackedChanged) s.acked = new Map([...s.acked].filter(([name]) => subscribes(s.subscription, name, ns)));
  s.cleanView = undefined;
}

/**
 * Envoy rejected the whole response and holds what it accepted before: `known` goes back to that,
 * so the other resources of the response are sent again with the next snapshot, and the rejected
 * versions are remembered so the same rejection is not provoked again before then.
 */
function revertRejected(s: DeltaTypeState, added: readonly ServedVersion[], removed: readonly string[]): void {
  for (const r of added) {
    s.refused.set(r.name, r.version);
    const before = s.acked.get(r.name);
    if (before === undefined) s.known.delete(r.name);
    else s.known.set(r.name, before.version);
  }
  for (const name of removed) {
    const before = s.acked.get(name);
    if (before !== undefined) s.known.set(name, before.version);
  }
  s.cleanView = undefined;
}

function applyAck(acked: ReadonlyMap<string, ServedVersion>, added: readonly ServedVersion[], removed: readonly string[]): ReadonlyMap<string, ServedVersion> {
  if (added.length === 0 && removed.length === 0) return acked;
  const next = new Map(acked);
  for (const r of added) next.set(r.name, r);
  for (const name of removed) next.delete(name);
  return next;
}
