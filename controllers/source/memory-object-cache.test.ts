import assert from "node:assert/strict";
import { createObjectCache } from "./memory-object-cache.js";
import { ingress, secret, service, port } from "./testdata/fixtures.js";
import { CA_CRT } from "./testdata/certs.js";

describe("createObjectCache", () => {
  it("stores, gets and removes objects by kind, namespace and name", () => {
    const cache = createObjectCache();
    assert.equal(cache.insert(service("web", [port(80)])), true);
    assert.equal(cache.get("Service", "default", "web")?.metadata?.name, "web");
    assert.equal(cache.get("Service", "other", "web"), undefined);
    assert.equal(cache.remove({ kind: "Service", namespace: "default", name: "web" }), true);
    assert.equal(cache.remove({ kind: "Service", namespace: "default", name: "web" }), false);
    assert.equal(cache.size(), 0);
  });

  it("lists sorted by namespace then name, all or one namespace", () => {
    const cache = createObjectCache();
    for (const [ns, name] of [["b", "z"], ["a", "y"], ["b", "a"], ["a", "x"]] as const) cache.insert(service(name, [], { namespace: ns }));
    assert.deepEqual(cache.list("Service").map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`), ["a/x", "a/y", "b/a", "b/z"]);
    assert.deepEqual(cache.list("Service", "b").map((o) => o.metadata?.name), ["a", "z"]);
    assert.deepEqual(cache.list("Ingress"), []);
    cache.insert(service("c", [], { namespace: "b" }));
    assert.deepEqual(cache.list("Service", "b").map((o) => o.metadata?.name), ["a", "c", "z"]);
  });

  it("ignores a replay of the same resourceVersion and generation", () => {
    const cache = createObjectCache();
    const v1 = service("web", [port(80)], { resourceVersion: "1" });
    assert.equal(cache.insert(v1), true);
    assert.equal(cache.insert({ ...v1 }), false);
    assert.equal(cache.insert(service("web", [port(81)], { resourceVersion: "2" })), true);
    assert.equal(cache.get("Service", "default", "web")?.metadata?.resourceVersion, "2");
  });

  it("takes the kind from the argument when the object lacks it", () => {
    const cache = createObjectCache();
    const { kind: _kind, ...bare } = ingress("i", {});
    assert.equal(cache.insert(bare), false);
    assert.equal(cache.insert(bare, "Ingress"), true);
    assert.equal(cache.size("Ingress"), 1);
  });

  it("rejects unknown kinds and nameless objects without throwing", () => {
    const cache = createObjectCache();
    assert.equal(cache.insert({ kind: "PodDisruptionBudget", metadata: { name: "x" } }), false);
    assert.equal(cache.insert({ kind: "Service", metadata: {} }), false);
    assert.equal(cache.insert({ kind: "Service" }), false);
  });

  it("keeps only TLS Secrets and generic Secrets with a CA bundle", () => {
    const cache = createObjectCache();
    const table: [string, ReturnType<typeof secret>, boolean][] = [
      ["tls", secret("a", "kubernetes.io/tls", { "tls.crt": "x", "tls.key": "y" }), true],
      ["opaque with ca.crt", secret("b", "Opaque", { "ca.crt": CA_CRT }), true],
      ["untyped with ca.crt", secret("c", "", { "ca.crt": CA_CRT }), true],
      ["opaque without ca.crt", secret("d", "Opaque", { password: "hunter2" }), false],
      ["service account token", secret("e", "kubernetes.io/service-account-token", { token: "t" }), false],
      ["docker config", secret("f", "kubernetes.io/dockerconfigjson", { ".dockerconfigjson": "{}" }), false],
    ];
    for (const [what, s, kept] of table) assert.equal(cache.insert(s), kept, what);
    assert.deepEqual(cache.list("Secret").map((s) => s.metadata?.name), ["a", "b", "c"]);
  });

  it("drops a Secret that stops being interesting and reports the change", () => {
    const cache = createObjectCache();
    cache.insert(secret("ca", "Opaque", { "ca.crt": CA_CRT }));
    assert.equal(cache.insert(secret("ca", "Opaque", { other: "x" })), true);
    assert.equal(cache.get("Secret", "default", "ca"), undefined);
    assert.equal(cache.insert(secret("ca", "Opaque", { other: "y" })), false);
  });

  it("does not keep managedFields", () => {
    const cache = createObjectCache();
    const s = service("web", []);
    cache.insert({ ...s, metadata: { ...s.metadata, managedFields: [{ manager: "kubectl" }] } });
    assert.equal(cache.get("Service", "default", "web")?.metadata?.managedFields, undefined);
  });
});
