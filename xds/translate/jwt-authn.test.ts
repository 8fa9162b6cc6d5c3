import assert from "node:assert/strict";
import type { JwtProvider, Model, Route, VirtualHost } from "../../controllers/model/model.js";
import { mergeVirtualHost } from "../../controllers/store/merge-virtual-host.js";
import { routeMatchKey } from "../../controllers/store/route-order.js";
import { Cluster_DiscoveryType, Cluster_DnsLookupFamily } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { dnsNameClustersOf, jwtRouteConfig, jwtUnsatisfiable, translateDnsNameCluster, translateJwtAuthnFilter } from "./jwt-authn.js";
import { resolveOptions } from "./options.js";
import { translateVirtualHost } from "./routes.js";

const provider = (name: string, host = "127.0.0.1", port = 8099): JwtProvider => ({
  name,
  issuer: "",
  audiences: [],
  forwardJwt: false,
  remoteJwks: { uri: `http://${host}:${port}/jwks.json`, timeoutMs: 1000, cluster: { name: `dnsname/http/${host}`, scheme: "http", address: host, port } },
});
const route = (path: string, jwtProvider?: string): Route => ({
  source: { kind: "HTTPProxy", namespace: "ns", name: "p" },
  match: { path: { kind: "prefix", value: path, segment: false }, headers: [], queryParams: [] },
  action: { kind: "forward", clusters: [{ cluster: "ns/app/80/x", weight: 1 }], websocket: false },
  httpsRedirect: false,
  ...(jwtProvider !== undefined ? { jwtProvider } : {}),
});
const TLS = { secret: "ns/cert/x", minimumProtocolVersion: "1.2", maximumProtocolVersion: "1.3" } as const;
const vhost = (fqdn: string, routes: Route[], providers?: JwtProvider[]): VirtualHost => ({ fqdn, routes, tls: TLS, ...(providers !== undefined ? { jwtProviders: providers } : {}) });

describe("jwt_authn translation", () => {
  it("emits no filter for a host without providers", () => {
    assert.equal(translateJwtAuthnFilter(undefined), undefined);
    assert.equal(translateJwtAuthnFilter([]), undefined);
  });

  it("names a route's requirement on the TLS listener only", () => {
    const v = vhost("a.com", [route("/", "p")], [provider("p")]);
    assert.ok(jwtRouteConfig(v.routes[0]!, v, "https") !== undefined);
    assert.equal(jwtRouteConfig(v.routes[0]!, v, "http"), undefined, "the plain-HTTP HCM has no jwt_authn filter");
    assert.equal(jwtRouteConfig(route("/"), v, "https"), undefined, "a route without a requirement is not verified");
  });

  it("answers 401 on a route whose provider its host lacks, never serving it unverified", () => {
    const v = vhost("a.com", [route("/", "missing")], [provider("p")]);
    assert.equal(jwtUnsatisfiable(v.routes[0]!, v, "https"), true);
    const envoy = translateVirtualHost(v, "https");
    assert.equal(envoy.routes[0]?.action.case, "directResponse");
    assert.equal(envoy.routes[0]?.action.case === "directResponse" ? envoy.routes[0].action.value.status : 0, 401);
  });

  it("shares one DNS cluster per JWKS host across hosts, the first host by fqdn winning", () => {
    const model: Model = {
      virtualHosts: [vhost("b.com", [route("/", "p")], [provider("p", "127.0.0.1", 9000)]), vhost("a.com", [route("/", "p")], [provider("p", "127.0.0.1", 8099), provider("q", "localhost")])],
      tcpProxies: [],
      clusters: [],
      secrets: [],
    };
    const clusters = dnsNameClustersOf(model);
    assert.deepEqual(clusters.map((c) => [c.name, c.port]), [["dnsname/http/127.0.0.1", 8099], ["dnsname/http/localhost", 8099]]);
  });

  it("resolves by DNS with the config file's lookup family unless the provider sets one; LOGICAL_DNS for all", () => {
    const c = provider("p").remoteJwks.cluster;
    const auto = translateDnsNameCluster(c, resolveOptions());
    assert.deepEqual([auto.clusterDiscoveryType.value, auto.dnsLookupFamily, auto.transportSocket], [Cluster_DiscoveryType.STRICT_DNS, Cluster_DnsLookupFamily.AUTO, undefined]);
    const v6 = translateDnsNameCluster(c, resolveOptions({ clusterDnsLookupFamily: "v6" }));
    assert.equal(v6.dnsLookupFamily, Cluster_DnsLookupFamily.V6_ONLY);
    const all = translateDnsNameCluster({ ...c, dnsLookupFamily: "all" }, resolveOptions({ clusterDnsLookupFamily: "v6" }));
    assert.deepEqual([all.clusterDiscoveryType.value, all.dnsLookupFamily], [Cluster_DiscoveryType.LOGICAL_DNS, Cluster_DnsLookupFamily.ALL]);
  });

  it("keeps the TLS source's providers when the store merges a host", () => {
    const merged = mergeVirtualHost("a.com", [{ sourceKey: "HTTPProxy/ns/p", value: vhost("a.com", [route("/", "p")], [provider("p")]) }], (r) => routeMatchKey(r.match), "HTTPProxy/ns/p");
    assert.deepEqual(merged.value?.jwtProviders?.map((p) => p.name), ["p"]);
  });
});
