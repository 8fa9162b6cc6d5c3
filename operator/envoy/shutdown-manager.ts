// `contour envoy shutdown-manager`: the sidecar whose /shutdown is the Envoy container's preStop hook.
// It answers once the ready file exists, which `contour envoy shutdown` (the sidecar's own preStop,
// another process) writes when Envoy has drained: a file because the two run in different processes.
import { stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.js";

/** Options of startShutdownManager. */
export interface ShutdownManagerOptions {
  /** Port of /healthz and /shutdown (upstream: 8090). */
  readonly port: number;
  /** Default: all interfaces, as upstream (the kubelet calls it on the pod's IP). */
  readonly address?: string;
  readonly readyFile: string;
  /** How often /shutdown looks for the ready file; default 1 s as upstream. */
  readonly checkIntervalMs?: number;
  readonly log: Logger;
}

/** A running shutdown manager. */
export interface ShutdownManager {
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server; resolves once it listens. */
export async function startShutdownManager(options: ShutdownManagerOptions): Promise<ShutdownManager> {
  const { log, readyFile } = options;
  const interval = options.checkIntervalMs ?? 1_000;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("OK");
      return;
    }
    if (path !== "/shutdown") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    // The kubelet gives up on the hook at the end of the grace period: stop looking when it hangs up.
    res.on("close", () => {
      if (!done) log.info("client request cancelled");
      done = true;
      if (timer !== undefined) clearTimeout(timer);
    });
    const check = async (): Promise<void> => {
      if (done) return;
      try {
        await stat(readyFile);
        log.info({ readyFile }, "detected the ready file; answering /shutdown");
        done = true;
        res.writeHead(200, { "content-type": "text/plain" }).end("OK");
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") log.error({ err, readyFile }, "error checking for the ready file");
        else log.info({ readyFile, checkAgainInMs: interval }, "the ready file does not exist yet");
      }
      timer = setTimeout(() => void check(), interval);
    };
    void check();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.address, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, readyFile }, "started envoy shutdown manager");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
