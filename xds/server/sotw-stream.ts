// The state-of-the-world protocol of one stream (ADS or a single-type xDS stream), without I/O:
// requests and snapshots in, responses and events out.
import { create } from "@bufbuild/protobuf";
import { hashPairs } from "../cache/hash.js";
import { type ResourceType, lookupResourceType } from "../cache/resource-types.js";
import type { Snapshot } from "../cache/snapshot.js";
import { type DiscoveryRequest, type DiscoveryResponse, DiscoveryResponseSchema } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { type TypeStateBase, createStreamCore, initialTypeState } from "./stream-core.js";
import type { StreamEvent, StreamStep } from "./stream-events.js";
import type { ServedVersion, TypeView } from "./stream-view.js";
import { sotwSubscription } from "./subscription.js";

interface SotwTypeState extends TypeStateBase {
  /** The version of the latest response (or the version Envoy reported on reconnect): resend only when the view's differs. */
  sentVersion: string | undefined;
  /** The content of the response in flight: becomes `acked` on ACK. */
  pendingContent: ReadonlyMap<string, ServedVersion>;
  pendingVersion: string;
  /** Envoy reconnected holding `sentVersion` but we have not yet seen which resources that is. */
  ackedUnknown: boolean;
  /** The version Envoy last reported running. */
  acceptedVersion: string;
  /** Names to send again even though the view is unchanged (endpoints of a re-created cluster). */
  forced: Set<string>;
  /** The latest response's content, less what Envoy unsubscribed from since: what it still has. */
  held: ReadonlyMap<string, ServedVersion>;
}

/** Options of createSotwStream. */
export interface SotwStreamOptions {
  /** For single-type services: the type of requests that leave type_url empty. */
  readonly defaultTypeUrl?: string | undefined;
}

/** One SotW stream's protocol state. */
export interface SotwStream {
  /** Handles one DiscoveryRequest (initial, ACK, NACK or subscription change). */
  handleRequest(request: DiscoveryRequest): StreamStep<DiscoveryResponse>;
  /** Switches to a newly published snapshot. */
  handleSnapshot(snapshot: Snapshot): StreamStep<DiscoveryResponse>;
  /** The Envoy node id, once a request carried it. */
  nodeId(): string;
  /** The version Envoy last reported running for a type ("" if none). */
  acceptedVersion(typeUrl: string): string;
}

/** Creates the state machine of one SotW stream. */
export function createSotwStream(options: SotwStreamOptions = {}): SotwStream {
  let nodeId = "";
  const core = createStreamCore<SotwTypeState, true, DiscoveryResponse>({
    newState: (type) => ({
      ...initialTypeState(type),
      sentVersion: undefined,
      pendingContent: new Map(),
      pendingVersion: "",
      ackedUnknown: false,
      acceptedVersion: "",
      forced: new Set(),
      held: new Map(),
    }),
    diff(state, view) {
      for (const name of state.forced) if (view.resources.has(name)) return true;
      if (view.version === state.sentVersion) return undefined;
      if (state.sentVersion === undefined || state.subscription.wildcard) return true;
      // Envoy dropping names from an EDS/RDS subscription needs no answer: what it still holds is
      // current. (Only listeners and clusters must be resent whole.)
      for (const r of view.resources.values()) if (state.held.get(r.name)?.version !== r.version) return true;
      return undefined;
    },
    send(state, _plan, nonce, view) {
      const resources = [];
      const changed: ServedVersion[] = [];
      for (const r of view.resources.values()) {
        if (r.any !== undefined) resources.push(r.any);
        if (state.acked.get(r.name)?.version !== r.version) changed.push(r);
      }
      state.forced.clear();
      state.held = view.resources;
      state.sentVersion = view.version;
      state.pendingContent = view.resources;
      state.pendingVersion = view.version;
      const response = create(DiscoveryResponseSchema, { versionInfo: view.version, resources, typeUrl: state.type.typeUrl, nonce });
      return { response, event: { kind: "push", typeUrl: state.type.typeUrl, version: view.version, nonce, resources: resources.length, removed: 0 }, changed };
    },
    force(state, names) {
      for (const name of names) state.forced.add(name);
    },
  });

  const requestedTypes = new Set<ResourceType>();
  const settleReconnect = (): void => {
    // Envoy came back holding a version; if it is what we would send, we now know what it holds.
    for (const type of requestedTypes) {
      const s = core.state(type);
      if (!s.ackedUnknown) continue;
      const view: TypeView = core.view(s);
      if (view.version === s.sentVersion) {
        s.acked = view.resources;
        s.held = view.resources;
        s.ackedUnknown = false;
      }
    }
  };

  const step = (events: StreamEvent[]): StreamStep<DiscoveryResponse> => {
    if (core.snapshot() !== undefined) settleReconnect();
    return core.evaluate(events);
  };

  return {
    handleRequest(request) {
      if (nodeId === "" && request.node !== undefined) nodeId = request.node.id;
      const typeUrl = request.typeUrl !== "" ? request.typeUrl : (options.defaultTypeUrl ?? "");
      const type = lookupResourceType(typeUrl);
      if (type === undefined) return { responses: [], events: [{ kind: "unknown-type", typeUrl }] };
      const s = core.state(type);
      const events: StreamEvent[] = [];
      if (!s.requested || request.responseNonce === "") {
        // First request for the type on this stream. A nonce from an earlier stream means nothing here.
        s.requested = true;
        requestedTypes.add(type);
        s.pendingNonce = undefined;
        s.acceptedVersion = request.versionInfo;
        s.sentVersion = request.versionInfo !== "" ? request.versionInfo : undefined;
        s.ackedUnknown = request.versionInfo !== "";
      } else if (request.responseNonce !== s.lastNonce) {
        // Answers a superseded response: Envoy will answer the latest one with its full state.
        return { responses: [], events: [{ kind: "stale-nonce", typeUrl, nonce: request.responseNonce }] };
      } else if (s.pendingNonce !== undefined) {
        if (request.errorDetail !== undefined) {
          s.rejected = true;
          const acked = s.acked;
          events.push({
            kind: "nack",
            typeUrl,
            version: s.pendingVersion,
            acceptedVersion: request.versionInfo,
            nonce: request.responseNonce,
            message: request.errorDetail.message,
            rejected: [...s.pendingContent.values()].filter((r) => acked.get(r.name)?.version !== r.version),
            accepted: acked,
          });
        } else {
          s.rejected = false;
          s.acked = s.pendingContent;
          s.ackedUnknown = false;
          core.recordAck();
          events.push({ kind: "ack", typeUrl, version: request.versionInfo, nonce: request.responseNonce, resources: [...s.pendingContent.values()] });
        }
        s.acceptedVersion = request.versionInfo;
        s.pendingNonce = undefined;
      }
      const before = s.subscription;
      s.subscription = sotwSubscription(type, request.resourceNames, s.subscription);
      if (s.subscription !== before && !s.subscription.wildcard && s.sentVersion !== undefined) {
        const kept = [...s.held].filter(([name]) => s.subscription.names.has(name));
        if (kept.length !== s.held.size) {
          // Envoy dropped these; from now on its state is what remains.
          s.held = new Map(kept);
          s.sentVersion = hashPairs(kept.map(([name, r]) => [name, r.version] as const));
        }
      }
      return step(events);
    },
    handleSnapshot(snapshot) {
      core.setSnapshot(snapshot);
      return step([]);
    },
    nodeId: () => nodeId,
    acceptedVersion(typeUrl) {
      const type = lookupResourceType(typeUrl);
      return type === undefined ? "" : core.state(type).acceptedVersion;
    },
  };
}
