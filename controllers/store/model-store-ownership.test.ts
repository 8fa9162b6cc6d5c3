import assert from "node:assert/strict";
import { createModelStore, type ModelStore } from "./model-store.js";
import { ingressFragment, ingressKey, proxyKey, rootFragment, tlsSecret } from "./testdata/fragments.js";
import type { Fragment } from "./fragment.js";
import { formatKey, type ObjectKey } from "../source/object-cache.js";

// Tenant A's root proxy owns a.sec.test; tenants' Ingresses try to add paths to it.
const OWNER = proxyKey("app-a", "tenant-a");
const ownerFragment = (o: { prefixes?: string[] } = {}): Fragment => rootFragment(OWNER, "a.sec.test", { secret: tlsSecret("a-cert", "1111111111", "tenant-a"), ...o });

/** `path<-namespace/name` for each route of a host. */
function served(store: ModelStore, fqdn: string): string[] {
  return (store.model().virtualHosts.find((v) => v.fqdn === fqdn)?.routes ?? []).map((r) => `${r.match.path.value}<-${r.source.namespace}/${r.source.name}`);
}

const reasons = (store: ModelStore, key: ObjectKey): string[] | undefined => store.conditions(key)?.map((c) => c.reason);

interface Case {
  readonly name: string;
  /** Put in this order; the result must not depend on it (checked in reverse too). */
  readonly puts: readonly (readonly [ObjectKey, Fragment])[];
  readonly served: Readonly<Record<string, readonly string[]>>;
  readonly reasons: readonly (readonly [ObjectKey, readonly string[]])[];
}

const hijack = ingressKey("hijack", "tenant-b");
const same = ingressKey("acme", "tenant-a");

const cases: readonly Case[] = [
  {
    name: "another namespace's Ingress adds no path to a proxy's host; both are told",
    puts: [
      [OWNER, ownerFragment()],
      [hijack, ingressFragment(hijack, { "a.sec.test": ["/hijack"] })],
    ],
    served: { "a.sec.test": ["/<-tenant-a/app-a"] },
    reasons: [
      [hijack, ["HostOwnedByAnotherNamespace"]],
      [OWNER, ["Valid", "ForeignRoutesRefused"]],
    ],
  },
  {
    name: "another namespace's Ingress colliding with the owner's route is refused too, not merged",
    puts: [
      [OWNER, ownerFragment()],
      [hijack, ingressFragment(hijack, { "a.sec.test": ["/"] })],
    ],
    served: { "a.sec.test": ["/<-tenant-a/app-a"] },
    reasons: [
      [hijack, ["HostOwnedByAnotherNamespace"]],
      [OWNER, ["Valid", "ForeignRoutesRefused"]],
    ],
  },
  {
    name: "only the owned host of a multi-host Ingress is refused",
    puts: [
      [OWNER, ownerFragment()],
      [hijack, ingressFragment(hijack, { "a.sec.test": ["/x"], "b.sec.test": ["/"] })],
    ],
    served: { "a.sec.test": ["/<-tenant-a/app-a"], "b.sec.test": ["/<-tenant-b/hijack"] },
    reasons: [
      [hijack, ["HostOwnedByAnotherNamespace"]],
      [OWNER, ["Valid", "ForeignRoutesRefused"]],
    ],
  },
  {
    name: "the owner's own namespace may add paths (as upstream); a colliding path stays the owner's",
    puts: [
      [OWNER, ownerFragment()],
      [same, ingressFragment(same, { "a.sec.test": ["/.well-known/acme-challenge/t", "/"] })],
    ],
    served: { "a.sec.test": ["/.well-known/acme-challenge/t<-tenant-a/acme", "/<-tenant-a/app-a"] },
    reasons: [
      [same, ["DuplicateRoute"]],
      [OWNER, ["Valid"]],
    ],
  },
  {
    name: "a root that serves nothing (an error, no routes) still owns its host and is told",
    puts: [
      [OWNER, { ...ownerFragment({ prefixes: [] }), conditions: [{ type: "Valid", status: "False", reason: "AuthNotSupported", message: "x" }] }],
      [hijack, ingressFragment(hijack, { "a.sec.test": ["/"] })],
    ],
    served: { "a.sec.test": [] },
    reasons: [
      [hijack, ["HostOwnedByAnotherNamespace"]],
      [OWNER, ["AuthNotSupported", "ForeignRoutesRefused"]],
    ],
  },
  {
    name: "two roots fighting over a host do not hand it to a third namespace",
    puts: [
      [OWNER, ownerFragment()],
      [proxyKey("app-a2", "tenant-a"), rootFragment(proxyKey("app-a2", "tenant-a"), "a.sec.test")],
      [hijack, ingressFragment(hijack, { "a.sec.test": ["/"] })],
      [same, ingressFragment(same, { "a.sec.test": ["/ok"] })],
    ],
    served: { "a.sec.test": ["/ok<-tenant-a/acme"] },
    reasons: [
      [hijack, ["HostOwnedByAnotherNamespace"]],
      [same, ["Valid"]],
      [OWNER, ["DuplicateVhost"]],
    ],
  },
  {
    name: "Ingresses of two namespaces on a host no proxy claims merge as before",
    puts: [
      [same, ingressFragment(same, { "c.sec.test": ["/a"] })],
      [hijack, ingressFragment(hijack, { "c.sec.test": ["/b"] })],
    ],
    served: { "c.sec.test": ["/b<-tenant-b/hijack", "/a<-tenant-a/acme"] },
    reasons: [
      [hijack, ["Valid"]],
      [same, ["Valid"]],
    ],
  },
];

describe("createModelStore: host ownership across APIs", () => {
  for (const c of cases) {
    for (const order of ["given", "reversed"] as const) {
      it(`${c.name} (${order} order)`, () => {
        const store = createModelStore();
        for (const [key, fragment] of order === "given" ? c.puts : [...c.puts].reverse()) store.put(key, fragment);
        for (const [fqdn, want] of Object.entries(c.served)) assert.deepEqual(served(store, fqdn), want, fqdn);
        for (const [key, want] of c.reasons) assert.deepEqual(reasons(store, key), want, formatKey(key));
      });
    }
  }

  it("keeps the owner's certificate and serves none of the intruder's TLS", () => {
    const store = createModelStore();
    store.put(OWNER, ownerFragment());
    store.put(hijack, ingressFragment(hijack, { "a.sec.test": ["/hijack"] }, { secret: tlsSecret("b-cert", "2222222222", "tenant-b") }));
    assert.equal(store.model().virtualHosts[0]?.tls?.secret, "tenant-a/a-cert/1111111111");
    assert.deepEqual(store.model().secrets.map((s) => s.name), ["tenant-a/a-cert/1111111111"]);
    assert.deepEqual(reasons(store, hijack), ["HostOwnedByAnotherNamespace"]);
  });

  it("tells each side when the other comes and goes, without the other being put again", () => {
    const store = createModelStore();
    store.put(hijack, ingressFragment(hijack, { "a.sec.test": ["/hijack"] }));
    assert.deepEqual(served(store, "a.sec.test"), ["/hijack<-tenant-b/hijack"]);
    store.takeChanged();
    // The owner arrives: the Ingress, never put again, loses the host and is reported as changed.
    store.put(OWNER, ownerFragment());
    assert.deepEqual(store.takeChanged().map(formatKey), ["HTTPProxy/tenant-a/app-a", "Ingress/tenant-b/hijack"]);
    assert.deepEqual(served(store, "a.sec.test"), ["/<-tenant-a/app-a"]);
    assert.deepEqual(reasons(store, hijack), ["HostOwnedByAnotherNamespace"]);
    assert.match(store.conditions(hijack)?.[0]?.message ?? "", /owned by HTTPProxy tenant-a\/app-a;/u);
    assert.match(store.conditions(OWNER)?.[1]?.message ?? "", /Ingress tenant-b\/hijack/u);
    // The intruder goes: the owner's warning goes with it.
    store.delete(hijack);
    assert.deepEqual(store.takeChanged().map(formatKey), ["HTTPProxy/tenant-a/app-a", "Ingress/tenant-b/hijack"]);
    assert.deepEqual(reasons(store, OWNER), ["Valid"]);
    // And back: the owner leaves, the Ingress is served again and valid.
    store.put(hijack, ingressFragment(hijack, { "a.sec.test": ["/hijack"] }));
    store.delete(OWNER);
    assert.deepEqual(served(store, "a.sec.test"), ["/hijack<-tenant-b/hijack"]);
    assert.deepEqual(reasons(store, hijack), ["Valid"]);
  });

  it("tells an owner with no routes on its host when an intruder comes", () => {
    const store = createModelStore();
    store.put(OWNER, ownerFragment({ prefixes: [] }));
    store.takeChanged();
    store.put(hijack, ingressFragment(hijack, { "a.sec.test": ["/"] }));
    assert.deepEqual(store.takeChanged().map(formatKey), ["HTTPProxy/tenant-a/app-a", "Ingress/tenant-b/hijack"]);
    assert.deepEqual(reasons(store, OWNER), ["Valid", "ForeignRoutesRefused"]);
  });
});
