// Small HTTP/1.1 upstreams for e2e tests: every answer names the backend that gave it and echoes the
// request, so a test can tell which backend Envoy picked and what headers reached it. They also
// accept websockets (echoing frames) and say which paths they saw, for backends in another process.
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { echoWebSocket, websocketAccept } from "./websocket.js";

/** The JSON body every backend answers with. */
export interface BackendReply {
  /** The backend's name, e.g. "backend-0". */
  name: string;
  port: number;
  method: string;
  /** Path and query as received, e.g. "/status/503?x=1". */
  path: string;
  headers: IncomingHttpHeaders;
  /** The request body as text. */
  body: string;
}

/** What `/__requests?path=<path>` answers: how often this backend saw exactly that path and query. */
export interface RequestLogReply {
  name: string;
  /** Every request the backend answered, this one included. */
  total: number;
  path: string;
  count: number;
  /** The headers of the last request for the path, if any. */
  headers?: IncomingHttpHeaders;
}

/** One running backend. */
export interface Backend {
  readonly name: string;
  /** The address it listens on: 127.0.0.1 unless started elsewhere (see pod-backends.ts). */
  readonly host: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** How many requests it has answered. */
  requestCount(): number;
  close(): Promise<void>;
}

/** Longest /delay/<ms> honoured, so a typo cannot hang a test run. */
const MAX_DELAY_MS = 60_000;

/** Paths remembered for /__requests; the oldest are forgotten beyond this. */
const MAX_LOGGED_PATHS = 10_000;

/**
 * Starts backends named `names` (or "backend-0".."backend-<n-1>" for a count) on free ports.
 * Paths: /status/<code> answers with that status; /status-on/<name>/<code> answers <code> from the
 * backend named <name> and 200 from any other (a health check only one backend fails); /delay/<ms>
 * answers 200 after waiting; /delay-first/<n>/<ms> waits only for the first n requests of that exact
 * path and query, and /reset-first/<n> closes the connection without an answer for the first n (a
 * backend that times out or drops connections, then recovers: for retries); anything else answers 200. Every answer is a BackendReply and carries
 * an `x-backend-name` header, except /__requests?path=<path>, which answers a RequestLogReply.
 * A websocket upgrade is accepted and its frames echoed (see websocket.ts).
 */
export async function startBackends(names: number | readonly string[]): Promise<Backend[]> {
  const list = typeof names === "number" ? Array.from({ length: names }, (_, i) => `backend-${i}`) : [...names];
  const started: Backend[] = [];
  try {
    for (const name of list) started.push(await startBackend(name));
  } catch (err) {
    await Promise.all(started.map((b) => b.close()));
    throw err;
  }
  return started;
}

/** Starts one backend named `name` on a free port of `host` (default 127.0.0.1). */
export async function startBackend(name: string, host = "127.0.0.1"): Promise<Backend> {
  let requests = 0;
  let port = 0;
  const seen = new Map<string, { count: number; headers: IncomingHttpHeaders }>();
  const record = (req: IncomingMessage): void => {
    requests++;
    const path = req.url ?? "/";
    const previous = seen.get(path);
    seen.delete(path);
    seen.set(path, { count: (previous?.count ?? 0) + 1, headers: req.headers });
    if (seen.size > MAX_LOGGED_PATHS) seen.delete(seen.keys().next().value!);
  };
  const requestLog = (query: string): RequestLogReply => {
    const path = new URLSearchParams(query).get("path") ?? "";
    const entry = seen.get(path);
    return { name, total: requests, path, count: entry?.count ?? 0, ...(entry !== undefined ? { headers: entry.headers } : {}) };
  };
  const replyTo = (req: IncomingMessage, body: string): BackendReply => ({ name, port, method: req.method ?? "", path: req.url ?? "/", headers: req.headers, body });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      record(req);
      const path = req.url ?? "/";
      const [pathname = "/", query = ""] = path.split("?");
      if (pathname === "/__requests") {
        const body = JSON.stringify(requestLog(query));
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-backend-name": name });
        res.end(body);
        return;
      }
      // Counted per exact path and query: a spec makes each path unique to see "first n fail, then succeed".
      const seenBefore = (seen.get(path)?.count ?? 1) - 1;
      const resetFirst = /^\/reset-first\/(\d+)$/.exec(pathname);
      if (resetFirst?.[1] !== undefined && seenBefore < Number(resetFirst[1])) {
        // A connection error as a proxy sees it: the connection closes with no response at all.
        req.socket.destroy();
        return;
      }
      const reply = replyTo(req, Buffer.concat(chunks).toString("utf8"));
      void answer(path, name, seenBefore).then(({ status }) => {
        const body = JSON.stringify(reply);
        res.writeHead(status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-backend-name": name,
        });
        res.end(body);
      });
    });
  });
  // Upgraded sockets leave the HTTP server's bookkeeping: close() ends them itself.
  const upgraded = new Set<Duplex>();
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    record(req);
    upgraded.add(socket);
    socket.on("close", () => upgraded.delete(socket));
    // The peer (Envoy) may reset the connection at any time; that must not kill the backend.
    socket.on("error", () => socket.destroy());
    const key = req.headers["sec-websocket-key"];
    if (req.headers.upgrade?.toLowerCase() !== "websocket" || typeof key !== "string") {
      // Any other upgrade is answered as a plain request would be (without reading a body).
      void answer(req.url ?? "/", name, 0).then(({ status }) => socket.end(rawResponse(status, name, JSON.stringify(replyTo(req, "")))));
      return;
    }
    socket.write(
      ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${websocketAccept(key)}`, `x-backend-name: ${name}`, "", ""].join("\r\n"),
    );
    echoWebSocket(socket, head);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    // Port 0: the kernel picks, so backends cannot clash with anything.
    server.listen({ host, port: 0 }, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  return {
    name,
    host,
    port,
    url: `http://${host}:${port}`,
    requestCount: () => requests,
    close: () =>
      new Promise<void>((resolveClose) => {
        // Envoy keeps upstream connections open; close them or server.close() would wait for them.
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
}

/** An HTTP/1.1 response as bytes, closing the connection. */
function rawResponse(status: number, name: string, body: string): string {
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}`, "content-type: application/json", `content-length: ${Buffer.byteLength(body)}`, `x-backend-name: ${name}`, "connection: close"];
  return `${head.join("\r\n")}\r\n\r\n${body}`;
}

async function answer(path: string, name: string, seenBefore: number): Promise<{ status: number }> {
  const pathname = path.split("?")[0] ?? "/";
  const status = /^\/status\/(\d{3})$/.exec(pathname);
  if (status?.[1] !== undefined) return { status: Number(status[1]) };
  const statusOn = /^\/status-on\/([^/]+)\/(\d{3})$/.exec(pathname);
  if (statusOn?.[1] !== undefined && statusOn[2] !== undefined) return { status: statusOn[1] === encodeURIComponent(name) ? Number(statusOn[2]) : 200 };
  const delay = /^\/delay\/(\d+)$/.exec(pathname);
  if (delay?.[1] !== undefined) await sleep(Math.min(Number(delay[1]), MAX_DELAY_MS));
  const delayFirst = /^\/delay-first\/(\d+)\/(\d+)$/.exec(pathname);
  if (delayFirst?.[1] !== undefined && delayFirst[2] !== undefined && seenBefore < Number(delayFirst[1])) await sleep(Math.min(Number(delayFirst[2]), MAX_DELAY_MS));
  return { status: 200 };
}
