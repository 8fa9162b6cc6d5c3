// Plain JSON requests to the API server, authenticated from a KubeConfig. The informers list with it so
// that listed objects have exactly the shape of watched ones (client-node's typed list calls turn
// timestamps into Dates and drop fields they do not know, which would make reconcilers see two shapes).
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeError } from "./kube-error.js";

/** One API request. */
export interface KubeRequest {
  method?: "GET" | "PUT" | "POST" | "DELETE";
  /** Absolute API path, e.g. /api/v1/namespaces/default/services. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Abort after this long; default 30 s. */
  timeoutMs?: number;
}

/** Sends a request and resolves with the parsed JSON body; a non-2xx answer rejects with a KubeError. */
export async function kubeRequest<T = unknown>(kubeConfig: KubeConfig, request: KubeRequest): Promise<T> {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new KubeError("the kubeconfig has no current cluster", undefined);
  const url = new URL(cluster.server.replace(/\/+$/, "") + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const options: https.RequestOptions = {
    method: request.method ?? "GET",
    headers: { accept: "application/json", ...(payload === undefined ? {} : { "content-type": "application/json" }) },
  };
  // Applied per request: token files and exec plugins rotate credentials.
  await kubeConfig.applyToHTTPSOptions(options);
  const transport = url.protocol === "http:" ? http : https;
  const timeoutMs = request.timeoutMs ?? 30_000;
  const what = `${options.method} ${request.path}`;

  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (err) => reject(new KubeError(`${what}: ${err.message}`, undefined, undefined, { cause: err })));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", (err) => reject(new KubeError(`${what}: ${err.message}`, undefined, undefined, { cause: err })));
    req.end(payload);
  });

  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status < 200 || status >= 300) {
    const statusBody = (body ?? {}) as { message?: unknown; reason?: unknown };
    const message = typeof statusBody.message === "string" ? statusBody.message : text.slice(0, 500) || `HTTP ${status}`;
    throw new KubeError(`${what}: ${message}`, status, typeof statusBody.reason === "string" ? statusBody.reason : undefined);
  }
  return body as T;
}
