// Small pieces the plain node:http servers (ops, debug) share.
import type { Server, ServerResponse } from "node:http";

/** Answers with a status and a text body (none for HEAD), never cached. */
export function reply(res: ServerResponse, status: number, body: string, contentType = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/** Stops listening and ends open connections; resolves once closed (at once when never started). */
export function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (server === undefined) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
