// The kubelet's HTTPS endpoint, for what kube-apiserver asks of a node: GET /containerLogs/<ns>/<pod>/<container>
// (kubectl logs: sinceTime, sinceSeconds, tailLines, timestamps, limitBytes, previous, follow) and /healthz.
// Clients must present a certificate of the kubelet CA, as the API server's --kubelet-client-certificate is.
import { statSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { formatLines, parseLogQuery, readLog, selectLines, type LogLine } from "./container-log.js";
import type { KeyPair } from "./certs.js";

/** Finds the log of a container. */
export interface LogSource {
  /** The log file, or a reason it has none (unknown pod, container not started). */
  find(namespace: string, pod: string, container: string, previous: boolean): { path: string; running: () => boolean } | { error: string };
}

/** Starts the endpoint on host:port (0 = any free port). */
export async function startLogServer(host: string, port: number, tls: KeyPair, caPem: string, source: LogSource): Promise<{ server: Server; port: number }> {
  const server = createServer({ key: tls.keyPem, cert: tls.certPem, ca: caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://kubelet");
    if (url.pathname === "/healthz") {
      res.end("ok");
      return;
    }
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method !== "GET" || match === null) {
      res.writeHead(404).end(`the e2e kubelet does not serve ${req.method} ${url.pathname}\n`);
      return;
    }
    const [, namespace = "", pod = "", container = ""] = match.map((m) => decodeURIComponent(m));
    const found = source.find(namespace, pod, container, url.searchParams.get("previous") === "true");
    if ("error" in found) {
      res.writeHead(400, { "content-type": "text/plain" }).end(`${found.error}\n`);
      return;
    }
    const query = parseLogQuery(url.searchParams);
    const limit = query.limitBytes;
    let sent = 0;
    const send = (text: string): boolean => {
      const room = limit === undefined ? text.length : Math.max(0, limit - sent);
      const part = Buffer.from(text).subarray(0, room);
      sent += part.length;
      if (part.length > 0) res.write(part);
      return limit === undefined || sent < limit;
    };
    res.writeHead(200, { "content-type": "text/plain" });
    const lines = readLog(found.path);
    if (!send(formatLines(selectLines(lines, query), query)) || url.searchParams.get("follow") !== "true") {
      res.end();
      return;
    }
    // follow: poll the file for lines past those already sent until the container stops or the client goes.
    let offset = lines.length;
    let lastSize = statSafe(found.path);
    const timer = setInterval(() => {
      const size = statSafe(found.path);
      if (size !== lastSize) {
        lastSize = size;
        const all: LogLine[] = readLog(found.path);
        const fresh = all.slice(offset);
        offset = all.length;
        if (fresh.length > 0 && !send(formatLines(fresh, { timestamps: query.timestamps ?? false }))) {
          clearInterval(timer);
          res.end();
          return;
        }
      }
      if (!found.running()) {
        clearInterval(timer);
        res.end();
      }
    }, 200);
    req.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

function statSafe(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}
