// Readiness probes as a kubelet runs them against the pod's address: HTTP GET (2xx/3xx is success)
// and TCP connect. Exec probes are not run here (the pod is then reported as probing failed).
import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { V1Container, V1Probe } from "@kubernetes/client-node";

/** The port a probe names (a number or a container port's name); undefined if the name is unknown. */
export function probePort(container: V1Container, port: number | string | undefined): number | undefined {
  if (typeof port === "number") return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Runs the probe once; resolves true on success. */
export function runProbe(probe: V1Probe, container: V1Container, podIp: string): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet !== undefined) {
    const port = probePort(container, probe.httpGet.port as number | string);
    if (port === undefined) return Promise.resolve(false);
    const send = probe.httpGet.scheme === "HTTPS" ? httpsRequest : request;
    const headers: Record<string, string> = { "user-agent": "kube-probe/1.36" };
    for (const h of probe.httpGet.httpHeaders ?? []) headers[h.name] = h.value;
    return new Promise((resolve) => {
      const req = send(
        { host: probe.httpGet?.host ?? podIp, port, path: probe.httpGet?.path ?? "/", method: "GET", headers, timeout: timeoutMs, rejectUnauthorized: false },
        (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          resolve(status >= 200 && status < 400);
        },
      );
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(false));
      req.end();
    });
  }
  if (probe.tcpSocket !== undefined) {
    const port = probePort(container, probe.tcpSocket.port as number | string);
    if (port === undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const socket = connect({ host: probe.tcpSocket?.host ?? podIp, port, timeout: timeoutMs });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(false));
    });
  }
  return Promise.resolve(false);
}
