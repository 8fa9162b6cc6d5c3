// Starts the bed's authorization servers (authz-server.ts) in a pod network namespace of their own, so
// EndpointSlices can name them: the ext_authz gRPC service in the clear (h2c) and over TLS (h2), and
// the HTTP authorization server. The bed stops them.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { AuthzCheck } from "./authz-decision.js";
import { httpGet } from "./http-client.js";
import { createPodNetwork } from "./pod-network.js";
import type { TestBed } from "./test-bed.js";
import { waitFor } from "./wait-for.js";

/** The running servers: one address, three ports. */
export interface AuthzServers {
  /** The pod address (what an EndpointSlice names). */
  readonly ip: string;
  /** ext_authz over cleartext HTTP/2 (ExtensionService protocol h2c). */
  readonly grpcPort: number;
  /** ext_authz over TLS with ALPN h2 (ExtensionService protocol h2, the default), with the given certificate. */
  readonly grpcTlsPort: number;
  /** The HTTP authorization server (Envoy's http_service): 200 allows, 403 refuses. */
  readonly httpPort: number;
  /** Every check the servers answered so far (the last 1000), oldest first. */
  checks(): Promise<AuthzCheck[]>;
  close(): Promise<void>;
}

/** The TLS identity of the gRPC TLS port. */
export interface AuthzServerCert {
  readonly certPem: string;
  readonly keyPem: string;
}

const SERVER = join(dirname(fileURLToPath(import.meta.url)), "authz-server.js");

/** Starts the servers under `name` (log: <run dir>/<name>.log). */
export async function startAuthzServers(bed: TestBed, name: string, cert: AuthzServerCert): Promise<AuthzServers> {
  const network = createPodNetwork();
  const certFile = bed.runDir.file(`${name}.crt`);
  const keyFile = bed.runDir.file(`${name}.key`);
  writeFileSync(certFile, cert.certPem);
  writeFileSync(keyFile, cert.keyPem, { mode: 0o600 });
  const { command, args } = network.wrap(process.execPath, [SERVER, network.podIp, certFile, keyFile]);
  const proc = bed.spawn({ name, command, args });
  const close = async (): Promise<void> => {
    await proc.stop();
    network.remove();
  };
  bed.onStop(close);
  try {
    const ports = await waitFor(
      () => {
        const lines = readFileSync(proc.logPath, "utf8").split("\n");
        if (!lines.includes("ready")) return undefined;
        const first = lines.find((l) => l.startsWith('{"grpc"'));
        return first === undefined ? undefined : (JSON.parse(first) as { grpc: number; grpcTls: number; http: number });
      },
      { timeoutMs: 15_000, intervalMs: 50, description: `${name} to listen (log: ${proc.logPath})`, bail: () => proc.exitError() },
    );
    const ip = network.podIp;
    return {
      ip,
      grpcPort: ports.grpc,
      grpcTlsPort: ports.grpcTls,
      httpPort: ports.http,
      checks: async () => (await httpGet(`http://${ip}:${ports.http}/__checks`, { timeoutMs: 3000 })).json<AuthzCheck[]>(),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
