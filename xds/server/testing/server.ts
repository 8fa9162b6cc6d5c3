// Starts an in-process xDS server for tests, with its own metrics registry and a log recorder.
import bunyan from "bunyan";
import { Registry } from "prom-client";
import { createSnapshotCache, type SnapshotCache } from "../../cache/snapshot-cache.js";
import { createXdsServer, type XdsServer, type XdsServerOptions } from "../xds-server.js";

/** A started test server and what a test inspects. */
export interface TestServer {
  readonly server: XdsServer;
  readonly cache: SnapshotCache;
  readonly registry: Registry;
  /** Log records at debug and above, newest last. */
  readonly logs: { readonly records: Record<string, unknown>[] };
  readonly target: string;
  readonly port: number;
  /** The value of a counter or gauge series, 0 when absent. */
  metric(name: string, labels: Record<string, string>): Promise<number>;
}

/** Starts a server on 127.0.0.1:0 (plaintext unless `tls` is given). */
export async function startTestServer(options: Partial<XdsServerOptions> = {}): Promise<TestServer> {
  const cache = options.cache ?? createSnapshotCache();
  const registry = new Registry();
  const ring = new bunyan.RingBuffer({ limit: 1000 });
  const logger = bunyan.createLogger({ name: "xds-test", streams: [{ type: "raw", stream: ring, level: "debug" }] });
  const server = createXdsServer({
    cache,
    address: "127.0.0.1",
    port: 0,
    registry,
    logger,
    ...(options.tls === undefined ? { insecure: true } : {}),
    ...options,
  });
  const { port } = await server.listen();
  return {
    server,
    cache,
    registry,
    logs: ring as unknown as { records: Record<string, unknown>[] },
    target: `127.0.0.1:${port}`,
    port,
    async metric(name, labels) {
      const metric = registry.getSingleMetric(name);
      if (metric === undefined) return 0;
      const { values } = await metric.get();
      const match = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
      return match?.value ?? 0;
    },
  };
}
