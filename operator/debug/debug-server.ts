// The debug listener (upstream's --debug-http-address/--debug-http-port, 127.0.0.1:6060 by default):
// /debug/dag draws the routing model as Graphviz DOT, /debug/pprof/profile and /debug/pprof/heap take
// CPU and heap profiles on demand. Its own listener, on loopback by default, because it shows every route
// and can slow the process: it must not share the port that Prometheus and the kubelet reach.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Model } from "../../controllers/model/model.js";
import type { Logger } from "../log.js";
import { closeServer, reply } from "../http/plain-http.js";
import { modelToDot, type DotListeners } from "./dag-dot.js";
import { createProfiler, MAX_PROFILE_SECONDS, ProfilerBusy } from "./profiles.js";

/** Options of createDebugServer. */
export interface DebugServerOptions {
  readonly address: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** The current routing model (the last one built). */
  readonly model: () => Model;
  readonly listeners: DotListeners;
  readonly log: Logger;
}

/** The running debug server. */
export interface DebugServer {
  /** Listens; resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

const INDEX = `contour debug endpoints
/debug/dag                      the routing model as Graphviz DOT (curl .../debug/dag | dot -Tsvg > dag.svg)
/debug/pprof/profile?seconds=N  a CPU profile of N seconds (default 30, at most ${MAX_PROFILE_SECONDS}): .cpuprofile JSON for Chrome DevTools
/debug/pprof/heap               a V8 heap snapshot: .heapsnapshot JSON for Chrome DevTools
`;

/** Creates the debug server. */
export function createDebugServer(options: DebugServerOptions): DebugServer {
  const { log } = options;
  const profiler = createProfiler();
  let server: Server | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET") return reply(res, 405, "method not allowed\n");
    switch (url.pathname) {
      case "/debug/dag":
        return reply(res, 200, modelToDot(options.model(), options.listeners), "text/vnd.graphviz; charset=utf-8");
      case "/debug/pprof/profile": {
        const seconds = Number(url.searchParams.get("seconds") ?? "30");
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_PROFILE_SECONDS) return reply(res, 400, `seconds must be a number in (0, ${MAX_PROFILE_SECONDS}]\n`);
        log.info({ seconds }, "taking a CPU profile");
        const profile = await profiler.cpuProfile(seconds);
        res.writeHead(200, { "content-type": "application/json", "content-disposition": 'attachment; filename="contour.cpuprofile"', "cache-control": "no-store" });
        res.end(profile);
        return;
      }
      case "/debug/pprof/heap": {
        log.info("taking a heap snapshot");
        res.writeHead(200, { "content-type": "application/json", "content-disposition": 'attachment; filename="contour.heapsnapshot"', "cache-control": "no-store" });
        await profiler.heapSnapshot((chunk) => void res.write(chunk));
        res.end();
        return;
      }
      case "/debug/pprof/":
      case "/debug/pprof":
      case "/debug/":
      case "/debug":
        return reply(res, 200, INDEX);
      default:
        return reply(res, 404, "not found\n");
    }
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        const s = createServer((req, res) => {
          handle(req, res).catch((err: unknown) => {
            if (err instanceof ProfilerBusy) return reply(res, 409, `${err.message}\n`);
            log.error({ err, url: req.url }, "debug request failed");
            if (!res.headersSent) reply(res, 500, "internal error\n");
            else res.destroy();
          });
        });
        s.once("error", reject);
        s.listen(options.port, options.address, () => {
          s.off("error", reject);
          server = s;
          const port = (s.address() as AddressInfo).port;
          log.info({ address: options.address, port }, "serving /debug/dag and /debug/pprof");
          resolve(port);
        });
      });
    },
    stop: () => closeServer(server),
  };
}

