// Cluster names pinned to the names upstream Contour v1.33.6's own tests expect
// (internal/envoy/v3/cluster_test.go, internal/featuretests/v3/*_test.go, internal/envoy/cluster_test.go).
import assert from "node:assert/strict";
import type { Cluster } from "./model.js";
import { goDuration, goDurationMs, hashname, hashSettingsOf, serviceClusterName, truncate, upstreamHash, upstreamHashInput } from "./cluster-name.js";

function cluster(extra: Partial<Omit<Cluster, "name">> = {}, port = 443): Omit<Cluster, "name"> {
  return {
    service: { namespace: "default", name: "kuard", port, portName: "https" },
    endpoints: "default/kuard/https",
    protocol: "http1",
    loadBalancer: "RoundRobin",
    connectTimeoutMs: 2000,
    ...extra,
  };
}

describe("cluster names as upstream Contour gives them", () => {
  it("hashes nothing for a plain Service port: SHA-1 of the empty string", () => {
    assert.equal(serviceClusterName(cluster({}, 80), ""), "default/kuard/80/da39a3ee5e");
  });

  it("hashes the protocol (upstream's tls, h2 and h2c fixtures)", () => {
    assert.equal(serviceClusterName(cluster({ protocol: "tls" }), ""), "default/kuard/443/4929fca9d4");
    assert.equal(serviceClusterName(cluster({ protocol: "h2" }), ""), "default/kuard/443/bf1c365741");
    assert.equal(serviceClusterName(cluster({ protocol: "h2c" }), ""), "default/kuard/443/f4f94965ec");
  });

  it("hashes the load balancer strategy, RoundRobin as none", () => {
    assert.equal(serviceClusterName(cluster({ loadBalancer: "Cookie" }), ""), "default/kuard/443/e4f81994fe");
    assert.equal(serviceClusterName(cluster({ loadBalancer: "RequestHash" }, 8080), ""), "default/kuard/8080/1a2ffc1fef");
    assert.equal(serviceClusterName(cluster({ loadBalancer: "RoundRobin" }), ""), "default/kuard/443/da39a3ee5e");
  });

  it("hashes the HTTP health check path, and timings only when written (featuretests cluster_test)", () => {
    const hc = { kind: "http", path: "/healthz", host: "contour-envoy-healthcheck", intervalMs: 5000, timeoutMs: 2000, unhealthyThreshold: 3, healthyThreshold: 2 } as const;
    assert.equal(serviceClusterName(cluster({ healthCheck: hc }, 80), ""), "default/kuard/80/bc862a33ca");
    assert.equal(upstreamHashInput({ protocol: "http1", sni: "", healthCheck: { path: "/healthz", timeoutMs: 3000, intervalMs: 90_000, unhealthyThreshold: 4, healthyThreshold: 1 } }), "3s1m30s41/healthz");
    // Values written equal to Envoy's defaults are hashed when known to be written.
    const written = { path: "/healthz", timeoutMs: 2000, intervalMs: 5000, unhealthyThreshold: 0, healthyThreshold: 0 };
    assert.equal(upstreamHashInput(hashSettingsOf(cluster({ healthCheck: hc }), "", written)), "2s5s/healthz");
    assert.equal(upstreamHashInput(hashSettingsOf(cluster({ healthCheck: hc }), "")), "/healthz");
  });

  it("hashes the first CA Secret's name and subject name (upstream's 'verify tls upstream with san')", () => {
    const c = cluster({ protocol: "tls", upstreamValidation: { caSecret: "default/secret/0123456789", subjectName: "foo.bar.io" } });
    assert.equal(serviceClusterName(c, ""), "default/kuard/443/62d1f9ad02");
  });

  it("hashes the SNI as upstream's HTTPProxy sets it: Host rewrite, else ExternalName (featuretests externalname_test)", () => {
    assert.equal(serviceClusterName(cluster({ externalName: "foo.io" }, 80), "foo.io"), "default/kuard/80/a28d1ec01b");
    assert.equal(serviceClusterName(cluster({ externalName: "foo.io" }, 80), "external.address"), "default/kuard/80/95e871afaf");
    assert.equal(serviceClusterName(cluster({ protocol: "tls", sni: "external.address" }, 80), "external.address"), "default/kuard/80/f9439c1de8");
    assert.equal(serviceClusterName(cluster({ protocol: "h2", sni: "external.address" }, 80), "external.address"), "default/kuard/80/cdbf075ad8");
  });

  it("writes the idle timeout and slow start in Go's forms", () => {
    assert.equal(upstreamHashInput({ protocol: "http1", sni: "", idleConnectionTimeoutMs: 60_000 }), "1m0s");
    assert.equal(upstreamHashInput({ protocol: "http1", sni: "", idleConnectionTimeoutMs: 0 }), "0s");
    assert.equal(upstreamHashInput({ protocol: "http1", sni: "", slowStart: { windowMs: 10_000, aggression: 1, minWeightPercent: 10 } }), "10s1.00000010");
    assert.equal(upstreamHashInput({ protocol: "http1", sni: "", slowStart: { windowMs: 1_500, aggression: 0.5, minWeightPercent: 0 } }), "1.5s0.5000000");
  });

  it("formats durations as Go's time.Duration.String", () => {
    assert.equal(goDuration(0n), "0s");
    assert.equal(goDuration(1n), "1ns");
    assert.equal(goDuration(1_500n), "1.5µs");
    assert.equal(goDurationMs(500), "500ms");
    assert.equal(goDurationMs(1_500), "1.5s");
    assert.equal(goDurationMs(2_000), "2s");
    assert.equal(goDurationMs(90_000), "1m30s");
    assert.equal(goDurationMs(3_600_000), "1h0m0s");
    assert.equal(goDurationMs(3_723_500), "1h2m3.5s");
  });

  it("shortens long names as upstream's Hashname (internal/envoy/cluster_test.go)", () => {
    assert.equal(hashname(99), "");
    assert.equal(hashname(99, "alpha"), "alpha");
    assert.equal(hashname(12, "gammagammagamma"), "0d350ea5c204");
    assert.equal(hashname(4, "alpha"), "8ed3");
    assert.equal(hashname(19, "gammagamma", "betabeta"), "ga-edf159/betabeta");
    assert.equal(hashname(60, "default", "my-service-name", "my-very-very-long-service-host-name.my.domainname"), "default/my-service-name/my-very-very--c4d2d4");
    assert.equal(truncate(6, "quijibo", "a8c5"), "q-a8c5");
    assert.equal(truncate(4, "quijibo", "a8c5"), "a8c5");
    assert.equal(truncate(20, "my-very-very-long-service-host-name.my.domainname", "a8c5e6"), "my-very-very--a8c5e6");
  });
});

describe("cluster names where upstream would merge two different clusters", () => {
  const hc = { kind: "http", path: "/healthz", host: "contour-envoy-healthcheck", intervalMs: 5000, timeoutMs: 2000, unhealthyThreshold: 3, healthyThreshold: 2 } as const;

  it("keeps a tcpproxy's TCP health check apart from the plain cluster", () => {
    const plain = serviceClusterName(cluster({}, 80), "");
    const checked = serviceClusterName(cluster({ healthCheck: { kind: "tcp", intervalMs: 5000, timeoutMs: 2000, unhealthyThreshold: 3, healthyThreshold: 2 } }, 80), "");
    assert.equal(plain, "default/kuard/80/da39a3ee5e");
    assert.match(checked, /^default\/kuard\/80\/da39a3ee5e-[0-9a-f]{6}$/);
  });

  it("keeps another health check Host, status list or healthPort apart", () => {
    const base = serviceClusterName(cluster({ healthCheck: hc }, 80), "");
    const names = [
      base,
      serviceClusterName(cluster({ healthCheck: { ...hc, host: "probe.example" } }, 80), ""),
      serviceClusterName(cluster({ healthCheck: { ...hc, expectedStatuses: [{ start: 200, end: 300 }] } }, 80), ""),
      serviceClusterName(cluster({ healthCheck: hc, endpoints: "default/kuard/https/health" }, 80), ""),
    ];
    assert.equal(new Set(names).size, names.length);
  });

  it("keeps a CA of the same name in another namespace apart, but not new content of the same CA", () => {
    const own = serviceClusterName(cluster({ protocol: "tls", upstreamValidation: { caSecret: "default/ca/aaaaaaaaaa", subjectName: "s" } }), "");
    const changed = serviceClusterName(cluster({ protocol: "tls", upstreamValidation: { caSecret: "default/ca/bbbbbbbbbb", subjectName: "s" } }), "");
    const other = serviceClusterName(cluster({ protocol: "tls", upstreamValidation: { caSecret: "certs/ca/aaaaaaaaaa", subjectName: "s" } }), "");
    assert.equal(own, changed);
    assert.notEqual(own, other);
  });

  it("names a BackendTLSPolicy cluster upstream's hash (CA name, hostname, tls) and a suffix, apart from an HTTPProxy's validating the same", () => {
    const tls = { sni: "backend.example", caSecret: "default/backend-ca/0123456789", systemCa: false, subjectAltNames: [] };
    const plain = serviceClusterName(cluster({ protocol: "tls", backendTls: tls }), "");
    const upstream = `default/kuard/443/${upstreamHash({ protocol: "tls", sni: "", validation: { caName: "backend-ca", subjectName: "backend.example" } })}`;
    assert.equal(serviceClusterName(cluster({ protocol: "tls", upstreamValidation: { caSecret: "default/backend-ca/0123456789", subjectName: "backend.example" } }), ""), upstream);
    assert.match(plain, new RegExp(`^${upstream}-[0-9a-f]{6}$`, "u"));
    assert.equal(serviceClusterName(cluster({ protocol: "tls", backendTls: { ...tls, caSecret: "default/backend-ca/ffffffffff" } }), ""), plain);
    const names = [
      plain,
      serviceClusterName(cluster({ protocol: "tls", backendTls: { ...tls, clientCertificate: "default/client/0123456789" } }), ""),
      serviceClusterName(cluster({ protocol: "tls", backendTls: { ...tls, subjectAltNames: [{ type: "URI", value: "spiffe://x" }] } }), ""),
      serviceClusterName(cluster({ protocol: "tls", backendTls: { sni: "backend.example", systemCa: true, subjectAltNames: [] } }), ""),
    ];
    assert.equal(new Set(names).size, names.length);
  });
});
