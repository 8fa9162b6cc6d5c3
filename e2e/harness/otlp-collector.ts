// A small OTLP trace collector for the e2e specs: otlp-collector-server.js in its own process (in a pod
// network when given one, so an ExtensionService's EndpointSlice can name it), whose received spans are read
// back from its log.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { ReceivedSpan } from "./otlp-trace-decode.js";
import type { PodNetwork } from "./pod-network.js";
import { spawnProcess, type ManagedProcess } from "./processes.js";
import type { RunDir } from "./run-dir.js";
import { waitFor } from "./wait-for.js";

/** A running collector. */
export interface OtlpCollector {
  readonly address: string;
  readonly port: number;
  readonly process: ManagedProcess;
  /** Every span received so far, in order of arrival. */
  spans(): ReceivedSpan[];
  stop(): Promise<void>;
}

const SERVER = join(dirname(fileURLToPath(import.meta.url)), "otlp-collector-server.js");

/** Starts the collector on the pod address of `network` (default 127.0.0.1) and waits until it listens. */
export async function startOtlpCollector(runDir: RunDir, network?: PodNetwork): Promise<OtlpCollector> {
  const address = network?.podIp ?? "127.0.0.1";
  const { command, args } = network?.wrap(process.execPath, [SERVER, address]) ?? { command: process.execPath, args: [SERVER, address] };
  const logPath = runDir.file("otlp-collector.log");
  const proc = spawnProcess({ name: "otlp-collector", command, args, logPath });
  const lines = (): string[] => readFileSync(logPath, "utf8").split("\n");
  try {
    const port = await waitFor(
      () => {
        const all = lines();
        if (!all.includes("ready")) return undefined;
        const line = all.find((l) => l.startsWith('{"port"'));
        return line === undefined ? undefined : (JSON.parse(line) as { port: number }).port;
      },
      { timeoutMs: 15_000, intervalMs: 50, description: `the OTLP collector to listen (log: ${logPath})`, bail: () => proc.exitError() },
    );
    return {
      address,
      port,
      process: proc,
      spans: () => lines().filter((l) => l.startsWith('{"span"')).map((l) => (JSON.parse(l) as { span: ReceivedSpan }).span),
      async stop() {
        await proc.stop();
      },
    };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
