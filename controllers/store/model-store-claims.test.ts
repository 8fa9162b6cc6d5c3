import assert from "node:assert/strict";
import { createModelStore } from "./model-store.js";
import { ingressFragment, ingressKey, proxyKey, rootFragment, tlsSecret } from "./testdata/fragments.js";
import type { ObjectKey } from "../source/object-cache.js";

const childKey = (name: string): ObjectKey => ({ kind: "HTTPProxy", namespace: "team", name });


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

  it("lets an Ingress of the owner's namespace add routes to a claimed host but not replace its TLS", () => {
    const store = createModelStore();
    const own = tlsSecret("own", "1111111111", "roots");
    const other = tlsSecret("other", "2222222222", "roots");
    store.put(proxyKey("root"), rootFragment(proxyKey("root"), "www.example.com", { secret: own }));
    store.put(ingressKey("acme", "roots"), ingressFragment(ingressKey("acme", "roots"), { "www.example.com": ["/.well-known/acme-challenge/x"] }, { secret: other }));
    const v = store.model().virtualHosts[0];
    assert.equal(v?.tls?.secret, own.name);
    assert.deepEqual(v?.routes.map((r) => r.match.path.value), ["/.well-known/acme-challenge/x", "/"]);
    assert.deepEqual(store.conditions(ingressKey("acme", "roots"))?.map((c) => c.reason), ["TLSConflict"]);
    assert.deepEqual(store.model().secrets.map((s) => s.name), [own.name]);
  });

  it("keeps the owner's TCP proxy host off the HTTPS virtual hosts an Ingress would add", () => {
    const store = createModelStore();
    store.put(proxyKey("tcp"), rootFragment(proxyKey("tcp"), "pass.example.com", { prefixes: [], tcp: true }));
    store.put(ingressKey("sneaky", "roots"), ingressFragment(ingressKey("sneaky", "roots"), { "pass.example.com": ["/"] }, { secret: tlsSecret("s", "1111111111", "roots") }));
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
    // An Ingress merging into a host: only the contributors whose conflicts changed are reported.
    store.put(ingressKey("i"), ingressFragment(ingressKey("i"), { "x.com": ["/"] }));
    store.put(ingressKey("k"), ingressFragment(ingressKey("k"), { "x.com": ["/k"] }));
    store.takeChanged();
    store.put(ingressKey("j"), ingressFragment(ingressKey("j"), { "x.com": ["/"] }));
    assert.deepEqual(store.takeChanged().map((k) => k.name), ["j"], "i keeps its route, k is untouched: neither is looked at again");
    store.delete(ingressKey("i"));
    assert.deepEqual(store.takeChanged().map((k) => k.name), ["i", "j"], "j wins the route now");
  });
});
