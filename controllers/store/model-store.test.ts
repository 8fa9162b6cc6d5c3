import assert from "node:assert/strict";
import { createModelStore } from "./model-store.js";
import { ingressFragment, ingressKey, tlsSecret } from "./testdata/fragments.js";
import type { Fragment } from "./fragment.js";
import type { ObjectKey } from "../source/object-cache.js";

const paths = (m: ReturnType<ReturnType<typeof createModelStore>["model"]>, fqdn: string): string[] =>
  (m.virtualHosts.find((v) => v.fqdn === fqdn)?.routes ?? []).map((r) => `${r.match.path.value}<-${r.source.name}`);

describe("createModelStore: merging", () => {
  it("merges the routes of several sources for one fqdn", () => {
    const store = createModelStore();
    store.put(ingressKey("a"), ingressFragment(ingressKey("a"), { "x.com": ["/a"] }, { service: "sa" }));
    store.put(ingressKey("b"), ingressFragment(ingressKey("b"), { "x.com": ["/b", "/"] }, { service: "sb" }));
    const m = store.model();
    assert.deepEqual(paths(m, "x.com"), ["/b<-b", "/a<-a", "/<-b"]);
    assert.deepEqual(m.clusters.map((c) => c.name), ["default/sa/80/0000000000", "default/sb/80/0000000000"]);
  });

  it("gives a duplicate match to the first source by key and tells the other", () => {
    const store = createModelStore();
    store.put(ingressKey("b"), ingressFragment(ingressKey("b"), { "x.com": ["/", "/b"] }));
    store.put(ingressKey("a"), ingressFragment(ingressKey("a"), { "x.com": ["/"] }));
    assert.deepEqual(paths(store.model(), "x.com"), ["/b<-b", "/<-a"]);
    assert.deepEqual(store.conditions(ingressKey("a"))?.map((c) => c.reason), ["Valid"]);
    const lost = store.conditions(ingressKey("b")) ?? [];
    assert.deepEqual(lost.map((c) => c.reason), ["DuplicateRoute"]);
    assert.match(lost[0]?.message ?? "", /host "x\.com": path prefix "\/" is already routed by Ingress\/default\/a/u);
  });

  it("hands the route over when the winner goes away", () => {
    const store = createModelStore();
    store.put(ingressKey("a"), ingressFragment(ingressKey("a"), { "x.com": ["/"] }));
    store.put(ingressKey("b"), ingressFragment(ingressKey("b"), { "x.com": ["/"] }));
    assert.equal(store.delete(ingressKey("a")), true);
    assert.equal(store.delete(ingressKey("a")), false);
    assert.deepEqual(paths(store.model(), "x.com"), ["/<-b"]);
    assert.deepEqual(store.conditions(ingressKey("b"))?.map((c) => c.reason), ["Valid"]);
    assert.equal(store.conditions(ingressKey("a")), undefined);
  });

  it("keeps the first source's TLS for an fqdn and tells the other; the unused secret is not served", () => {
    const store = createModelStore();
    const s1 = tlsSecret("one");
    const s2 = tlsSecret("two");
    store.put(ingressKey("a"), ingressFragment(ingressKey("a"), { "x.com": ["/a"] }, { secret: s1 }));
    store.put(ingressKey("b"), ingressFragment(ingressKey("b"), { "x.com": ["/b"] }, { secret: s2 }));
    const m = store.model();
    assert.equal(m.virtualHosts[0]?.tls?.secret, s1.name);
    assert.deepEqual(paths(m, "x.com"), ["/b<-b", "/a<-a"]);
    assert.deepEqual(m.secrets.map((s) => s.name), [s1.name]);
    assert.deepEqual(store.conditions(ingressKey("b"))?.map((c) => c.reason), ["TLSConflict"]);
  });

  it("agrees when two sources give the same TLS settings", () => {
    const store = createModelStore();
    const s = tlsSecret("shared");
    store.put(ingressKey("a"), ingressFragment(ingressKey("a"), { "x.com": ["/a"] }, { secret: s }));
    store.put(ingressKey("b"), ingressFragment(ingressKey("b"), { "x.com": ["/b"] }, { secret: s }));
    assert.deepEqual(store.conditions(ingressKey("b"))?.map((c) => c.reason), ["Valid"]);
    assert.deepEqual(store.model().secrets.map((x) => x.name), [s.name]);
  });

  it("serves one source's routes with another source's TLS, and drops hosts nobody routes", () => {
    const store = createModelStore();
    const s = tlsSecret("cert");
    store.put(ingressKey("tls"), ingressFragment(ingressKey("tls"), { "x.com": [], "y.com": [] }, { secret: s }));
    store.put(ingressKey("app"), ingressFragment(ingressKey("app"), { "x.com": ["/"] }));
    const m = store.model();
    assert.deepEqual(m.virtualHosts.map((v) => [v.fqdn, v.tls?.secret]), [["x.com", s.name]]);
    assert.deepEqual(m.secrets.map((x) => x.name), [s.name]);
    store.delete(ingressKey("app"));
    assert.deepEqual(store.model(), { virtualHosts: [], tcpProxies: [], clusters: [], secrets: [] });
  });

  it("deduplicates clusters by name", () => {
    const store = createModelStore();
    for (const n of ["a", "b", "c"]) store.put(ingressKey(n), ingressFragment(ingressKey(n), { [`${n}.com`]: ["/"] }));
    assert.equal(store.model().clusters.length, 1);
  });

  it("returns the same model object until something changes", () => {
    const store = createModelStore();
    store.put(ingressKey("a"), ingressFragment(ingressKey("a"), { "x.com": ["/"] }));
    const m = store.model();
    assert.equal(store.model(), m);
    store.put(ingressKey("a"), ingressFragment(ingressKey("a"), { "x.com": ["/"] }));
    assert.notEqual(store.model(), m);
    assert.deepEqual(store.model(), m);
  });
});

describe("createModelStore: determinism", () => {
  function shuffled<T>(items: readonly T[], seed: number): T[] {
    const out = [...items];
    let s = seed;
    for (let i = out.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  const inputs: [ObjectKey, Fragment][] = [];
  for (let i = 0; i < 40; i++) {
    const key = ingressKey(`ing-${i}`, `ns-${i % 3}`);
    const hosts: Record<string, string[]> = { [`h${i % 7}.com`]: ["/", `/p${i % 5}`], "*": [`/shared${i % 4}`] };
    inputs.push([key, ingressFragment(key, hosts, { service: `svc-${i % 6}`, ...(i % 3 === 0 ? { secret: tlsSecret(`cert-${i % 2}`, "2222222222", key.namespace) } : {}) })]);
  }

  it("builds byte-identical models and conditions from any order of puts", () => {
    const outputs = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const store = createModelStore();
      for (const [k, f] of shuffled(inputs, seed)) store.put(k, f);
      const conditions = inputs.map(([k]) => store.conditions(k));
      outputs.add(JSON.stringify({ model: store.model(), conditions }));
    }
    assert.equal(outputs.size, 1);
  });

  it("ends where a fresh store would after updates and deletes", () => {
    const store = createModelStore();
    for (const [k, f] of inputs) store.put(k, f);
    store.model();
    const [k0, f0] = inputs[0] as [ObjectKey, Fragment];
    const [k1] = inputs[1] as [ObjectKey, Fragment];
    store.delete(k0);
    store.put(k1, ingressFragment(k1, { "new.com": ["/n"] }));
    store.put(k0, f0);
    store.put(k1, (inputs[1] as [ObjectKey, Fragment])[1]);
    const fresh = createModelStore();
    for (const [k, f] of shuffled(inputs, 99)) fresh.put(k, f);
    assert.equal(JSON.stringify(store.model()), JSON.stringify(fresh.model()));
  });
});

describe("createModelStore: dependents", () => {
  it("finds the sources that read an object, by exact key or by the namespace's * key", () => {
    const store = createModelStore();
    const base = ingressFragment(ingressKey("a"), { "x.com": ["/"] });
    store.put(ingressKey("a"), { ...base, dependencies: [{ kind: "Secret", namespace: "certs", name: "wild" }, { kind: "TLSCertificateDelegation", namespace: "certs", name: "*" }] });
    store.put(ingressKey("b"), { ...base, source: { kind: "Ingress", namespace: "default", name: "b" }, dependencies: [{ kind: "Secret", namespace: "certs", name: "wild" }] });
    assert.deepEqual(store.dependents({ kind: "Secret", namespace: "certs", name: "wild" }).map((k) => k.name), ["a", "b"]);
    assert.deepEqual(store.dependents({ kind: "TLSCertificateDelegation", namespace: "certs", name: "new-one" }).map((k) => k.name), ["a"]);
    assert.deepEqual(store.dependents({ kind: "Secret", namespace: "certs", name: "other" }), []);
    store.put(ingressKey("b"), { ...base, dependencies: [] });
    assert.deepEqual(store.dependents({ kind: "Secret", namespace: "certs", name: "wild" }).map((k) => k.name), ["a"]);
    store.delete(ingressKey("a"));
    assert.deepEqual(store.dependents({ kind: "Secret", namespace: "certs", name: "wild" }), []);
    assert.deepEqual(store.sources(), [ingressKey("b")]);
  });
});
