// Prints the xDS bytes one change costs, in process (pipeline → snapshot → a stream state machine
// answered by an always-ACKing client, no network): N Ingresses, each with its own host, Service and
// EndpointSlice, then one Ingress's route changed and one new Ingress. Delta with VHDS (what delta
// streams get now), delta without it (the route configurations SotW streams get, served over
// delta: what delta streams got before VHDS), and SotW. Asserts nothing.
import type { KubernetesObject } from "@kubernetes/client-node";
import { endpointSlice, ingress, path, port, rule, service } from "../controllers/source/testdata/fixtures.js";
import { createPipeline, type Pipeline } from "../operator/pipeline/pipeline.js";
import { createSnapshotCache, type Snapshot } from "../xds/cache/index.js";
import type { DeltaDiscoveryResponse, DiscoveryResponse } from "../xds/gen/envoy/service/discovery/v3/discovery_pb.js";
import type { EnvoyResources } from "../xds/resources.js";
import { HTTP_ROUTE_CONFIG_NAME } from "../xds/names.js";
import { TypeUrl } from "../xds/resources.js";
import { createDeltaStream, createSotwStream } from "../xds/server/index.js";
import { deltaDiscoveryResponseSize, discoveryResponseSize } from "../xds/server/encoded-size.js";
import { deltaAck, deltaRequest, sotwAck, sotwRequest } from "../xds/server/testing/streams.js";

type Variant = "delta+vhds" | "delta" | "sotw";

/** A stream that subscribes like Envoy does and ACKs everything; returns bytes received per step. */
function client(variant: Variant) {
  const delta = createDeltaStream();
  const sotw = createSotwStream();
  const names: Record<string, string[]> = {};
  let bytes = 0;
  // Time spent measuring response sizes: the benchmark's own work, taken out of the stream's time.
  let sizingMs = 0;
  const size = (measure: () => number): void => {
    const start = performance.now();
    bytes += measure();
    sizingMs += performance.now() - start;
  };
  const answer = (responses: (DiscoveryResponse | DeltaDiscoveryResponse)[]): void => {
    const queue = [...responses];
    for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
      if ("versionInfo" in r) {
        const response = r;
        size(() => discoveryResponseSize(response));
        queue.push(...sotw.handleRequest(sotwAck(r, names[r.typeUrl] ?? [])).responses);
      } else {
        const response = r;
        size(() => deltaDiscoveryResponseSize(response));
        queue.push(...delta.handleRequest(deltaAck(r)).responses);
      }
    }
  };
  return {
    start(snapshot: Snapshot): number {
      names[TypeUrl.route] = [...snapshot.types[TypeUrl.route].resources.keys()];
      names[TypeUrl.endpoint] = [...snapshot.types[TypeUrl.endpoint].resources.keys()];
      const types = [TypeUrl.cluster, TypeUrl.endpoint, TypeUrl.listener, TypeUrl.route, ...(variant === "delta+vhds" ? [TypeUrl.virtualHost] : [])];
      if (variant === "sotw") {
        sotw.handleSnapshot(snapshot);
        for (const t of types) answer(sotw.handleRequest(sotwRequest(t, { names: names[t] ?? [] })).responses);
      } else {
        delta.handleSnapshot(snapshot);
        for (const t of types) answer(delta.handleRequest(deltaRequest(t, { subscribe: names[t] ?? [] })).responses);
      }
      return bytes;
    },
    /** The bytes a snapshot costs, and the stream's CPU time for it (without measuring the sizes). */
    step(snapshot: Snapshot): { bytes: number; ms: number } {
      const before = bytes;
      const sizingBefore = sizingMs;
      const start = performance.now();
      answer(variant === "sotw" ? sotw.handleSnapshot(snapshot).responses : delta.handleSnapshot(snapshot).responses);
      return { bytes: bytes - before, ms: performance.now() - start - (sizingMs - sizingBefore) };
    },
  };
}

// Without VHDS, delta streams got the same route configurations as SotW ones.
const withoutVhds = (r: EnvoyResources): EnvoyResources => ({ listeners: r.listeners, routes: r.routes, clusters: r.clusters, endpoints: r.endpoints, secrets: r.secrets });

function run(n: number, variant: Variant): string[] {
  const pipeline: Pipeline = createPipeline({ translate: {} });
  const cache = createSnapshotCache();
  const apply = (kind: Parameters<Pipeline["apply"]>[0], o: KubernetesObject) => pipeline.apply(kind, "add", o);
  const addTenant = (i: number): void => {
    const ns = `team-${i % 50}`;
    apply("Service", service(`svc-${i}`, [port(80, "http")], { namespace: ns }));
    apply("EndpointSlice", endpointSlice(`svc-${i}-a`, `svc-${i}`, [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], 8080, "http", { namespace: ns }));
    apply("Ingress", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path("/", `svc-${i}`, 80), path("/api", `svc-${i}`, "http"))] }, { namespace: ns }));
  };
  for (let i = 0; i < n; i++) addTenant(i);
  const publish = (): Snapshot => {
    const resources = pipeline.build().resources;
    return cache.publish(variant === "delta" ? withoutVhds(resources) : resources);
  };
  const c = client(variant);
  const initial = c.start(publish());
  // The same route changed ROUTE_CHANGES times (a different path each time): bytes of the first,
  // the median of the stream's CPU time (the machine is shared; one sample says little).
  const i = Math.floor(n / 2);
  let routeChange = 0;
  const times: number[] = [];
  for (let k = 0; k < ROUTE_CHANGES; k++) {
    apply("Ingress", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path(`/v${k + 2}`, `svc-${i}`, 80))] }, { namespace: `team-${i % 50}`, resourceVersion: String(k + 2) }));
    const snapshot = publish();
    // The SotW ingress_http is encoded when first asked for, once per snapshot for every stream:
    // publish work, kept out of the one stream's time.
    void snapshot.types[TypeUrl.route].resources.get(HTTP_ROUTE_CONFIG_NAME)?.any;
    const { bytes, ms } = c.step(snapshot);
    times.push(ms);
    if (k === 0) routeChange = bytes;
  }
  times.sort((a, b) => a - b);
  const streamMs = times[Math.floor(times.length / 2)] ?? 0;
  addTenant(n);
  const newIngress = c.step(publish()).bytes;
  const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
  return [String(n), variant, kib(initial), kib(routeChange), `${streamMs.toFixed(1)} ms`, kib(newIngress)];
}

const ROUTE_CHANGES = 9;

// "stream CPU": the stream state machine's time to diff and answer the route change (one stream,
// ACKs included), median of ROUTE_CHANGES changes. `node dist/bench/xds-bytes.js 1000 10000` picks the sizes.
const header = ["Ingresses", "stream", "initial config", "one route changed", "stream CPU", "one new Ingress (+Service, slice)"];
const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const rows = (sizes.length > 0 ? sizes : [1000, 10000]).flatMap((n) => (["delta+vhds", "delta", "sotw"] as const).map((v) => run(n, v)));
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
