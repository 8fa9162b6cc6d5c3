// Backends inside the pod network namespace, so EndpointSlices can point at them (kube-apiserver
// refuses loopback endpoint addresses). They answer exactly like startBackends' backends.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createPodNetwork, type PodNetwork } from "./pod-network.js";
import { spawnProcess, type ManagedProcess } from "./processes.js";
import type { RunDir } from "./run-dir.js";
import { waitFor } from "./wait-for.js";

/** A backend in the pod network: what an EndpointSlice names. */
export interface PodBackend {
  readonly name: string;
  /** The pod address (non-loopback, reachable from the host). */
  readonly ip: string;
  readonly port: number;
  readonly url: string;
}

/** The pod network and its backends process. */
export interface PodBackends {
  readonly network: PodNetwork;
  readonly backends: readonly PodBackend[];
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

const SERVER = join(dirname(fileURLToPath(import.meta.url)), "backend-server.js");

/** Creates a pod network and starts one backend per name inside it. */
export async function startPodBackends(runDir: RunDir, names: readonly string[]): Promise<PodBackends> {
  const network = createPodNetwork();
  let proc: ManagedProcess | undefined;
  try {
    const { command, args } = network.wrap(process.execPath, [SERVER, network.podIp, ...names]);
    const logPath = runDir.file("pod-backends.log");
    proc = spawnProcess({ name: "pod-backends", command, args, logPath });
    const started = proc;
    const ports = await waitFor(
      () => {
        const lines = readFileSync(logPath, "utf8").split("\n");
        if (!lines.includes("ready")) return undefined;
        return new Map(lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { name: string; port: number }).map((b) => [b.name, b.port]));
      },
      { timeoutMs: 15_000, intervalMs: 50, description: `the pod backends to listen (log: ${logPath})`, bail: () => started.exitError() },
    );
    const backends = names.map((name) => {
      const port = ports.get(name);
      if (port === undefined) throw new Error(`pod backend ${name} did not report its port`);
      return { name, ip: network.podIp, port, url: `http://${network.podIp}:${port}` };
    });
    return {
      network,
      backends,
      process: started,
      async stop() {
        await started.stop();
        network.remove();
      },
    };
  } catch (err) {
    await proc?.stop();
    network.remove();
    throw err;
  }
}
