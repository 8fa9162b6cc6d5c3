import assert from "node:assert/strict";
import type { Cluster, Route } from "../../controllers/model/model.js";
import { withBackendClientCertificate } from "./gateway-backend-certificate.js";

const cluster = (name: string, tls: boolean): Cluster =>
  ({
    name,
    service: { namespace: "ns", name: name.split("/")[1] ?? "", port: 443, portName: "https" },
    endpoints: `ns/${name}`,
    protocol: tls ? "tls" : "http1",
    loadBalancer: "RoundRobin",
    connectTimeoutMs: 2000,
    ...(tls ? { backendTls: { sni: "abc.example.com", caSecret: "ns/ca/1", systemCa: false, subjectAltNames: [] } } : {}),
  }) as Cluster;

const route = (clusters: string[], mirror: string[] = []): Route =>
  ({
    source: { kind: "HTTPRoute", namespace: "ns", name: "r" },
    match: { path: { kind: "prefix", value: "/", segment: true }, headers: [], queryParams: [] },
    action: { kind: "forward", clusters: clusters.map((c) => ({ cluster: c, weight: 1 })), websocket: false, ...(mirror.length > 0 ? { mirror: mirror.map((c) => ({ cluster: c, percent: 100 })) } : {}) },
    httpsRedirect: false,
  }) as Route;

describe("Gateway backend client certificate", () => {
  const clusters = new Map([cluster("ns/secure/443/a", true), cluster("ns/plain/80/b", false)].map((c) => [c.name, c] as const));

  it("points a Gateway's routes at its own variant of each BackendTLSPolicy cluster, presenting its certificate", () => {
    const variants = new Map<string, Cluster>();
    const [r] = withBackendClientCertificate([route(["ns/secure/443/a", "ns/plain/80/b"], ["ns/secure/443/a"])], "ns/client/abc", clusters, variants);
    assert.ok(r !== undefined && r.action.kind === "forward");
    const [secure, plain] = r.action.clusters;
    assert.equal(plain?.cluster, "ns/plain/80/b", "a cleartext cluster is left alone");
    assert.notEqual(secure?.cluster, "ns/secure/443/a");
    assert.equal(r.action.mirror?.[0]?.cluster, secure?.cluster);
    assert.deepEqual([...variants.keys()], [secure?.cluster]);
    const v = variants.get(secure?.cluster ?? "");
    assert.equal(v?.backendTls?.clientCertificate, "ns/client/abc");
    assert.equal(v?.endpoints, "ns/ns/secure/443/a", "the variant shares the plain cluster's endpoints");
    assert.equal(clusters.get("ns/secure/443/a")?.backendTls?.clientCertificate, undefined, "the shared cluster is not changed");
  });

  it("names variants after the certificate, so two Gateways with different certificates get two", () => {
    const variants = new Map<string, Cluster>();
    withBackendClientCertificate([route(["ns/secure/443/a"])], "ns/client/one", clusters, variants);
    withBackendClientCertificate([route(["ns/secure/443/a"])], "ns/client/two", clusters, variants);
    withBackendClientCertificate([route(["ns/secure/443/a"])], "ns/client/one", clusters, variants);
    assert.equal(variants.size, 2);
  });

  it("leaves the routes of a Gateway without a certificate as they are", () => {
    const routes = [route(["ns/secure/443/a"])];
    const variants = new Map<string, Cluster>();
    assert.equal(withBackendClientCertificate(routes, undefined, clusters, variants), routes);
    assert.equal(variants.size, 0);
  });
});
