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

// client-node builds a new https.Agent on every applyToHTTPSOptions call, so each request would pay for
// a TLS handshake (a third of the controller's CPU under a burst of status writes). One keep-alive agent
// per kubeconfig and TLS identity is reused instead; new client certificates get a new agent.
const agents = new WeakMap<KubeConfig, { identity: string; agent: https.Agent }>();

function keepAliveAgent(kubeConfig: KubeConfig, fresh: https.RequestOptions["agent"]): https.RequestOptions["agent"] {
  if (!(fresh instanceof https.Agent)) return fresh;
  const tls = fresh.options;
  const identity = [tls.ca, tls.cert, tls.key, tls.pfx, tls.passphrase, tls.rejectUnauthorized, tls.servername].map((v) => String(v)).join("\0");
  const known = agents.get(kubeConfig);
  if (known !== undefined && known.identity === identity) return known.agent;
  // Requests may still be using the old agent: close its sockets a while later.
  if (known !== undefined) setTimeout(() => known.agent.destroy(), 60_000).unref();
  const agent = new https.Agent({ ...tls, keepAlive: true, maxSockets: 16 });
  agents.set(kubeConfig, { identity, agent });
  return agent;
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
  if (url.protocol === "https:") options.agent = keepAliveAgent(kubeConfig, options.agent);
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
