// Small HTTP/1.1 upstreams for e2e tests: every answer names the backend that gave it and echoes the
// request, so a test can tell which backend Envoy picked and what headers reached it.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

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

/**
 * Starts backends named `names` (or "backend-0".."backend-<n-1>" for a count) on free ports.
 * Paths: /status/<code> answers with that status; /delay/<ms> answers 200 after waiting; anything
 * else answers 200. Every answer is a BackendReply and carries an `x-backend-name` header.
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
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests++;
      const path = req.url ?? "/";
      const reply: BackendReply = {
        name,
        port,
        method: req.method ?? "",
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      void answer(path).then(({ status }) => {
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
        server.close(() => resolveClose());
      }),
  };
}

async function answer(path: string): Promise<{ status: number }> {
  const pathname = path.split("?")[0] ?? "/";
  const status = /^\/status\/(\d{3})$/.exec(pathname);
  if (status?.[1] !== undefined) return { status: Number(status[1]) };
  const delay = /^\/delay\/(\d+)$/.exec(pathname);
  if (delay?.[1] !== undefined) await sleep(Math.min(Number(delay[1]), MAX_DELAY_MS));
  return { status: 200 };
}
