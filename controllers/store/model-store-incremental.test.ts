// The incremental store against the simplest possible one: after every put or delete of a random
// sequence, the model, every condition and the reported changes must be what a fresh store built from
// the same fragments says.
import assert from "node:assert/strict";
import { createModelStore, type ModelStore } from "./model-store.js";
import { cluster, ingressFragment, ingressKey, proxyKey, rootFragment, tlsSecret } from "./testdata/fragments.js";
import type { Fragment } from "./fragment.js";
import type { Model } from "../model/model.js";
import { formatKey, type ObjectKey } from "../source/object-cache.js";

/** A small deterministic PRNG (a linear congruential generator), so that a failure is replayable by seed. */
function prng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

const NAMESPACES = ["ns-a", "ns-b", "ns-c"];
const HOSTS = ["h0.com", "h1.com", "h2.com", "h3.com"];

/** One of many fragments a source might have: Ingresses on shared hosts, roots claiming them, TLS, TCP, upstream CAs. */
function candidate(rand: (n: number) => number, key: ObjectKey): Fragment {
  const ns = key.namespace;
  const host = HOSTS[rand(HOSTS.length)] as string;
  const secret = rand(3) === 0 ? tlsSecret(`cert-${rand(2)}`, "1111111111", ns) : undefined;
  if (key.kind === "HTTPProxy") {
    const base = rootFragment(key, host, { prefixes: rand(4) === 0 ? [] : ["/", `/p${rand(3)}`], ...(secret !== undefined ? { secret } : {}), tcp: rand(5) === 0 });
    if (rand(3) !== 0) return base;
    // A cluster that checks its upstream against a CA Secret: the Secret is served only while the cluster is.
    const ca = tlsSecret("upstream-ca", "3333333333", ns);
    const c = { ...cluster(`svc-${key.name}`, 443, ns), name: `${ns}/svc-${key.name}/443/ca`, upstreamValidation: { caSecret: ca.name, subjectName: "backend" } };
    return { ...base, clusters: [...base.clusters, c], secrets: [...base.secrets, ca] };
  }
  const hosts: Record<string, string[]> = { [host]: rand(2) === 0 ? ["/"] : [`/i${rand(3)}`] };
  if (rand(2) === 0) hosts[HOSTS[rand(HOSTS.length)] as string] = [`/j${rand(2)}`];
  return ingressFragment(key, hosts, { service: `web-${rand(2)}`, ...(secret !== undefined ? { secret } : {}) });
}

const KEYS: ObjectKey[] = [
  ...NAMESPACES.flatMap((ns) => [ingressKey("i1", ns), ingressKey("i2", ns)]),
  ...NAMESPACES.flatMap((ns) => [proxyKey("p1", ns), proxyKey("p2", ns)]),
];

function fresh(current: ReadonlyMap<string, [ObjectKey, Fragment]>): ModelStore {
  const store = createModelStore();
  // The reverse order of keys: order of puts must not matter either.
  for (const [k, f] of [...current.values()].reverse()) store.put(k, f);
  return store;
}

function everyCondition(store: ModelStore): string {
  const related = NAMESPACES.map((ns) => ({ kind: "HTTPProxy" as const, namespace: ns, name: "child" }));
  return JSON.stringify([...KEYS.map((k) => store.conditions(k)), ...related.map((k) => store.relatedConditions(k))]);
}

/** Names of a model list. */
const namesOf = (list: readonly { readonly fqdn?: string; readonly name?: string }[]): string[] => list.map((x) => x.fqdn ?? x.name ?? "");

function assertChanges(before: Model, after: Model, changes: ReturnType<ModelStore["takeModelChanges"]>, step: string): void {
  for (const kind of ["virtualHosts", "tcpProxies", "clusters", "secrets"] as const) {
    const was = new Map(before[kind].map((x) => [namesOf([x])[0], x] as const));
    const now = new Map(after[kind].map((x) => [namesOf([x])[0], x] as const));
    const want = {
      added: [...now.keys()].filter((n) => !was.has(n)),
      changed: [...now.keys()].filter((n) => was.has(n) && was.get(n) !== now.get(n)),
      removed: [...was.keys()].filter((n) => !now.has(n)),
    };
    assert.deepEqual(changes[kind], want, `${step}: ${kind} changes`);
  }
}

describe("createModelStore: incremental results equal a fresh store's", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`after each of 150 random puts and deletes (seed ${seed})`, () => {
      const rand = prng(seed);
      const store = createModelStore();
      const current = new Map<string, [ObjectKey, Fragment]>();
      let model = store.model();
      let conditions = everyCondition(store);
      store.takeModelChanges();
      for (let step = 0; step < 150; step++) {
        const key = KEYS[rand(KEYS.length)] as ObjectKey;
        const label = `seed ${seed} step ${step}`;
        if (rand(4) === 0) {
          store.delete(key);
          current.delete(formatKey(key));
        } else {
          // Sometimes a visited child, so related conditions are exercised too.
          const f = candidate(rand, key);
          const withChild = key.kind === "HTTPProxy" && rand(2) === 0 ? { ...f, related: [{ key: { kind: "HTTPProxy" as const, namespace: key.namespace, name: "child" }, conditions: f.conditions }] } : f;
          store.put(key, withChild);
          current.set(formatKey(key), [key, withChild]);
        }
        const next = store.model();
        const reference = fresh(current);
        assert.equal(JSON.stringify(next), JSON.stringify(reference.model()), `${label}: model`);
        const nextConditions = everyCondition(store);
        assert.equal(nextConditions, everyCondition(reference), `${label}: conditions`);
        // Every key whose conditions changed is reported (more may be: a put reports its own key).
        const reported = new Set(store.takeChanged().map(formatKey));
        const was = JSON.parse(conditions) as unknown[];
        const now = JSON.parse(nextConditions) as unknown[];
        KEYS.forEach((k, i) => {
          if (JSON.stringify(was[i]) !== JSON.stringify(now[i])) assert.ok(reported.has(formatKey(k)), `${label}: ${formatKey(k)} changed but was not reported`);
        });
        assertChanges(model, next, store.takeModelChanges(), label);
        model = next;
        conditions = nextConditions;
      }
    });
  }

  it("serves an upstream CA Secret while a served cluster refers to it, and only then", () => {
    const store = createModelStore();
    const key = proxyKey("p", "ns-a");
    const ca = tlsSecret("upstream-ca", "3333333333", "ns-a");
    const base = rootFragment(key, "x.com");
    const checked = { ...cluster("tls-svc", 443, "ns-a"), name: "ns-a/tls-svc/443/ca", upstreamValidation: { caSecret: ca.name, subjectName: "backend" } };
    store.put(key, { ...base, clusters: [...base.clusters, checked], secrets: [ca] });
    assert.deepEqual(store.model().secrets.map((x) => x.name), [ca.name]);
    store.put(key, { ...base, secrets: [ca] });
    assert.deepEqual(store.model().secrets, [], "held but referred to by nothing served");
    store.put(key, { ...base, clusters: [...base.clusters, checked], secrets: [ca] });
    assert.deepEqual(store.model().secrets.map((x) => x.name), [ca.name]);
    // A second root claiming x.com refuses the first: its cluster, and so the CA, are no longer served.
    store.put(proxyKey("q", "ns-a"), rootFragment(proxyKey("q", "ns-a"), "x.com"));
    assert.deepEqual([store.model().clusters, store.model().secrets], [[], []]);
  });

  it("reports no change for a cluster put again with the same content, and keeps unchanged lists and hosts", () => {
    const store = createModelStore();
    const a = ingressKey("a", "ns-a");
    store.put(a, ingressFragment(a, { "x.com": ["/"] }));
    store.put(ingressKey("b", "ns-a"), ingressFragment(ingressKey("b", "ns-a"), { "y.com": ["/"] }));
    const m = store.model();
    store.takeModelChanges();
    // b is put again with a fresh copy of the same cluster: only its host is merged again.
    store.put(ingressKey("b", "ns-a"), ingressFragment(ingressKey("b", "ns-a"), { "y.com": ["/"] }));
    const changes = store.takeModelChanges();
    assert.deepEqual(changes.clusters, { added: [], changed: [], removed: [] }, "the same cluster content is no change");
    assert.deepEqual(changes.virtualHosts.changed, ["y.com"]);
    assert.equal(store.model().clusters, m.clusters, "an unchanged list is the same array");
    assert.equal(store.model().virtualHosts[0], m.virtualHosts[0], "x.com was not merged again");
  });
});
