// A pipeline that reached a set of objects through many small changes serves exactly what a fresh
// pipeline builds from that set in one cold build: the same resources, byte for byte, and the same
// versions. The cold build takes the full translation and a snapshot from nothing; the changes take
// the incremental paths (translateChanges, updateSnapshot); both must agree.
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { createPipeline, type Pipeline } from "./pipeline.js";
import { endpointSlice, ingress, path, port, rule, service, tlsSecret } from "../../controllers/source/testdata/fixtures.js";
import { A_CRT, A_KEY } from "../../controllers/source/testdata/certs.js";
import { toBinary } from "@bufbuild/protobuf";
import { createSnapshotCache, RESOURCE_TYPES, type Snapshot } from "../../xds/cache/index.js";
import type { WatchedKind } from "../../controllers/source/object-cache.js";

/** A deterministic pseudo-random sequence (the test must fail the same way every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every resource of every type (delta types too) with its version and encoding, and the type versions. */
function served(snapshot: Snapshot): Record<string, string> {
  const out: Record<string, string> = { "": snapshot.version };
  const types = [...Object.entries(snapshot.types), ...Object.entries(snapshot.deltaTypes).map(([url, t]) => [`delta ${url}`, t] as const)];
  for (const [url, type] of types) {
    if (type === undefined) continue;
    out[url] = type.version;
    const schema = RESOURCE_TYPES.find((t) => t.typeUrl === type.typeUrl)?.schema;
    for (const [name, r] of type.resources) {
      // The bytes served are the message's encoding (an encoding kept from the translator's check included).
      if (schema !== undefined) assert.deepEqual(r.bytes, toBinary(schema, r.message as never), `${url} ${name}: bytes of another message`);
      out[`${url} ${name}`] = `${r.version} ${Buffer.from(r.bytes).toString("base64")}`;
    }
  }
  return out;
}

const KINDS: readonly WatchedKind[] = ["Secret", "Service", "EndpointSlice", "Ingress"];

function coldSnapshot(objects: ReadonlyMap<string, { kind: WatchedKind; obj: KubernetesObject }>): Snapshot {
  const pipeline = createPipeline({ translate: {} });
  // Kinds in an order unlike the incremental run's, which adds Ingresses before their Services.
  for (const kind of KINDS) for (const { kind: k, obj } of objects.values()) if (k === kind) pipeline.apply(kind, "add", obj);
  return createSnapshotCache().publish(pipeline.build().resources);
}

describe("pipeline: a cold build and a build through changes serve the same snapshot", () => {
  it("agrees after each of 60 random changes to Ingresses, Services, EndpointSlices and Secrets", function () {
    this.timeout(120000);
    const next = random(16);
    const pick = (n: number): number => Math.floor(next() * n);
    const pipeline: Pipeline = createPipeline({ translate: {} });
    const cache = createSnapshotCache();
    const objects = new Map<string, { kind: WatchedKind; obj: KubernetesObject }>();
    let version = 0;
    const put = (kind: WatchedKind, obj: KubernetesObject): void => {
      const key = `${kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`;
      const event = objects.has(key) ? "update" : "add";
      obj.metadata = { ...obj.metadata, resourceVersion: String(++version) };
      objects.set(key, { kind, obj });
      pipeline.apply(kind, event, obj);
    };
    const remove = (kind: WatchedKind, namespace: string, name: string): void => {
      const key = `${kind}/${namespace}/${name}`;
      const entry = objects.get(key);
      if (entry === undefined) return;
      objects.delete(key);
      pipeline.apply(kind, "delete", entry.obj);
    };
    const ns = (i: number): string => `team-${i % 3}`;
    const anIngress = (i: number, variant: number): KubernetesObject => {
      const host = variant % 4 === 3 ? `shared-${i % 2}.example.com` : `host-${i}.example.com`;
      const paths = [path("/", `svc-${i}`, 80), ...(variant % 2 === 1 ? [path(`/v${variant}`, `svc-${(i + 1) % 12}`, "http")] : [])];
      const tls = variant % 5 === 4 ? { tls: [{ hosts: [host], secretName: "cert" }] } : {};
      return ingress(`ing-${i}`, { ...tls, rules: [rule(host, ...paths)] }, { namespace: ns(i) });
    };
    for (let n = 0; n < 3; n++) put("Secret", tlsSecret("cert", A_CRT, A_KEY, { namespace: ns(n) }));
    for (let i = 0; i < 12; i++) {
      put("Ingress", anIngress(i, 0));
      put("Service", service(`svc-${i}`, [port(80, "http")], { namespace: ns(i) }));
      put("EndpointSlice", endpointSlice(`svc-${i}-a`, `svc-${i}`, [`10.0.0.${i + 1}`], 8080, "http", { namespace: ns(i) }));
    }
    cache.publish(pipeline.build().resources);
    let applied = 0;
    for (let step = 0; step < 60; step++) {
      const i = pick(12);
      const r = next();
      if (r < 0.35) put("Ingress", anIngress(i, pick(10)));
      else if (r < 0.45) remove("Ingress", ns(i), `ing-${i}`);
      else if (r < 0.7) put("EndpointSlice", endpointSlice(`svc-${i}-a`, `svc-${i}`, [`10.0.${step}.${pick(4) + 1}`, ...(next() < 0.5 ? [`10.1.${step}.1`] : [])], 8080, "http", { namespace: ns(i) }));
      else if (r < 0.78) remove("EndpointSlice", ns(i), `svc-${i}-a`);
      else if (r < 0.88) put("Service", service(`svc-${i}`, [port(80, "http"), ...(next() < 0.5 ? [port(81, "admin")] : [])], { namespace: ns(i), annotations: next() < 0.5 ? { "projectcontour.io/max-connections": String(10 + pick(5)) } : {} }));
      else if (r < 0.93) remove("Service", ns(i), `svc-${i}`);
      else if (r < 0.97) remove("Secret", ns(i), "cert");
      else put("Secret", tlsSecret("cert", A_CRT, A_KEY, { namespace: ns(i) }));
      const built = pipeline.build();
      if (built.resources.changes !== undefined) applied++;
      const incremental = cache.publish(built.resources);
      assert.deepEqual(served(incremental), served(coldSnapshot(objects)), `step ${step}`);
    }
    // Most changes must have taken the incremental paths, or this compares two full builds.
    assert.ok(applied > 30, `${applied} of 60 builds applied changes`);
  });
});
