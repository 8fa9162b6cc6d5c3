// HTTPProxy websockets through a real Envoy: a route with enableWebsockets lets an HTTP/1.1
// `Upgrade: websocket` handshake through to the backend (101) and frames flow both ways; the same
// handshake on a route without it is refused by Envoy and never reaches the backend.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { before, describe, it } from "mocha";
import type { HTTPProxy } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy } from "../fixtures/contour-objects.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import {
  createWebSocketFrameReader,
  encodeWebSocketFrame,
  httpGet,
  waitFor,
  websocketAccept,
  WebSocketOpcode,
  type RequestLogReply,
  type WebSocketFrame,
} from "../harness/index.js";

const NS = "sockets";
const HOST = "ws.example.com";

/** The answer to a websocket handshake and, after a 101, the open connection. */
interface Handshake {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The Sec-WebSocket-Key sent. */
  readonly key: string;
  /** Sends one masked frame, as a client must. */
  send(opcode: number, payload: Buffer): void;
  /** The next frame from the server, or a rejection after `timeoutMs`. */
  nextFrame(timeoutMs?: number): Promise<WebSocketFrame>;
  /** Resolves when the server has closed the connection. */
  ended(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

/** Sends a websocket handshake for `host` + `path` to 127.0.0.1:`port` over a fresh connection. */
function openWebSocket(port: number, host: string, path: string, timeoutMs = 3000): Promise<Handshake> {
  const key = randomBytes(16).toString("base64");
  const socket: Socket = connect({ host: "127.0.0.1", port });
  const reader = createWebSocketFrameReader();
  const frames: WebSocketFrame[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  let head: Buffer = Buffer.alloc(0);
  let handshake: Handshake | undefined;

  const waitUntil = async <T>(take: () => T | undefined, what: string, ms: number): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  return new Promise<Handshake>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no handshake answer from ${host}${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
      closed = true;
      notify();
    });
    socket.on("close", () => {
      closed = true;
      notify();
    });
    socket.on("data", (chunk: Buffer) => {
      if (handshake !== undefined) {
        frames.push(...reader.push(chunk));
        notify();
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      clearTimeout(timer);
      const [statusLine = "", ...lines] = head.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = Number(/^HTTP\/1\.1 (\d{3})/u.exec(statusLine)?.[1] ?? 0);
      handshake = {
        status,
        headers,
        key,
        send: (opcode, payload) => void socket.write(encodeWebSocketFrame(opcode, payload, randomBytes(4))),
        nextFrame: (ms = 3000) => waitUntil(() => frames.shift() ?? (closed ? failClosed() : undefined), "a websocket frame", ms),
        ended: (ms = 3000) => waitUntil(() => (closed ? true : undefined), "the server to close the connection", ms).then(() => undefined),
        destroy: () => socket.destroy(),
      };
      // After a 101 whatever followed the head is already websocket frames.
      if (status === 101) frames.push(...reader.push(head.subarray(end + 4)));
      resolve(handshake);
    });
    socket.write(
      [`GET ${path} HTTP/1.1`, `Host: ${host}`, "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Key: ${key}`, "Sec-WebSocket-Version: 13", "", ""].join("\r\n"),
    );
  });
}

function failClosed(): never {
  throw new Error("the connection closed before the next frame arrived");
}

describe("HTTPProxy: websockets through Envoy", function () {
  const ctx = useStack({ pods: ["ws-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  const open = (path: string): Promise<Handshake> => openWebSocket(ctx.stack.envoyPorts.http, HOST, path);

  before(async function () {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createHTTPProxy(kc(), NS, "ws", {
      virtualhost: { fqdn: HOST },
      routes: [
        { conditions: [{ prefix: "/ws" }], services: [{ name: "echo", port: 80 }], enableWebsockets: true },
        { conditions: [{ prefix: "/plain" }], services: [{ name: "echo", port: 80 }] },
      ],
    });
    let last: HTTPProxy | undefined;
    await waitFor(
      async () => {
        last = await readHTTPProxy(kc(), NS, "ws");
        return last.status?.currentStatus === "valid";
      },
      { timeoutMs: 20_000, description: () => `${NS}/ws to be valid (status: ${JSON.stringify(last?.status)})` },
    );
    // Plain requests work on both routes before any upgrade is tried.
    await ctx.stack.waitForHttp(HOST, "/ws", (r) => r.status === 200, `${HOST}/ws to be served`);
    await ctx.stack.waitForHttp(HOST, "/plain", (r) => r.status === 200, `${HOST}/plain to be served`);
  });

  it("upgrades on a route with enableWebsockets (101) and echoes text, binary, ping and close frames", async () => {
    const ws = await open("/ws/chat");
    try {
      assert.equal(ws.status, 101, JSON.stringify(ws.headers));
      assert.equal(ws.headers["upgrade"]?.toLowerCase(), "websocket");
      assert.equal(ws.headers["sec-websocket-accept"], websocketAccept(ws.key), "the backend's RFC 6455 answer reached the client");
      assert.equal(ws.headers["x-backend-name"], "ws-1");

      ws.send(WebSocketOpcode.text, Buffer.from("hello through Envoy"));
      const text = await ws.nextFrame();
      assert.deepEqual([text.opcode, text.masked, text.payload.toString("utf8")], [WebSocketOpcode.text, false, "hello through Envoy"]);

      // Past 65535 bytes: the 64-bit length form, and more than one read on each side.
      const big = randomBytes(70_000);
      ws.send(WebSocketOpcode.binary, big);
      const echoed = await ws.nextFrame();
      assert.equal(echoed.opcode, WebSocketOpcode.binary);
      assert.ok(echoed.payload.equals(big), "the binary payload came back unchanged");

      ws.send(WebSocketOpcode.ping, Buffer.from("are you there"));
      const pong = await ws.nextFrame();
      assert.deepEqual([pong.opcode, pong.payload.toString("utf8")], [WebSocketOpcode.pong, "are you there"]);

      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      ws.send(WebSocketOpcode.close, code);
      const close = await ws.nextFrame();
      assert.deepEqual([close.opcode, close.payload.readUInt16BE(0)], [WebSocketOpcode.close, 1000]);
      await ws.ended();
    } finally {
      ws.destroy();
    }
  });

  it("does not upgrade on a route without enableWebsockets: Envoy refuses and the backend never sees it", async () => {
    const path = `/plain/${randomUUID()}`;
    const ws = await open(path);
    ws.destroy();
    assert.notEqual(ws.status, 101);
    assert.equal(ws.status, 403, `Envoy refuses an upgrade the route does not allow (headers: ${JSON.stringify(ws.headers)})`);
    assert.equal(ws.headers["x-backend-name"], undefined);
    const pod = ctx.stack.bed.pods[0]!;
    const seen = (await httpGet(`${pod.url}/__requests?path=${encodeURIComponent(path)}`, { timeoutMs: 3000 })).json<RequestLogReply>();
    assert.equal(seen.count, 0, "the handshake never reached the backend");
  });

  it("ends with Envoy having accepted every update", async () => {
    await assertNoRejectedUpdates(ctx.stack.envoy);
  });
});
