// The global rate limit service of the e2e specs: a Redis without persistence and envoyproxy/ratelimit
// reading one descriptor config, both built or fetched by `make tools`. Inside a pod network (the
// EndpointSlice of an ExtensionService must name a non-loopback address) the gRPC port listens on the pod
// address and Redis on the namespace's own loopback; without one, everything listens on 127.0.0.1.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { httpGet } from "./http-client.js";
import type { PodNetwork } from "./pod-network.js";
import { spawnProcess, type ManagedProcess } from "./processes.js";
import type { RunDir } from "./run-dir.js";
import { resolveTool } from "./tools.js";
import { waitFor } from "./wait-for.js";

/** Options of startRateLimitService. */
export interface RateLimitServiceOptions {
  readonly runDir: RunDir;
  /** ratelimit's descriptor config (YAML: `domain`, `descriptors`), as its docs describe it. */
  readonly config: string;
  /** Run inside this pod network (the gRPC port on its pod address); default: 127.0.0.1 on the host. */
  readonly network?: PodNetwork;
  /** Default 30 s. */
  readonly startTimeoutMs?: number;
}

/** A running rate limit service and its Redis. */
export interface RateLimitService {
  /** Where Envoy reaches the gRPC API (envoy.service.ratelimit.v3.RateLimitService). */
  readonly grpcAddress: string;
  readonly grpcPort: number;
  readonly redis: ManagedProcess;
  /** The ratelimit process of the current config (replaced by setConfig). */
  process(): ManagedProcess;
  /** Writes a new descriptor config and restarts the service with it (Redis, and its counters, stay). */
  setConfig(config: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Redis, then the rate limit service; resolves once its /healthcheck answers 200. */
export async function startRateLimitService(options: RateLimitServiceOptions): Promise<RateLimitService> {
  const ratelimitBinary = resolveTool("ratelimit");
  const redisBinary = resolveTool("redis-server");
  const host = options.network?.podIp ?? "127.0.0.1";
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const wrap = (command: string, args: readonly string[]) => options.network?.wrap(command, args) ?? { command, args: [...args] };
  // A fresh network namespace has every port free; on the host, freePort finds one.
  const [redisPort, grpcPort, httpPort, debugPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const root = options.runDir.scratchDir("ratelimit-runtime");
  const configDir = join(root, "ratelimit", "config");
  mkdirSync(configDir, { recursive: true });

  // No RDB snapshots, no AOF: counters live only as long as the test.
  const redisCommand = wrap(redisBinary, ["--bind", "127.0.0.1", "--port", String(redisPort), "--save", "", "--appendonly", "no", "--dir", root, "--loglevel", "notice"]);
  const redisLog = options.runDir.file("redis.log");
  const redis = spawnProcess({ name: "redis", ...redisCommand, logPath: redisLog });
  // The rate limit service gives up at once when Redis refuses it, and a namespace's loopback cannot be
  // dialled from here: Redis's own "ready" line says it accepts connections.
  try {
    await waitFor(() => existsSync(redisLog) && readFileSync(redisLog, "utf8").includes("Ready to accept connections"), {
      timeoutMs,
      intervalMs: 50,
      description: `Redis to accept connections (log: ${redisLog})`,
      bail: () => redis.exitError(),
    });
  } catch (err) {
    await redis.stop(1_000);
    throw err;
  }
  let current: ManagedProcess | undefined;
  let generation = 0;

  const startService = async (config: string): Promise<void> => {
    generation += 1;
    writeFileSync(join(configDir, "config.yaml"), config);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOST: "127.0.0.1",
      PORT: String(httpPort),
      DEBUG_HOST: "127.0.0.1",
      DEBUG_PORT: String(debugPort),
      GRPC_HOST: host,
      GRPC_PORT: String(grpcPort),
      USE_STATSD: "false",
      LOG_LEVEL: "debug",
      REDIS_SOCKET_TYPE: "tcp",
      REDIS_URL: `127.0.0.1:${redisPort}`,
      RUNTIME_ROOT: root,
      RUNTIME_SUBDIRECTORY: "ratelimit",
      RUNTIME_WATCH_ROOT: "false",
      RUNTIME_IGNOREDOTFILES: "true",
    };
    const command = wrap(ratelimitBinary, []);
    const proc = spawnProcess({ name: "ratelimit", ...command, env, logPath: options.runDir.file(`ratelimit-${generation}.log`) });
    current = proc;
    // The health endpoint listens on 127.0.0.1 of the process's namespace: asked from inside it.
    await waitFor(
      async () => {
        if (options.network === undefined) {
          const res = await httpGet(`http://127.0.0.1:${httpPort}/healthcheck`, { timeoutMs: 1_000 }).catch(() => undefined);
          return res?.status === 200;
        }
        return grpcPortOpen(options.network, host, grpcPort);
      },
      { timeoutMs, intervalMs: 100, description: `the rate limit service to answer (log: ${proc.logPath})`, bail: () => proc.exitError() ?? redis.exitError() },
    );
  };

  try {
    await startService(options.config);
  } catch (err) {
    await current?.stop(1_000);
    await redis.stop(1_000);
    throw err;
  }
  return {
    grpcAddress: host,
    grpcPort,
    redis,
    process() {
      if (current === undefined) throw new Error("the rate limit service is not running");
      return current;
    },
    async setConfig(config) {
      await current?.stop();
      await startService(config);
    },
    async stop() {
      await current?.stop();
      await redis.stop();
    },
  };
}

// From the host, a TCP connect to the pod address says the gRPC server listens (it binds after loading the config).
async function grpcPortOpen(_network: PodNetwork, host: string, port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
