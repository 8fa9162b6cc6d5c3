// Just enough RFC 6455 for e2e tests, with no dependency: the handshake's accept key, frames
// encoded and decoded (lengths up to 2^53, masked or not), and an echo loop for backends. No
// fragmentation or extensions: tests send small single frames.
import { createHash } from "node:crypto";
import type { Duplex } from "node:stream";

/** RFC 6455 §1.3: the GUID appended to Sec-WebSocket-Key before hashing. */
const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Frame opcodes used here (RFC 6455 §5.2). */
export const WebSocketOpcode = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One decoded frame; the payload is unmasked. */
export interface WebSocketFrame {
  readonly fin: boolean;
  readonly opcode: number;
  /** Whether the sender masked it (clients must, servers must not). */
  readonly masked: boolean;
  readonly payload: Buffer;
}

/** The Sec-WebSocket-Accept value for a Sec-WebSocket-Key. */
export function websocketAccept(key: string): string {
  return createHash("sha1").update(key + HANDSHAKE_GUID).digest("base64");
}

/** Encodes one final frame; pass a 4-byte `mask` for a client frame (RFC 6455 §5.3), none for a server's. */
export function encodeWebSocketFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const headerLength = 2 + lengthBytes + (mask === undefined ? 0 : 4);
  const frame = Buffer.alloc(headerLength + length);
  frame[0] = 0x80 | (opcode & 0x0f);
  frame[1] = (mask === undefined ? 0 : 0x80) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) frame.writeUInt16BE(length, 2);
  if (lengthBytes === 8) frame.writeBigUInt64BE(BigInt(length), 2);
  if (mask === undefined) {
    payload.copy(frame, headerLength);
  } else {
    mask.copy(frame, 2 + lengthBytes, 0, 4);
    for (let i = 0; i < length; i++) frame[headerLength + i] = payload[i]! ^ mask[i % 4]!;
  }
  return frame;
}

/** Splits a byte stream into frames: push() each chunk and get the frames it completed. */
export function createWebSocketFrameReader(): { push(chunk: Buffer): WebSocketFrame[] } {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const frames: WebSocketFrame[] = [];
      for (;;) {
        const decoded = decodeFrame(pending);
        if (decoded === undefined) break;
        frames.push(decoded.frame);
        pending = pending.subarray(decoded.length);
      }
      return frames;
    },
  };
}

function decodeFrame(buf: Buffer): { frame: WebSocketFrame; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const masked = (buf[1]! & 0x80) !== 0;
  let length = buf[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskKey = masked ? buf.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (buf.length < offset + length) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (maskKey !== undefined) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ maskKey[i % 4]!;
  return { frame: { fin: (buf[0]! & 0x80) !== 0, opcode: buf[0]! & 0x0f, masked, payload }, length: offset + length };
}

/**
 * Serves an accepted websocket as a server: text and binary frames come back unmasked with the same
 * payload, a ping gets its pong, a close is answered with a close and the end of the connection.
 */
export function echoWebSocket(socket: Duplex, head: Buffer): void {
  const reader = createWebSocketFrameReader();
  const onData = (chunk: Buffer): void => {
    for (const frame of reader.push(chunk)) {
      if (frame.opcode === WebSocketOpcode.text || frame.opcode === WebSocketOpcode.binary) {
        socket.write(encodeWebSocketFrame(frame.opcode, frame.payload));
      } else if (frame.opcode === WebSocketOpcode.ping) {
        socket.write(encodeWebSocketFrame(WebSocketOpcode.pong, frame.payload));
      } else if (frame.opcode === WebSocketOpcode.close) {
        socket.end(encodeWebSocketFrame(WebSocketOpcode.close, frame.payload.subarray(0, 2)));
        return;
      }
    }
  };
  socket.on("data", onData);
  if (head.length > 0) onData(head);
}
