// The operations endpoint: /healthz (can we reach the API server), /readyz (have we synced and built the
// first snapshot), /metrics (Prometheus). Plain node:http (node:https with the config file's
// metrics.contour TLS): three routes do not need a framework.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "../log.js";
import { closeServer, reply } from "./plain-http.js";

/** Options of createOpsServer. */
export interface OpsServerOptions {
  address: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Liveness: e.g. createApiServerHealthCheck. Concurrent probes share one run. */
  healthCheck: () => Promise<boolean>;
  registry: Registry;
  log: Logger;
  /** Lines appended to a ready /readyz (e.g. kinds RBAC hides): ready, but not everything is seen. */
  readyDetails?: () => readonly string[];
  /** HTTPS with this certificate; with `ca`, clients must present a certificate it signed (upstream's metrics TLS). */
  tls?: { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer };
}

/** The running server. */
export interface OpsServer {
  /** Listens; resolves with the bound port. */
  start(): Promise<number>;
  /** Marks the process ready (informers synced and first snapshot built) or not (shutting down). */
  setReady(ready: boolean): void;
  /**
   * Sets (or, with undefined, clears) a line /readyz reports under `name` without changing its
   * status code: a degradation worth seeing (a failing rebuild) that is no reason to stop serving.
   */
  setDetail(name: string, detail: string | undefined): void;
  stop(): Promise<void>;
}

/** Creates the /healthz, /readyz and /metrics server. */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const { registry, log } = options;
  let ready = false;
  const details = new Map<string, string>();
  let running: Promise<boolean> | undefined;
  let server: Server | undefined;

  // Kubelet and humans may probe at once; one check at a time is enough and spares the API server.
  function checkHealth(): Promise<boolean> {
    running ??= options.healthCheck().catch(() => false).finally(() => (running = undefined));
    return running;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return reply(res, 405, "method not allowed\n");
    switch (path) {
      case "/healthz": {
        const ok = await checkHealth();
        return reply(res, ok ? 200 : 503, ok ? "ok\n" : "the API server is unreachable\n");
      }
      case "/readyz": {
        // Lines of the readyDetails provider (ready only), then the details set by name.
        const provided = ready ? (options.readyDetails?.() ?? []) : [];
        const named = [...details].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, detail]) => `${name}: ${detail}`);
        const extra = [...provided, ...named].map((line) => `${line}\n`).join("");
        return reply(res, ready ? 200 : 503, (ready ? "ok\n" : "not ready: waiting for informers to sync and the first snapshot\n") + extra);
      }
      case "/metrics": {
        const body = await registry.metrics();
        return reply(res, 200, body, registry.contentType);
      }
      default:
        return reply(res, 404, "not found\n");
    }
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        const listener: RequestListener = (req, res) => {
          handle(req, res).catch((err: unknown) => {
            log.error({ err, url: req.url }, "ops request failed");
            if (!res.headersSent) reply(res, 500, "internal error\n");
          });
        };
        const tls = options.tls;
        const s: Server =
          tls === undefined
            ? createServer(listener)
            : createHttpsServer({ cert: tls.cert, key: tls.key, ...(tls.ca === undefined ? {} : { ca: tls.ca, requestCert: true, rejectUnauthorized: true }) }, listener);
        s.once("error", reject);
        s.listen(options.port, options.address, () => {
          s.off("error", reject);
          server = s;
          const port = (s.address() as AddressInfo).port;
          log.info({ address: options.address, port, tls: tls !== undefined, clientCertificates: tls?.ca !== undefined }, "serving /healthz, /readyz and /metrics");
          resolve(port);
        });
      });
    },
    setDetail(name, detail) {
      if (detail === undefined) details.delete(name);
      else details.set(name, detail.replace(/\s+/g, " ").slice(0, 1024));
    },
    setReady(value) {
      if (value !== ready) log.info({ ready: value }, "readiness changed");
      ready = value;
    },
    stop: () => closeServer(server),
  };
}

