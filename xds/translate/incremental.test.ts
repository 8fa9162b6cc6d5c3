import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { V1EndpointSlice } from "@kubernetes/client-node";
import type { Cluster, Model, TcpProxyHost, TlsSecret, VirtualHost } from "../../controllers/model/model.js";
import type { ChangeSet } from "../../controllers/store/sorted-view.js";
import type { ModelChanges } from "../../controllers/store/model-store.js";
import { createSnapshot, type Snapshot } from "../cache/index.js";
import type { EnvoyResources } from "../resources.js";
import type { EndpointSource } from "./incremental.js";
import { createTranslator } from "./translator.js";
import { loadGoldenCases, resourcesToJson } from "./test-support.js";

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

const byName = <T>(list: readonly T[], key: (t: T) => string): Map<string, T> => new Map(list.map((x) => [key(x), x] as const));
const sorted = <T>(list: Iterable<T>, key: (t: T) => string): T[] => [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

function changeSet<T>(before: readonly T[], after: readonly T[], key: (t: T) => string): ChangeSet {
  const a = byName(before, key);
  const b = byName(after, key);
  return {
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    changed: [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
  };
}

/** What a model store would report between two models (with its lookups, or without: both are served). */
function modelChanges(before: Model, after: Model, lookups = false): ModelChanges {
  const hosts = byName(after.virtualHosts, (v) => v.fqdn);
  const clusters = byName(after.clusters, (c) => c.name);
  return {
    ...(lookups ? { virtualHostOf: (fqdn: string) => hosts.get(fqdn), clusterOf: (name: string) => clusters.get(name) } : {}),
    virtualHosts: changeSet(before.virtualHosts, after.virtualHosts, (v) => v.fqdn),
    tcpProxies: changeSet(before.tcpProxies, after.tcpProxies, (t) => t.fqdn),
    clusters: changeSet(before.clusters, after.clusters, (c) => c.name),
    secrets: changeSet(before.secrets, after.secrets, (s) => s.name),
  };
}

function endpointSource(slices: readonly V1EndpointSlice[]): EndpointSource {
  const byService = new Map<string, V1EndpointSlice[]>();
  for (const s of slices) {
    const key = `${s.metadata?.namespace}/${s.metadata?.labels?.["kubernetes.io/service-name"]}`;
    byService.set(key, [...(byService.get(key) ?? []), s]);
  }
  return { slicesOf: (ns, svc) => byService.get(`${ns}/${svc}`) ?? [], all: () => slices };
}

function slice(namespace: string, service: string, ip: string): V1EndpointSlice {
  return {
    metadata: { namespace, name: `${service}-x`, labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }, { name: "", port: 80, protocol: "TCP" }],
  };
}

/** The pools a random model draws from: every host, cluster, secret and TCP proxy of the golden cases. */
function pools() {
  const cases = loadGoldenCases().filter((c) => c.model.gatewayListeners === undefined);
  const hosts = new Map<string, VirtualHost>();
  const clusters = new Map<string, Cluster>();
  const secrets = new Map<string, TlsSecret>();
  const tcp = new Map<string, TcpProxyHost>();
  for (const c of cases) {
    c.model.virtualHosts.forEach((v, i) => hosts.set(`${c.name}-${i}`, v));
    for (const x of c.model.clusters) clusters.set(x.name, x);
    for (const x of c.model.secrets) secrets.set(x.name, x);
    for (const x of c.model.tcpProxies) tcp.set(x.fqdn, x);
  }
  return { hosts: [...hosts.values()], clusters: [...clusters.values()], secrets: [...secrets.values()], tcp: [...tcp.values()] };
}

/** A host whose routes cannot be encoded (a weight above uint32): translation leaves it out and reports it. */
function unencodable(host: VirtualHost, fqdn: string): VirtualHost {
  const [route] = host.routes;
  if (route === undefined || route.action.kind !== "forward" || route.action.clusters[0] === undefined) return { ...host, fqdn };
  const target = route.action.clusters[0];
  const action = { ...route.action, clusters: [{ ...target, weight: 4294967296 }, { ...target, weight: 1 }] };
  return { ...host, fqdn, routes: [{ ...route, action }] };
}

const FQDNS = ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com", "f.example.com", "g.example.com", "B.example.com", "*"];

function versions(snapshot: Snapshot): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [url, type] of Object.entries(snapshot.types)) {
    out[url] = { "": type.version };
    for (const [name, r] of type.resources) out[url][name] = r.version;
  }
  for (const [url, type] of Object.entries(snapshot.deltaTypes)) out[`delta ${url}`] = Object.fromEntries([["", type.version], ...[...type.resources].map(([n, r]) => [n, r.version])]);
  return out;
}

function trySnapshot(resources: EnvoyResources, previous: Snapshot | undefined): Snapshot | Error {
  try {
    return createSnapshot(resources, { previous });
  } catch (err) {
    return err as Error;
  }
}

describe("translateChanges", () => {
  it("gives a full translation's resources, failures and snapshot versions after every random change", function () {
    this.timeout(60000);
    const pool = pools();
    const next = random(16);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const translator = createTranslator();
    let model: Model = { virtualHosts: [], tcpProxies: [], clusters: [], secrets: [] };
    let base: Model | undefined;
    let slices: V1EndpointSlice[] = [];
    let snapshot: Snapshot | undefined;
    let fast = 0;
    for (let step = 0; step < 100; step++) {
      // Mostly plain hosts, clusters and endpoints (the fast path); now and then what is not.
      const hosts = byName(model.virtualHosts, (v) => v.fqdn);
      const clusters = byName(model.clusters, (c) => c.name);
      let secrets = model.secrets;
      let tcpProxies = model.tcpProxies;
      const dirty = new Set<string>();
      for (let k = 0, n = 1 + Math.floor(next() * 3); k < n; k++) {
        const r = next();
        const fqdn = pick(FQDNS);
        if (r < 0.35) {
          const host = pick(pool.hosts);
          const plain = next() < 0.85 ? { ...host, tls: undefined } : host;
          hosts.set(fqdn, next() < 0.05 ? unencodable(plain, fqdn) : { ...plain, fqdn });
        } else if (r < 0.5) hosts.delete(fqdn);
        else if (r < 0.6 && hosts.has(fqdn)) hosts.set(fqdn, { ...hosts.get(fqdn)!, routes: [...hosts.get(fqdn)!.routes].reverse() });
        else if (r < 0.75) {
          const c = pick(pool.clusters);
          if (clusters.has(c.name) && next() < 0.5) clusters.delete(c.name);
          else clusters.set(c.name, { ...c });
        } else if (r < 0.9) {
          const c = pick(pool.clusters);
          const ns = c.service.namespace;
          const svc = c.service.name;
          slices = [...slices.filter((s) => !(s.metadata?.namespace === ns && s.metadata.labels?.["kubernetes.io/service-name"] === svc)), slice(ns, svc, `10.0.0.${step % 250}`)];
          dirty.add(`${ns}/${svc}`);
        } else if (r < 0.95) secrets = next() < 0.5 ? pool.secrets.filter(() => next() < 0.7) : secrets;
        else tcpProxies = pool.tcp.filter(() => next() < 0.5);
      }
      const after: Model = {
        virtualHosts: sorted(hosts.values(), (v) => v.fqdn),
        tcpProxies: sorted(tcpProxies, (t) => t.fqdn),
        clusters: sorted(clusters.values(), (c) => c.name),
        secrets: sorted(secrets, (s) => s.name),
      };
      const got = translator.translateChanges({ model: after, base, changes: modelChanges(model, after, step % 2 === 1), endpoints: endpointSource(slices), dirtyServices: dirty });
      const want = createTranslator().translateChecked(after, slices);
      if (got.resources.changes !== undefined) fast++;
      assert.deepEqual(resourcesToJson(got.resources), resourcesToJson(want.resources), `step ${step}`);
      const failures = (f: readonly { piece: string; name: string; message: string }[]) => f.map((x) => `${x.piece} ${x.name} ${x.message}`).sort();
      assert.deepEqual(failures(got.failures), failures(want.failures), `step ${step}: failures`);
      // The snapshot applied from changes has the versions of one built from nothing.
      const incremental = trySnapshot(got.resources, snapshot);
      const full = trySnapshot(want.resources, undefined);
      assert.equal(incremental instanceof Error, full instanceof Error, `step ${step}: ${incremental instanceof Error ? incremental.message : full instanceof Error ? full.message : ""}`);
      if (!(incremental instanceof Error) && !(full instanceof Error)) {
        assert.deepEqual(versions(incremental), versions(full), `step ${step}: versions`);
        assert.equal(incremental.version, full.version);
        snapshot = incremental;
      }
      model = after;
      base = after;
    }
    console.log(`      ${fast} of 100 changes applied incrementally`);
    assert.ok(fast > 40, `the fast path was taken ${fast} times of 100`);
  });

  it("translates in full when the changes are not relative to the last model", () => {
    const c = loadGoldenCases().find((g) => g.name === "plain-http");
    assert.ok(c);
    const translator = createTranslator(c.options);
    const empty: ChangeSet = { added: [], changed: [], removed: [] };
    const none: ModelChanges = { virtualHosts: empty, tcpProxies: empty, clusters: empty, secrets: empty };
    const first = translator.translateChanges({ model: c.model, base: undefined, changes: none, endpoints: endpointSource(c.slices), dirtyServices: [] });
    assert.equal(first.resources.changes, undefined);
    const other: Model = { ...c.model, virtualHosts: c.model.virtualHosts.slice(1) };
    // Wrong base: the claimed changes (none) are not trusted.
    const second = translator.translateChanges({ model: other, base: other, changes: none, endpoints: endpointSource(c.slices), dirtyServices: [] });
    assert.deepEqual(resourcesToJson(second.resources), resourcesToJson(createTranslator(c.options).translate(other, c.slices)));
  });
});
