import assert from "node:assert/strict";
import { createModelStore } from "./model-store.js";
import { cluster, ingressFragment, ingressKey, route, tlsSecret } from "./testdata/fragments.js";
import type { Fragment } from "./fragment.js";
import type { ObjectKey } from "../source/object-cache.js";

const proxyKey = (name: string, namespace = "roots"): ObjectKey => ({ kind: "HTTPProxy", namespace, name });
const childKey = (name: string): ObjectKey => ({ kind: "HTTPProxy", namespace: "team", name });

/** A root HTTPProxy's fragment: one host claimed exclusively, routes to one Service, a child visited. */
function rootFragment(key: ObjectKey, fqdn: string, o: { prefixes?: string[]; secret?: ReturnType<typeof tlsSecret>; child?: ObjectKey; tcp?: boolean } = {}): Fragment {
  const c = cluster(`svc-${key.name}`, 80, key.namespace);
  return {
    source: { kind: key.kind, namespace: key.namespace, name: key.name },
    virtualHosts: (o.prefixes ?? ["/"]).length > 0 ? [{ fqdn, routes: (o.prefixes ?? ["/"]).map((p) => route(key, p, c)), ...(o.secret !== undefined ? { tls: { secret: o.secret.name, minimumProtocolVersion: "1.2" as const, maximumProtocolVersion: "1.3" as const } } : {}) }] : [],
    tcpProxies: o.tcp === true ? [{ fqdn, source: { kind: key.kind, namespace: key.namespace, name: key.name }, clusters: [{ cluster: c.name, weight: 1 }] }] : [],
    clusters: [c],
    secrets: o.secret !== undefined ? [o.secret] : [],
    conditions: [{ type: "Valid", status: "True", reason: "Valid", message: "Valid HTTPProxy" }],
    dependencies: o.child !== undefined ? [o.child] : [],
    exclusiveFqdn: fqdn,
    related: o.child !== undefined ? [{ key: o.child, conditions: [{ type: "Valid", status: "True", reason: "Valid", message: "Valid HTTPProxy" }] }] : [],
  };
}

describe("createModelStore: exclusive host claims", () => {
  it("serves neither of two roots claiming one fqdn (case-insensitively) and tells both", () => {
    const store = createModelStore();
    store.put(proxyKey("first"), rootFragment(proxyKey("first"), "shop.example.com", { child: childKey("cart") }));
    assert.deepEqual(store.model().virtualHosts.map((v) => v.fqdn), ["shop.example.com"]);
    store.put(proxyKey("second", "other"), rootFragment(proxyKey("second", "other"), "SHOP.example.com"));
    const m = store.model();
    assert.deepEqual(m.virtualHosts, []);
    assert.deepEqual(m.clusters, [], "a refused root's clusters are not served either");
    for (const k of [proxyKey("first"), proxyKey("second", "other")]) {
      const c = store.conditions(k) ?? [];
      assert.deepEqual(c.map((x) => [x.reason, x.category]), [["DuplicateVhost", "VirtualHostError"]]);
      assert.equal(c[0]?.message, 'fqdn "shop.example.com" is used in multiple HTTPProxies: other/second, roots/first');
    }
    assert.equal(store.relatedConditions(childKey("cart")), undefined, "the refused root's children are orphaned");
    store.delete(proxyKey("second", "other"));
    assert.deepEqual(store.model().virtualHosts.map((v) => v.fqdn), ["shop.example.com"]);
    assert.deepEqual(store.conditions(proxyKey("first"))?.map((x) => x.reason), ["Valid"]);
    assert.deepEqual(store.relatedConditions(childKey("cart"))?.map((x) => x.reason), ["Valid"]);
  });

  it("refuses a claimant's TCP proxy too", () => {
    const store = createModelStore();
    store.put(proxyKey("a"), rootFragment(proxyKey("a"), "t.com", { prefixes: [], tcp: true }));
    store.put(proxyKey("b"), rootFragment(proxyKey("b"), "t.com", { prefixes: [], tcp: true }));
    assert.deepEqual(store.model().tcpProxies, []);
    store.delete(proxyKey("a"));
    assert.deepEqual(store.model().tcpProxies.map((t) => t.source.name), ["b"]);
  });

  it("lets Ingresses add routes to a claimed host but not replace its TLS", () => {
    const store = createModelStore();
    const own = tlsSecret("own", "1111111111", "roots");
    const other = tlsSecret("other", "2222222222", "default");
    store.put(proxyKey("root"), rootFragment(proxyKey("root"), "www.example.com", { secret: own }));
    // "Ingress/..." would sort after "HTTPProxy/..." anyway; the owner wins even where it would not.
    store.put(ingressKey("acme"), ingressFragment(ingressKey("acme"), { "www.example.com": ["/.well-known/acme-challenge/x"] }, { secret: other }));
    const v = store.model().virtualHosts[0];
    assert.equal(v?.tls?.secret, own.name);
    assert.deepEqual(v?.routes.map((r) => r.match.path.value), ["/.well-known/acme-challenge/x", "/"]);
    assert.deepEqual(store.conditions(ingressKey("acme"))?.map((c) => c.reason), ["TLSConflict"]);
    assert.deepEqual(store.model().secrets.map((s) => s.name), [own.name]);
  });

  it("keeps the owner's TCP proxy host off the HTTPS virtual hosts an Ingress would add", () => {
    const store = createModelStore();
    store.put(proxyKey("tcp"), rootFragment(proxyKey("tcp"), "pass.example.com", { prefixes: [], tcp: true }));
    store.put(ingressKey("sneaky"), ingressFragment(ingressKey("sneaky"), { "pass.example.com": ["/"] }, { secret: tlsSecret("s") }));
    const m = store.model();
    assert.equal(m.virtualHosts[0]?.tls, undefined, "no secure virtual host competes with the TCP proxy for the SNI name");
    assert.equal(m.tcpProxies.length, 1);
  });
});

describe("createModelStore: related conditions and changes", () => {
  it("merges what several roots found for one included proxy", () => {
    const store = createModelStore();
    const a = rootFragment(proxyKey("a"), "a.com", { child: childKey("shared") });
    const b = rootFragment(proxyKey("b"), "b.com", { child: childKey("shared") });
    store.put(proxyKey("a"), a);
    store.put(proxyKey("b"), { ...b, related: [{ key: childKey("shared"), conditions: [{ type: "Valid", status: "False", reason: "IncludeCreatesCycle", message: "x", category: "IncludeError" }] }] });
    assert.deepEqual(store.relatedConditions(childKey("shared"))?.map((c) => c.reason), ["IncludeCreatesCycle"]);
    store.delete(proxyKey("b"));
    assert.deepEqual(store.relatedConditions(childKey("shared"))?.map((c) => c.reason), ["Valid"]);
    store.delete(proxyKey("a"));
    assert.equal(store.relatedConditions(childKey("shared")), undefined);
  });

  it("reports the keys whose conditions may have changed, then nothing until the next change", () => {
    const store = createModelStore();
    store.put(proxyKey("a"), rootFragment(proxyKey("a"), "a.com", { child: childKey("c") }));
    assert.deepEqual(store.takeChanged().map((k) => `${k.kind}/${k.namespace}/${k.name}`), ["HTTPProxy/roots/a", "HTTPProxy/team/c"]);
    assert.deepEqual(store.takeChanged(), []);
    // A second claimant changes the first one's status (and its child's) without the first being put again.
    store.put(proxyKey("b"), rootFragment(proxyKey("b"), "a.com"));
    assert.deepEqual(store.takeChanged().map((k) => k.name), ["a", "b", "c"]);
    // An Ingress merging into a host: every contributor of that host may have a new conflict.
    store.put(ingressKey("i"), ingressFragment(ingressKey("i"), { "x.com": ["/"] }));
    store.takeChanged();
    store.put(ingressKey("j"), ingressFragment(ingressKey("j"), { "x.com": ["/"] }));
    assert.deepEqual(store.takeChanged().map((k) => k.name), ["i", "j"]);
  });
});
