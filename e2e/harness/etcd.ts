// A single-member etcd on loopback for the kube-apiserver, data in the run dir, fsync off (test data).
import { resolveTool } from "./tools.js";
import { freePort, retryOnPortClash } from "./free-port.js";
import { httpGet } from "./http-client.js";
import { spawnProcess, type ManagedProcess } from "./processes.js";
import type { RunDir } from "./run-dir.js";
import { waitFor } from "./wait-for.js";

/** Options of startEtcd. */
export interface EtcdOptions {
  runDir: RunDir;
  /** Path of the etcd binary; default from ETCD_BIN or .tools/tools.env. */
  binary?: string;
  /** Default 30 s. */
  startTimeoutMs?: number;
}

/** A running etcd. */
export interface Etcd {
  /** http://127.0.0.1:<port>, for --etcd-servers. */
  readonly clientUrl: string;
  readonly process: ManagedProcess;
  /** Milliseconds from spawn to healthy. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

/** Starts etcd and resolves once GET /health says it has a leader. */
export async function startEtcd(options: EtcdOptions): Promise<Etcd> {
  const binary = options.binary ?? resolveTool("etcd");
  return retryOnPortClash(async (attempt) => {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const clientUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const started = Date.now();
    const proc = spawnProcess({
      name: "etcd",
      command: binary,
      logPath: options.runDir.file("etcd.log"),
      args: [
        "--name=e2e",
        `--data-dir=${options.runDir.scratchDir(`etcd-data-${attempt}`)}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=e2e=${peerUrl}`,
        "--initial-cluster-state=new",
        // The data lives for one test run; durability is not worth the disk latency.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
    });
    try {
      await waitFor(
        async () => {
          const res = await httpGet(`${clientUrl}/health`, { timeoutMs: 2_000 });
          return res.status === 200 && res.json<{ health?: string }>().health === "true";
        },
        {
          timeoutMs: options.startTimeoutMs ?? 30_000,
          intervalMs: 50,
          description: `etcd at ${clientUrl} to report healthy (log: ${proc.logPath})`,
          bail: () => proc.exitError(),
        },
      );
    } catch (err) {
      await proc.stop(1_000);
      throw err;
    }
    return {
      clientUrl,
      process: proc,
      startupMs: Date.now() - started,
      async stop() {
        await proc.stop();
      },
    };
  });
}
