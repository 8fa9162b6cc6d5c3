// The pipeline with ExtensionServices: the cluster and its endpoints reach the resources, a Service
// change re-runs the object, and its computed status comes out of each build.
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ExtensionService } from "../../crds/types/extensionservice.js";
import { createPipeline, type Pipeline } from "./pipeline.js";
import { endpointSlice, port, service, tlsSecret } from "../../controllers/source/testdata/fixtures.js";
import { A_CRT, A_KEY } from "../../controllers/source/testdata/certs.js";
import { prefixRoute, rootProxy, to } from "../../controllers/httpproxy/testdata/fixtures.js";

const kindOf = (o: KubernetesObject) => o.kind as Parameters<Pipeline["apply"]>[0];

function ext(name: string, spec: unknown, generation = 1): ExtensionService {
  return { apiVersion: "projectcontour.io/v1alpha1", kind: "ExtensionService", metadata: { name, namespace: "auth", generation }, spec: spec as ExtensionService["spec"] };
}

describe("pipeline: ExtensionService", () => {
  it("serves extension/<ns>/<name> with its endpoints, never read as a Service of namespace extension", () => {
    const pipeline = createPipeline({ translate: {}, extension: { connectTimeoutMs: 1500 } });
    const add = (...objects: KubernetesObject[]): void => objects.forEach((o) => pipeline.apply(kindOf(o), "add", o));
    add(
      service("authz", [port(9000, "grpc")], { namespace: "auth" }),
      endpointSlice("authz-1", "authz", ["10.0.0.7"], 9000, "grpc", { namespace: "auth" }),
      // What parseEdsName would read "extension/auth/authz" as.
      service("auth", [port(1, "authz")], { namespace: "extension" }),
      endpointSlice("auth-1", "auth", ["10.6.6.6"], 1, "authz", { namespace: "extension" }),
      ext("authz", { protocol: "h2c", services: [{ name: "authz", port: 9000 }] }),
    );
    const r = pipeline.build();
    const cluster = r.resources.clusters.find((c) => c.name === "extension/auth/authz");
    assert.ok(cluster, "the extension cluster is served");
    assert.equal(cluster.altStatName, "extension_auth_authz");
    assert.equal(cluster.connectTimeout?.nanos, 500_000_000);
    const cla = r.resources.endpoints.find((e) => e.clusterName === "extension/auth/authz");
    const ips = cla?.endpoints.flatMap((l) => l.lbEndpoints.map((e) => (e.hostIdentifier.case === "endpoint" ? e.hostIdentifier.value.address?.address : undefined)));
    assert.deepEqual(
      ips?.map((a) => (a?.case === "socketAddress" ? a.value.address : "")),
      ["10.0.0.7"],
    );
    assert.deepEqual(r.extensionStatuses.map((s) => [s.key.name, s.view?.valid.status]), [["authz", "True"]]);
    assert.deepEqual(pipeline.extensionStatuses().map((s) => s.view?.generation), [1]);

    // Later endpoint changes (the incremental path): the look-alike Service's never leak in, the member's arrive.
    add(endpointSlice("auth-1", "auth", ["10.6.6.7"], 1, "authz", { namespace: "extension" }), service("other", [port(80)], { namespace: "auth" }));
    const ipsOf = (res: typeof r): string[] | undefined =>
      res.resources.endpoints
        .find((e) => e.clusterName === "extension/auth/authz")
        ?.endpoints.flatMap((l) => l.lbEndpoints.map((e) => (e.hostIdentifier.case === "endpoint" && e.hostIdentifier.value.address?.address.case === "socketAddress" ? e.hostIdentifier.value.address.address.value.address : "")));
    assert.deepEqual(ipsOf(pipeline.build()), ["10.0.0.7"]);
    add(endpointSlice("authz-1", "authz", ["10.0.0.8"], 9000, "grpc", { namespace: "auth" }));
    assert.deepEqual(ipsOf(pipeline.build()), ["10.0.0.8"]);
  });

  it("follows its Services' slices on the per-change path, never a Service of namespace extension", () => {
    const pipeline = createPipeline({ translate: {} });
    const add = (...objects: KubernetesObject[]): void => objects.forEach((o) => pipeline.apply(kindOf(o), "add", o));
    add(
      service("authz", [port(9000, "grpc")], { namespace: "auth" }),
      endpointSlice("authz-1", "authz", ["10.0.0.7"], 9000, "grpc", { namespace: "auth" }),
      service("auth", [port(1, "authz")], { namespace: "extension" }),
      endpointSlice("auth-1", "auth", ["10.6.6.6"], 1, "authz", { namespace: "extension" }),
      ext("authz", { protocol: "h2c", services: [{ name: "authz", port: 9000 }] }),
    );
    const ipsOf = (r: ReturnType<Pipeline["build"]>): string[] | undefined =>
      r.resources.endpoints
        .find((e) => e.clusterName === "extension/auth/authz")
        ?.endpoints.flatMap((l) => l.lbEndpoints.map((e) => (e.hostIdentifier.case === "endpoint" && e.hostIdentifier.value.address?.address.case === "socketAddress" ? e.hostIdentifier.value.address.address.value.address : "")));
    assert.deepEqual(ipsOf(pipeline.build()), ["10.0.0.7"]);
    pipeline.apply("EndpointSlice", "update", endpointSlice("authz-1", "authz", ["10.0.0.8", "10.0.0.9"], 9000, "grpc", { namespace: "auth", resourceVersion: "2" }));
    const moved = pipeline.build();
    assert.equal(moved.endpointsOnly, true);
    assert.deepEqual(ipsOf(moved), ["10.0.0.8", "10.0.0.9"]);
    pipeline.apply("EndpointSlice", "update", endpointSlice("auth-1", "auth", ["10.6.6.7"], 1, "authz", { namespace: "extension", resourceVersion: "2" }));
    assert.deepEqual(ipsOf(pipeline.build()), ["10.0.0.8", "10.0.0.9"]);
  });

  it("re-runs on a Service change, says why it is invalid, and forgets a deleted object", () => {
    const pipeline = createPipeline({ translate: {} });
    const svc = service("authz", [port(9000)], { namespace: "auth" });
    const e = ext("authz", { services: [{ name: "authz", port: 9000 }] });
    pipeline.apply("ExtensionService", "add", e);
    let r = pipeline.build();
    assert.deepEqual(r.extensionStatuses.map((s) => [s.view?.valid.status, s.view?.errors.map((x) => x.reason)]), [["False", ["ServiceUnresolvedReference"]]]);
    assert.equal(r.resources.clusters.length, 0);
    pipeline.apply("Service", "add", svc);
    r = pipeline.build();
    assert.deepEqual(r.extensionStatuses.map((s) => s.view?.valid.status), ["True"]);
    assert.deepEqual(r.resources.clusters.map((c) => c.name), ["extension/auth/authz"]);
    pipeline.apply("ExtensionService", "delete", e);
    r = pipeline.build();
    assert.deepEqual(r.extensionStatuses.map((s) => s.view), [undefined]);
    assert.equal(r.resources.clusters.length, 0);
    assert.deepEqual(pipeline.extensionStatuses(), []);
  });

  it("puts a TLS root's ext_authz filter on its chain and the global one on the plain-HTTP listener", () => {
    const pipeline = createPipeline({ translate: {}, globalAuthorization: { extensionRef: { namespace: "auth", name: "authz" } } });
    const add = (...objects: KubernetesObject[]): void => objects.forEach((o) => pipeline.apply(kindOf(o), "add", o));
    add(
      service("authz", [port(9000)], { namespace: "auth" }),
      service("web", [port(80)], { namespace: "auth" }),
      tlsSecret("cert", A_CRT, A_KEY, { namespace: "auth" }),
      ext("authz", { protocol: "h2c", services: [{ name: "authz", port: 9000 }] }),
      rootProxy("p", "a.example.com", { vhost: { tls: { secretName: "cert" }, authorization: { extensionRef: { name: "authz" }, responseTimeout: "1s" } }, routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "auth" }),
    );
    const r = pipeline.build();
    const filtersOf = (listener: string, chain = 0): string[] => {
      const l = r.resources.listeners.find((x) => x.name === listener);
      const hcm = l?.filterChains[chain]?.filters[0]?.configType;
      const text = hcm?.case === "typedConfig" ? new TextDecoder().decode(hcm.value.value) : "";
      return ["envoy.filters.http.ext_authz", "envoy.filters.http.router"].filter((name) => text.includes(name));
    };
    assert.deepEqual(filtersOf("ingress_https"), ["envoy.filters.http.ext_authz", "envoy.filters.http.router"]);
    assert.deepEqual(filtersOf("ingress_http"), ["envoy.filters.http.ext_authz", "envoy.filters.http.router"]);
    assert.equal(pipeline.model().virtualHosts[0]?.authorization?.responseTimeoutMs, 1000);
    assert.equal(pipeline.model().globalAuthorization?.cluster, "extension/auth/authz");
  });
});
