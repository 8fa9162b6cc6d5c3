// The pipeline with HTTPProxies: which roots a change re-runs, and which statuses it recomputes.
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { createPipeline, type BuildResult, type Pipeline } from "./pipeline.js";
import { formatKey } from "../../controllers/source/object-cache.js";
import { port, service, tlsSecret } from "../../controllers/source/testdata/fixtures.js";
import { A_CRT, A_KEY } from "../../controllers/source/testdata/certs.js";
import { delegation, httpProxy, include, prefixRoute, rootProxy, to } from "../../controllers/httpproxy/testdata/fixtures.js";

const kindOf = (o: KubernetesObject) => o.kind as Parameters<Pipeline["apply"]>[0];

function setup(rootNamespaces: string[] = []) {
  const pipeline = createPipeline({ rootNamespaces, translate: {} });
  const add = (...objects: KubernetesObject[]): void => {
    for (const o of objects) pipeline.apply(kindOf(o), "add", o);
  };
  const remove = (o: KubernetesObject): void => void pipeline.apply(kindOf(o), "delete", o);
  const build = (): BuildResult => pipeline.build();
  const reconciledRoots = (r: BuildResult): string[] => r.reconciled.filter((x) => x.conditions !== undefined).map((x) => formatKey(x.key));
  const statuses = (r: BuildResult): Record<string, string> => Object.fromEntries(r.httpProxyStatuses.map((s) => [`${s.key.namespace}/${s.key.name}`, s.view?.currentStatus ?? "gone"]));
  return { pipeline, add, remove, build, reconciledRoots, statuses };
}

const teamSvc = service("web", [port(80)], { namespace: "team" });
const rootSvc = service("web", [port(80)], { namespace: "roots" });

describe("pipeline: HTTPProxy incremental rebuilds", () => {
  it("re-runs only the roots that include a changed child", () => {
    const t = setup();
    const child = httpProxy("child", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" });
    const a = rootProxy("a", "a.com", { includes: [include("child", "/c", "team")] }, { namespace: "roots" });
    const b = rootProxy("b", "b.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots" });
    t.add(teamSvc, rootSvc, child, a, b);
    const first = t.build();
    assert.deepEqual(t.statuses(first), { "roots/a": "valid", "roots/b": "valid", "team/child": "valid" });

    t.add(httpProxy("child", { routes: [prefixRoute("/v2", [to("web", 80)])] }, { namespace: "team" }));
    const second = t.build();
    assert.deepEqual(t.reconciledRoots(second), ["HTTPProxy/roots/a"]);
    assert.deepEqual(t.statuses(second), {}, "nothing's status changed");
    assert.deepEqual(t.pipeline.model().virtualHosts.find((v) => v.fqdn === "a.com")?.routes.map((r) => r.match.path.value), ["/c/v2"]);
  });

  it("re-runs a root when an include it missed appears, and orphans a child when its root goes", () => {
    const t = setup();
    const root = rootProxy("a", "a.com", { includes: [include("late", "/late", "team")], routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots" });
    t.add(teamSvc, rootSvc, root);
    assert.deepEqual(t.statuses(t.build()), { "roots/a": "invalid" });
    t.add(httpProxy("late", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" }));
    const r = t.build();
    assert.deepEqual(t.reconciledRoots(r), ["HTTPProxy/roots/a"]);
    assert.deepEqual(t.statuses(r), { "roots/a": "valid", "team/late": "valid" });
    t.remove(root);
    assert.deepEqual(t.statuses(t.build()), { "roots/a": "gone", "team/late": "orphaned" });
    assert.deepEqual(t.pipeline.httpProxyCounts(), { valid: 0, invalid: 0, orphaned: 1 });
  });

  it("re-runs a root when a TLSCertificateDelegation for its Secret appears", () => {
    const t = setup();
    const root = rootProxy("a", "a.com", { vhost: { tls: { secretName: "certs/wild" } }, routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots" });
    t.add(rootSvc, tlsSecret("wild", A_CRT, A_KEY, { namespace: "certs" }), root);
    assert.deepEqual(t.statuses(t.build()), { "roots/a": "invalid" });
    t.add(delegation("d", "certs", [{ secretName: "wild", targetNamespaces: ["roots"] }]));
    const r = t.build();
    assert.deepEqual(t.reconciledRoots(r), ["HTTPProxy/roots/a"]);
    assert.deepEqual(t.statuses(r), { "roots/a": "valid" });
    assert.equal(t.pipeline.model().virtualHosts[0]?.tls?.secret.startsWith("certs/wild/"), true);
  });

  it("invalidates both roots of one fqdn, the first one's children too, and restores them when the second goes", () => {
    const t = setup();
    const first = rootProxy("first", "shop.example.com", { includes: [include("cart", "/cart", "team")] }, { namespace: "roots" });
    const cart = httpProxy("cart", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" });
    t.add(teamSvc, rootSvc, first, cart);
    t.build();
    const second = rootProxy("second", "shop.example.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots" });
    t.add(second);
    const r = t.build();
    assert.deepEqual(t.reconciledRoots(r), ["HTTPProxy/roots/second"]);
    assert.deepEqual(t.statuses(r), { "roots/first": "invalid", "roots/second": "invalid", "team/cart": "orphaned" });
    assert.deepEqual(t.pipeline.model().virtualHosts, []);
    t.remove(second);
    assert.deepEqual(t.statuses(t.build()), { "roots/first": "valid", "roots/second": "gone", "team/cart": "valid" });
  });

  it("ignores an update that changes only the status (our own writes coming back)", () => {
    const t = setup();
    const root = rootProxy("a", "a.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots", generation: 3, resourceVersion: "10" });
    t.add(rootSvc, root);
    t.build();
    const withStatus = { ...root, metadata: { ...root.metadata, resourceVersion: "11" }, status: { currentStatus: "valid" } };
    assert.equal(t.pipeline.apply("HTTPProxy", "update", withStatus), false);
    assert.equal(t.pipeline.pending(), false);
    const respec = { ...withStatus, metadata: { ...withStatus.metadata, resourceVersion: "12", generation: 4 } };
    assert.equal(t.pipeline.apply("HTTPProxy", "update", respec), true);
  });

  it("gives proxies of another ingress class no status and no routes", () => {
    const t = setup();
    t.add(rootSvc, rootProxy("a", "a.com", { ingressClassName: "nginx", routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots" }));
    const r = t.build();
    assert.deepEqual(t.statuses(r), {});
    assert.deepEqual(t.pipeline.model().virtualHosts, []);
  });

  it("refuses roots outside --root-namespaces without letting them take a host", () => {
    const t = setup(["roots"]);
    const legit = rootProxy("shop", "shop.example.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots" });
    const squatter = rootProxy("shop", "shop.example.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" });
    t.add(rootSvc, teamSvc, legit, squatter);
    assert.deepEqual(t.statuses(t.build()), { "roots/shop": "valid", "team/shop": "invalid" });
    assert.deepEqual(t.pipeline.model().virtualHosts[0]?.routes[0]?.source, { kind: "HTTPProxy", namespace: "roots", name: "shop" });
  });

  it("translates HTTPProxy models into consistent Envoy resources", () => {
    const t = setup();
    t.add(rootSvc, tlsSecret("cert", A_CRT, A_KEY, { namespace: "roots" }), rootProxy("a", "a.com", { vhost: { tls: { secretName: "cert" } }, routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots" }));
    const r = t.build();
    assert.deepEqual(r.resources.listeners.map((l) => l.name), ["ingress_http", "ingress_https"]);
    assert.deepEqual(r.resources.routes.map((x) => x.name).sort(), ["https/a.com", "ingress_http"]);
  });
});

describe("pipeline: settings of the config file", () => {
  it("sends the envoy client certificate with the TLS clusters that present it, and the connect timeout in every cluster", () => {
    const pipeline = createPipeline({ translate: { connectTimeoutMs: 1500 }, clientCertificate: { namespace: "projectcontour", name: "envoy-client" } });
    const objects: KubernetesObject[] = [
      rootSvc,
      tlsSecret("envoy-client", A_CRT, A_KEY, { namespace: "projectcontour" }),
      rootProxy("a", "a.com", { routes: [prefixRoute("/", [{ ...to("web", 80), protocol: "tls" }])] }, { namespace: "roots" }),
    ];
    for (const o of objects) pipeline.apply(kindOf(o), "add", o);
    const { resources } = pipeline.build();
    const cluster = resources.clusters.find((c) => c.name.startsWith("roots/web/80/"));
    assert.equal(cluster?.connectTimeout?.seconds, 1n);
    assert.equal(cluster?.connectTimeout?.nanos, 500_000_000);
    assert.deepEqual(resources.secrets.map((s) => s.name.split("/").slice(0, 2).join("/")), ["projectcontour/envoy-client"]);
  });
});
