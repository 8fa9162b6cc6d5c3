// Requests to Envoy's admin interface, on its unix socket (upstream's layout) or on a TCP address.
import http from "node:http";

/** Where Envoy's admin interface listens. */
export type AdminTarget = { readonly socketPath: string } | { readonly host: string; readonly port: number };

/** The status and body of one admin response. */
export interface AdminResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends one request to the admin interface; rejects on a connection error or after `timeoutMs`. */
export function adminRequest(target: AdminTarget, method: "GET" | "POST", path: string, timeoutMs = 5_000): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const where = "socketPath" in target ? { socketPath: target.socketPath } : { host: target.host, port: target.port };
    const req = http.request({ ...where, method, path, timeout: timeoutMs, agent: false, headers: { host: "envoy-admin" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer from Envoy's admin within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** A target for messages: the socket path, or host:port. */
export function describeTarget(target: AdminTarget): string {
  return "socketPath" in target ? target.socketPath : `${target.host}:${target.port}`;
}
