// An Envoy bootstrapped (by `contour bootstrap`'s builder) to an in-process xDS server over mTLS,
// plus the snapshot builder and traffic loop the xDS specs share.
import { writeFileSync } from "node:fs";
import bunyan from "bunyan";
import { Registry } from "prom-client";
import { generateCertificates, type GeneratedCertificates } from "../../operator/certgen/index.js";
import { createSnapshotCache, type SnapshotCache } from "../../xds/cache/snapshot-cache.js";
import { cluster, endpoints, listener, resources, routeConfig, type RouteFixture } from "../../xds/cache/testing/fixtures.js";
import { bootstrapOptions, buildBootstrap, DEFAULT_XDS_SERVER_NAME, type XdsMode } from "../../xds/bootstrap/index.js";
import { createXdsServer, type XdsServer } from "../../xds/server/xds-server.js";
import type { EnvoyResources } from "../../xds/resources.js";
import { freePort, httpGet, type Backend, type BackendReply, type EnvoyBootstrap, type TestBed } from "../harness/index.js";

/** The listener every xDS spec serves. */
export const LISTENER = "ingress_http";

/** The xDS side of a bed: the server, its cache, metrics and logs. */
export interface XdsSide {
  readonly cache: SnapshotCache;
  server: XdsServer;
  readonly registry: Registry;
  readonly logs: { readonly records: Record<string, unknown>[] };
  readonly port: number;
  readonly listenerPort: number;
  /** Starts a fresh server on the same port and cache (a control-plane restart). */
  restart(): Promise<void>;
  /** A metric series' value, 0 when absent. */
  metric(name: string, labels: Record<string, string>): Promise<number>;
}

/** Starts an mTLS xDS server in the bed's run dir and returns it with the bootstrap Envoy needs. */
export async function startXdsSide(bed: TestBed, mode: XdsMode, initial: (listenerPort: number) => EnvoyResources): Promise<{ xds: XdsSide; bootstrap: EnvoyBootstrap }> {
  const certs: GeneratedCertificates = await generateCertificates({ namespace: "projectcontour", lifetimeDays: 1 });
  const file = (name: string, content: string): string => {
    const path = bed.runDir.file(name);
    writeFileSync(path, content);
    return path;
  };
  const caFile = file("xds-ca.crt", certs.caCert);
  const tls = { caFile, certFile: file("contour.crt", certs.contourCert), keyFile: file("contour.key", certs.contourKey) };
  const envoyTls = { caFile, certFile: file("envoy.crt", certs.envoyCert), keyFile: file("envoy.key", certs.envoyKey), serverName: DEFAULT_XDS_SERVER_NAME };

  const cache = createSnapshotCache();
  const listenerPort = await freePort();
  cache.publish(initial(listenerPort));
  const registry = new Registry();
  const ring = new bunyan.RingBuffer({ limit: 5000 });
  const logger = bunyan.createLogger({
    name: "contour-xds",
    streams: [
      { type: "raw", stream: ring, level: "debug" },
      { path: bed.runDir.file("xds-server.log"), level: "debug" },
    ],
  });
  const start = async (port: number): Promise<{ server: XdsServer; port: number }> => {
    const server = createXdsServer({ cache, address: "127.0.0.1", port, tls, logger, registry, closeGraceMs: 500 });
    return { server, port: (await server.listen()).port };
  };
  const first = await start(0);
  const xds: XdsSide = {
    cache,
    server: first.server,
    registry,
    logs: ring as unknown as { records: Record<string, unknown>[] },
    port: first.port,
    listenerPort,
    async restart() {
      await xds.server.close();
      xds.server = (await start(first.port)).server;
    },
    async metric(name, labels) {
      const metric = registry.getSingleMetric(name);
      if (metric === undefined) return 0;
      const { values } = await metric.get();
      return values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))?.value ?? 0;
    },
  };
  bed.onStop(() => xds.server.close());
  const bootstrap = buildBootstrap(
    bootstrapOptions({
      nodeId: `envoy-${mode}`,
      xdsAddress: "127.0.0.1",
      xdsPort: first.port,
      xdsMode: mode,
      xdsTls: envoyTls,
      // Port 0: Envoy picks one and the harness reads it back, so concurrent runs cannot clash.
      admin: { kind: "tcp", address: "127.0.0.1", port: 0 },
    }),
  ) as EnvoyBootstrap;
  return { xds, bootstrap };
}

/** The routes of a world: path prefix → one backend or weighted backends. */
export type Routes = Record<string, string | Record<string, number>>;

/**
 * Resources for `routes` over the given backends: a cluster (with endpoints) per backend the
 * routes use, one listener on `listenerPort`. Extra clusters can be listed in `keep`.
 */
export function worldFor(
  listenerPort: number,
  backends: readonly Backend[],
  routes: Routes,
  options: { regexRoute?: string; timeouts?: Record<string, number> } = {},
): EnvoyResources {
  const used = new Set<string>();
  // Envoy takes the first match: longest prefixes first, as translation does.
  const ordered = Object.entries(routes).sort(([a], [b]) => b.length - a.length || (a < b ? -1 : 1));
  const list: RouteFixture[] = ordered.map(([prefix, to]) => {
    if (typeof to === "string") {
      used.add(to);
      return { prefix, to };
    }
    for (const name of Object.keys(to)) used.add(name);
    return { prefix, to: Object.entries(to).map(([c, weight]) => ({ cluster: c, weight })) };
  });
  if (options.regexRoute !== undefined) list.unshift({ prefix: "", to: list[0]?.to ?? "", regex: options.regexRoute });
  const names = [...used].sort();
  const byName = new Map(backends.map((b) => [b.name, b]));
  return resources({
    listeners: [listener(LISTENER, LISTENER, { port: listenerPort })],
    routes: [routeConfig(LISTENER, list)],
    clusters: names.map((n) => cluster(n, options.timeouts?.[n] === undefined ? {} : { connectTimeoutSeconds: options.timeouts[n] })),
    endpoints: names.map((n) => {
      const backend = byName.get(n);
      if (backend === undefined) throw new Error(`no backend named ${n}`);
      return endpoints(n, [`${backend.host}:${backend.port}`]);
    }),
  });
}

/** One request of the traffic loop that did not get a 200. */
export interface Failure {
  readonly path: string;
  readonly what: string;
}

/** Requests sent in a loop through Envoy while the test changes the config. */
export interface TrafficLoop {
  /** Backends that answered each path so far. */
  readonly seen: Map<string, Map<string, number>>;
  readonly failures: Failure[];
  total(): number;
  /** Clears `seen` (to look only at answers after a change). */
  resetSeen(): void;
  stop(): Promise<void>;
}

/** Sends requests for `paths` in turn, one at a time, each on a fresh connection, until stopped. */
export function startTraffic(port: number, paths: () => readonly string[]): TrafficLoop {
  const seen = new Map<string, Map<string, number>>();
  const failures: Failure[] = [];
  let total = 0;
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const all = paths();
      const path = all[i % all.length] ?? "/";
      total++;
      try {
        const res = await httpGet(`http://127.0.0.1:${port}${path}`, { timeoutMs: 5000 });
        if (res.status !== 200) {
          failures.push({ path, what: `status ${res.status}: ${res.body.slice(0, 200)}` });
          continue;
        }
        const name = res.json<BackendReply>().name;
        const counts = seen.get(path) ?? new Map<string, number>();
        counts.set(name, (counts.get(name) ?? 0) + 1);
        seen.set(path, counts);
      } catch (err) {
        failures.push({ path, what: err instanceof Error ? err.message : String(err) });
      }
    }
  })();
  return {
    seen,
    failures,
    total: () => total,
    resetSeen: () => seen.clear(),
    async stop() {
      running = false;
      await loop;
    },
  };
}
