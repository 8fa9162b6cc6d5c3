// The binary encoding of a message that the translator already encoded to check it, kept for the
// snapshot: a cold build of 100,000 Ingresses would otherwise encode every cluster and virtual host
// twice. Keyed by the message object, weakly, so an encoding lives exactly as long as its message;
// messages are immutable once built (the snapshot relies on that already to reuse encodings).
import { toBinary, type DescMessage, type Message, type MessageShape } from "@bufbuild/protobuf";

const encodings = new WeakMap<Message, Uint8Array>();

/** Encodes a message and remembers the bytes for encodingOf; throws what toBinary throws. */
export function encodeAndRemember<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  let bytes = encodings.get(message);
  if (bytes === undefined) {
    bytes = toBinary(schema, message);
    encodings.set(message, bytes);
  }
  return bytes;
}

/** The encoding remembered for this very message object, if any. */
export function encodingOf(message: Message): Uint8Array | undefined {
  return encodings.get(message);
}
