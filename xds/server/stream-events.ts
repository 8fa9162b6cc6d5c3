// What a stream state machine reports besides its responses: the server turns these into logs and metrics.
import type { ServedVersion } from "./stream-view.js";

/** A response was produced for a type. */
export interface PushEvent {
  readonly kind: "push";
  readonly typeUrl: string;
  readonly version: string;
  readonly nonce: string;
  /** Resources in the response (SotW: all of the subscription; delta: added or changed). */
  readonly resources: number;
  /** Names removed (delta only). */
  readonly removed: number;
}

/** Envoy accepted a response. */
export interface AckEvent {
  readonly kind: "ack";
  readonly typeUrl: string;
  readonly version: string;
  readonly nonce: string;
  /** The resources the accepted response carried (SotW: all of the subscription; delta: added or changed). */
  readonly resources: readonly ServedVersion[];
}

/** Envoy rejected a response; it keeps running `acceptedVersion`. */
export interface NackEvent {
  readonly kind: "nack";
  readonly typeUrl: string;
  /** The version Envoy rejected. */
  readonly version: string;
  /** The version Envoy still runs (empty if it never accepted one). */
  readonly acceptedVersion: string;
  readonly nonce: string;
  /** Envoy's error_detail.message. */
  readonly message: string;
  /** The resources of the rejected response that were new or changed: where the fault must be. */
  readonly rejected: readonly ServedVersion[];
  /** What Envoy held of the type before (and still holds), by name: the base to diff the rejected against. */
  readonly accepted: ReadonlyMap<string, ServedVersion>;
}

/** A request answered a response that is no longer the latest; ignored as the protocol says. */
export interface StaleNonceEvent {
  readonly kind: "stale-nonce";
  readonly typeUrl: string;
  readonly nonce: string;
}

/** A request for a type this server does not serve. */
export interface UnknownTypeEvent {
  readonly kind: "unknown-type";
  readonly typeUrl: string;
}

/** Anything a stream state machine reports. */
export type StreamEvent = PushEvent | AckEvent | NackEvent | StaleNonceEvent | UnknownTypeEvent;

/** The output of one step of a stream state machine: responses to send in order, and what happened. */
export interface StreamStep<Response> {
  readonly responses: Response[];
  readonly events: StreamEvent[];
}
