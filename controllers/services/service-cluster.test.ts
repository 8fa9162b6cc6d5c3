import assert from "node:assert/strict";
import { lookupServicePort } from "./service-lookup.js";
import { serviceCluster } from "./service-cluster.js";
import { upstreamProtocol } from "./upstream-protocol.js";
import { parseCircuitBreakers } from "./circuit-breakers.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";

const F = "spec.rules[0].http.paths[0].backend.service";

describe("lookupServicePort", () => {
  const cache = cacheOf(
    service("web", [port(80, "http"), port(443, "https"), port(53, "dns", { protocol: "UDP" })]),
    service("ext", [port(80)], { type: "ExternalName" }),
  );
  const table: { name: string; svc: string; port: { number?: number; name?: string } | undefined; want: number | string }[] = [
    { name: "by number", svc: "web", port: { number: 443 }, want: 443 },
    { name: "by name", svc: "web", port: { name: "http" }, want: 80 },
    { name: "missing Service", svc: "nope", port: { number: 80 }, want: "ServiceNotFound" },
    { name: "missing port number", svc: "web", port: { number: 8080 }, want: "ServicePortNotFound" },
    { name: "missing port name", svc: "web", port: { name: "grpc" }, want: "ServicePortNotFound" },
    { name: "UDP port", svc: "web", port: { number: 53 }, want: "UnsupportedServiceProtocol" },
    { name: "ExternalName", svc: "ext", port: { number: 80 }, want: "UnsupportedServiceType" },
    { name: "no port", svc: "web", port: undefined, want: "InvalidBackend" },
  ];
  for (const t of table) {
    it(t.name, () => {
      const got = lookupServicePort(cache, "default", t.svc, t.port, F);
      assert.deepEqual(got.dependency, { kind: "Service", namespace: "default", name: t.svc });
      if (typeof t.want === "number") assert.equal(got.ok && got.port.port, t.want);
      else {
        assert.equal(got.ok ? "ok" : got.condition.reason, t.want);
        assert.ok(!got.ok && got.condition.message.startsWith(F), "message names the field");
      }
    });
  }
});

describe("upstreamProtocol", () => {
  const annotated = (a: Record<string, string>) => service("s", [], { annotations: a });
  const table: { name: string; annotations: Record<string, string>; port: ReturnType<typeof port>; want: string; warnings?: string[] }[] = [
    { name: "default http1", annotations: {}, port: port(80, "http"), want: "http1" },
    { name: "h2 by name", annotations: { "projectcontour.io/upstream-protocol.h2": "grpc, other" }, port: port(9000, "grpc"), want: "h2" },
    { name: "h2c by number", annotations: { "projectcontour.io/upstream-protocol.h2c": "9000" }, port: port(9000, "grpc"), want: "h2c" },
    { name: "tls", annotations: { "projectcontour.io/upstream-protocol.tls": "443" }, port: port(443), want: "tls" },
    { name: "appProtocol wins", annotations: { "projectcontour.io/upstream-protocol.tls": "80" }, port: port(80, "http", { appProtocol: "kubernetes.io/h2c" }), want: "h2c" },
    { name: "unknown appProtocol is http1", annotations: {}, port: port(80, "http", { appProtocol: "example.com/custom" }), want: "http1" },
    { name: "bad entries warn", annotations: { "projectcontour.io/upstream-protocol.h2": "Bad Name,70000,grpc" }, port: port(9000, "grpc"), want: "h2", warnings: ["InvalidUpstreamProtocol", "InvalidUpstreamProtocol"] },
    { name: "conflicts: later wins with a warning", annotations: { "projectcontour.io/upstream-protocol.h2": "443", "projectcontour.io/upstream-protocol.tls": "443" }, port: port(443), want: "tls", warnings: ["ConflictingUpstreamProtocol"] },
  ];
  for (const t of table) {
    it(t.name, () => {
      const got = upstreamProtocol(annotated(t.annotations), t.port);
      assert.equal(got.value, t.want);
      assert.deepEqual(got.warnings.map((w) => w.reason), t.warnings ?? []);
    });
  }
});

describe("parseCircuitBreakers", () => {
  it("reads all four thresholds", () => {
    const s = service("s", [], {
      annotations: { "projectcontour.io/max-connections": "100", "projectcontour.io/max-pending-requests": "5", "projectcontour.io/max-requests": "4294967295", "projectcontour.io/max-retries": "0" },
    });
    assert.deepEqual(parseCircuitBreakers(s), { value: { maxConnections: 100, maxPendingRequests: 5, maxRequests: 4294967295 }, warnings: [] });
  });
  it("ignores bad values with warnings", () => {
    const s = service("s", [], { annotations: { "projectcontour.io/max-connections": "-1", "projectcontour.io/max-requests": "4294967296", "projectcontour.io/max-retries": "1e3" } });
    const got = parseCircuitBreakers(s);
    assert.equal(got.value, undefined);
    assert.deepEqual(got.warnings.map((w) => w.reason), ["InvalidCircuitBreaker", "InvalidCircuitBreaker", "InvalidCircuitBreaker"]);
  });
});

describe("serviceCluster", () => {
  it("names the cluster as upstream: the Service port and the hash of no settings", () => {
    const svc = service("web", [port(80, "http")], { namespace: "shop" });
    const a = serviceCluster(svc, port(80, "http"), { connectTimeoutMs: 2000 }).value;
    assert.equal(a.name, "shop/web/80/da39a3ee5e");
    assert.equal(a.endpoints, "shop/web/http");
    assert.deepEqual(a.service, { namespace: "shop", name: "web", port: 80, portName: "http" });
    const b = serviceCluster(service("web", [port(80, "http")], { namespace: "shop", annotations: { "projectcontour.io/max-connections": "9" } }), port(80, "http"), { connectTimeoutMs: 2000 }).value;
    // Circuit breakers come from the Service, the same for all its clusters: upstream leaves them out of the name.
    assert.equal(a.name, b.name);
    assert.notDeepEqual(a.circuitBreakers, b.circuitBreakers);
    const tls = serviceCluster(service("web", [port(443, "https")], { namespace: "shop", annotations: { "projectcontour.io/upstream-protocol.tls": "https" } }), port(443, "https"), { connectTimeoutMs: 2000 }).value;
    assert.equal(tls.name, "shop/web/443/4929fca9d4");
    assert.equal(serviceCluster(svc, port(80, "http"), { connectTimeoutMs: 2000 }).value.name, a.name);
  });
  it("prefixes annotation warnings with the Service", () => {
    const svc = service("web", [port(80)], { annotations: { "projectcontour.io/max-connections": "lots" } });
    const got = serviceCluster(svc, port(80), { connectTimeoutMs: 2000 });
    assert.match(got.warnings[0]?.message ?? "", /^Service "default\/web" annotation "projectcontour\.io\/max-connections"/u);
    assert.equal(got.value.endpoints, "default/web");
  });
});
