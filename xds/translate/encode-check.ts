/**
 * Encoding checks of single translated pieces (a virtual host, a filter chain, a cluster, a secret):
 * protobuf refuses values outside a field's range (a weight of 2^32 in a UInt32Value) only when it
 * encodes, and the snapshot encodes whole resources. Checking each piece as it is built lets one
 * bad piece be left out, and named, instead of failing the resource every tenant shares.
 */
import { toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { SourceRef } from "../../controllers/model/model.js";
import { encodeAndRemember } from "../cache/remembered-encoding.js";

/** What could not be encoded: the piece, the objects it came from (when known), and protobuf's error. */
export interface TranslationFailure {
  /** The kind of piece: a virtual host (per listener), a TLS or TCP filter chain, a cluster or a secret. */
  readonly piece: "virtualHost" | "filterChain" | "cluster" | "secret";
  /** The virtual host's or filter chain's fqdn, or the cluster's or secret's name. */
  readonly name: string;
  /** The source objects of the routes that failed; empty when the piece does not say (clusters, secrets). */
  readonly sources: readonly SourceRef[];
  /** Protobuf's error, e.g. `cannot encode field google.protobuf.UInt32Value.value to binary: invalid uint32`. */
  readonly message: string;
}

/** The encoding error of a message, or undefined when it encodes. */
export function encodeError<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string | undefined {
  try {
    toBinary(schema, message);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The encoding error of a message, or undefined when it encodes; the bytes are kept for the snapshot (remembered-encoding.ts). */
export function encodeErrorRemembering<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string | undefined {
  try {
    encodeAndRemember(schema, message);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Each source once, in first-seen order. */
export function uniqueSources(sources: Iterable<SourceRef>): SourceRef[] {
  const seen = new Map<string, SourceRef>();
  for (const s of sources) {
    const k = `${s.kind}/${s.namespace}/${s.name}`;
    if (!seen.has(k)) seen.set(k, { kind: s.kind, namespace: s.namespace, name: s.name });
  }
  return [...seen.values()];
}
