import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ExtensionService } from "../../crds/types/extensionservice.js";
import type { Cluster } from "../model/model.js";
import type { Fragment } from "../store/fragment.js";
import { cacheOf, port, secret, service, tlsDelegation } from "../source/testdata/fixtures.js";
import { CA_CRT } from "../source/testdata/certs.js";
import { extensionClusterName, reconcileExtensionService, type ExtensionOptions } from "./reconcile-extension-service.js";

const NS = "projectcontour";
const authz = service("authz", [port(9443, "grpc")], { namespace: NS });
const ratelimit = service("ratelimit", [port(8081)], { namespace: NS });
const ca = secret("authz-ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: NS });
const foreignCa = secret("shared-ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: "certs" });

function ext(spec: unknown, name = "ext", namespace = NS): ExtensionService {
  return { apiVersion: "projectcontour.io/v1alpha1", kind: "ExtensionService", metadata: { name, namespace, generation: 3 }, spec: spec as ExtensionService["spec"] };
}
function run(objects: KubernetesObject[], e: ExtensionService, options: ExtensionOptions = {}): Fragment {
  return reconcileExtensionService(cacheOf(...objects), e, options);
}
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);
const only = (f: Fragment): Cluster => {
  assert.equal(f.clusters.length, 1, JSON.stringify(f.conditions));
  return f.clusters[0] as Cluster;
};

describe("reconcileExtensionService", () => {
  it("names the cluster and its EDS resource extension/<namespace>/<name>, h2 by default", () => {
    const f = run([authz], ext({ services: [{ name: "authz", port: 9443 }] }, "authz"));
    assert.deepEqual(f.conditions, [{ type: "Valid", status: "True", reason: "Valid", message: "Valid ExtensionService" }]);
    assert.deepEqual(f.source, { kind: "ExtensionService", namespace: NS, name: "authz" });
    assert.deepEqual(only(f), {
      name: "extension/projectcontour/authz",
      service: { namespace: NS, name: "authz", port: 9443, portName: "grpc" },
      endpoints: "extension/projectcontour/authz",
      protocol: "h2",
      loadBalancer: "RoundRobin",
      connectTimeoutMs: 2000,
      extension: {
        source: { kind: "ExtensionService", namespace: NS, name: "authz" },
        members: [{ service: { namespace: NS, name: "authz", port: 9443, portName: "grpc" }, endpoints: "projectcontour/authz/grpc", weight: 0 }],
        responseTimeoutMs: null,
      },
    });
    assert.deepEqual(f.dependencies, [{ kind: "Service", namespace: NS, name: "authz" }]);
    assert.deepEqual([f.virtualHosts, f.tcpProxies, f.secrets], [[], [], []]);
  });

  it("is deterministic and keeps its name when a field changes (no content hash)", () => {
    const a = run([ratelimit], ext({ services: [{ name: "ratelimit", port: 8081 }] }));
    const b = run([ratelimit], ext({ services: [{ name: "ratelimit", port: 8081 }] }));
    const c = run([ratelimit], ext({ services: [{ name: "ratelimit", port: 8081 }], protocol: "h2c" }));
    assert.deepEqual(a, b);
    assert.equal(only(c).name, only(a).name);
    assert.equal(extensionClusterName("ns", "x"), "extension/ns/x");
  });

  it("joins weighted Services in spec order, with endpoint names of each Service port", () => {
    const f = run([authz, ratelimit], ext({ protocol: "h2c", services: [{ name: "ratelimit", port: 8081, weight: 20 }, { name: "authz", port: 9443, weight: 80 }] }));
    const c = only(f);
    assert.equal(c.protocol, "h2c");
    assert.deepEqual(c.service.name, "ratelimit");
    assert.deepEqual(c.extension?.members.map((m) => [m.endpoints, m.weight]), [["projectcontour/ratelimit", 20], ["projectcontour/authz/grpc", 80]]);
  });

  it("applies timeouts, load balancing and circuit breakers", () => {
    const f = run(
      [ratelimit],
      ext({
        services: [{ name: "ratelimit", port: 8081 }],
        timeoutPolicy: { response: "250ms", idleConnection: "1m" },
        loadBalancerPolicy: { strategy: "WeightedLeastRequest" },
        circuitBreakerPolicy: { maxConnections: 10, maxPendingRequests: 0, maxRequests: 30, perHostMaxConnections: 2 },
      }),
      { connectTimeoutMs: 5000, defaultCircuitBreakers: { maxRetries: 7 } },
    );
    const c = only(f);
    assert.equal(c.extension?.responseTimeoutMs, 250);
    assert.equal(c.idleConnectionTimeoutMs, 60_000);
    assert.equal(c.loadBalancer, "WeightedLeastRequest");
    assert.equal(c.connectTimeoutMs, 5000);
    // The spec's policy replaces the defaults as a whole, as upstream; 0 leaves Envoy's default.
    assert.deepEqual(c.circuitBreakers, { maxConnections: 10, maxRequests: 30, perHostMaxConnections: 2 });
    assert.deepEqual(reasons(f), ["Valid"]);
  });

  it("uses the configured circuit breakers when the object sets none, and infinity disables the response timeout", () => {
    const c = only(run([ratelimit], ext({ services: [{ name: "ratelimit", port: 8081 }], timeoutPolicy: { response: "infinity" } }), { defaultCircuitBreakers: { maxRetries: 7 } }));
    assert.deepEqual(c.circuitBreakers, { maxRetries: 7 });
    assert.equal(c.extension?.responseTimeoutMs, 0);
  });

  it("validates the upstream certificate with a CA Secret; the first subject name is the SNI", () => {
    const f = run([authz, ca], ext({ services: [{ name: "authz", port: 9443 }], validation: { caSecret: "authz-ca", subjectName: "authz.example.com", subjectNames: ["authz.example.com", "authz.internal"] } }));
    const c = only(f);
    assert.equal(c.protocol, "h2");
    assert.equal(c.sni, "authz.example.com");
    assert.equal(c.upstreamValidation?.subjectName, "authz.example.com");
    assert.deepEqual(c.upstreamValidation?.subjectNames, ["authz.example.com", "authz.internal"]);
    assert.equal(f.secrets.length, 1);
    assert.equal(c.upstreamValidation?.caSecret, f.secrets[0]?.name);
    assert.equal(f.secrets[0]?.caCertificate?.includes("BEGIN CERTIFICATE"), true);
    const deps = f.dependencies.map((d) => `${d.kind}/${d.namespace}/${d.name}`);
    assert.ok(deps.includes(`Secret/${NS}/authz-ca`), deps.join(" "));
    assert.ok(deps.includes(`Service/${NS}/authz`), deps.join(" "));
  });

  it("uses a CA Secret of another namespace only where a TLSCertificateDelegation permits", () => {
    const spec = { services: [{ name: "authz", port: 9443 }], validation: { caSecret: "certs/shared-ca", subjectName: "authz" } };
    const denied = run([authz, foreignCa], ext(spec));
    assert.deepEqual(reasons(denied), ["CACertificateNotDelegated"]);
    assert.equal(denied.conditions[0]?.category, "TLSError");
    assert.deepEqual(denied.clusters, []);
    const allowed = run([authz, foreignCa, tlsDelegation("d", "certs", [{ secretName: "shared-ca", targetNamespaces: [NS] }])], ext(spec));
    assert.equal(only(allowed).sni, "authz");
  });

  const errors: { name: string; objects: KubernetesObject[]; spec: unknown; want: string[]; category: string }[] = [
    { name: "a missing Service", objects: [], spec: { services: [{ name: "nope", port: 80 }] }, want: ["ServiceUnresolvedReference"], category: "ServiceError" },
    { name: "a missing port", objects: [ratelimit], spec: { services: [{ name: "ratelimit", port: 9 }] }, want: ["ServiceUnresolvedReference"], category: "ServiceError" },
    {
      name: "an ExternalName Service",
      objects: [service("ext", [port(80)], { namespace: NS, type: "ExternalName" })],
      spec: { services: [{ name: "ext", port: 80 }] },
      want: ["UnsupportedServiceType"],
      category: "ServiceError",
    },
    { name: "a missing CA Secret", objects: [authz], spec: { services: [{ name: "authz", port: 9443 }], validation: { caSecret: "none", subjectName: "a" } }, want: ["TLSUpstreamValidation"], category: "SpecError" },
    { name: "validation with h2c", objects: [authz, ca], spec: { protocol: "h2c", services: [{ name: "authz", port: 9443 }], validation: { caSecret: "authz-ca", subjectName: "a" } }, want: ["InconsistentProtocol"], category: "SpecError" },
    { name: "a bad timeout", objects: [ratelimit], spec: { services: [{ name: "ratelimit", port: 8081 }], timeoutPolicy: { response: "soon" } }, want: ["TimeoutPolicyNotValid"], category: "SpecError" },
    { name: "no services", objects: [], spec: {}, want: ["ServiceUnresolvedReference"], category: "ServiceError" },
    { name: "an unknown protocol", objects: [ratelimit], spec: { protocol: "tls", services: [{ name: "ratelimit", port: 8081 }] }, want: ["UnsupportedProtocol"], category: "SpecError" },
    { name: "a protocol of the wrong type", objects: [ratelimit], spec: { protocol: 2, services: [{ name: "ratelimit", port: 8081 }] }, want: ["UnsupportedProtocol"], category: "SpecError" },
  ];
  for (const t of errors) {
    it(`reports ${t.name} (${t.want.join(", ")}) and contributes no cluster`, () => {
      const f = run(t.objects, ext(t.spec));
      assert.deepEqual(reasons(f), t.want);
      assert.equal(f.conditions[0]?.status, "False");
      assert.equal(f.conditions[0]?.category, t.category);
      assert.match(f.conditions[0]?.message ?? "", /^spec\./u);
      assert.deepEqual([f.clusters, f.secrets], [[], []]);
    });
  }

  it("looks Services up in its own namespace only, and depends on them while missing", () => {
    const elsewhere = service("authz", [port(9443)], { namespace: "other" });
    const f = run([elsewhere], ext({ services: [{ name: "authz", port: 9443 }] }));
    assert.deepEqual(reasons(f), ["ServiceUnresolvedReference"]);
    assert.deepEqual(f.dependencies, [{ kind: "Service", namespace: NS, name: "authz" }]);
  });

  const warnings: { name: string; spec: Record<string, unknown>; want: string; check: (c: Cluster) => void }[] = [
    { name: "Cookie load balancing", spec: { loadBalancerPolicy: { strategy: "Cookie" } }, want: "spec.loadBalancerPolicy", check: (c) => assert.equal(c.loadBalancer, "RoundRobin") },
    { name: "RequestHash load balancing", spec: { loadBalancerPolicy: { strategy: "RequestHash", requestHashPolicies: [{ hashSourceIP: true }] } }, want: "spec.loadBalancerPolicy", check: (c) => assert.equal(c.loadBalancer, "RoundRobin") },
    { name: "an unknown strategy", spec: { loadBalancerPolicy: { strategy: "Fastest" } }, want: "spec.loadBalancerPolicy.strategy", check: (c) => assert.equal(c.loadBalancer, "RoundRobin") },
    { name: "an idle timeout", spec: { timeoutPolicy: { idle: "10s" } }, want: "spec.timeoutPolicy.idle", check: (c) => assert.equal(c.extension?.responseTimeoutMs, null) },
    { name: "a negative threshold", spec: { circuitBreakerPolicy: { maxConnections: -1, maxRetries: 2 } }, want: "spec.circuitBreakerPolicy.maxConnections", check: (c) => assert.deepEqual(c.circuitBreakers, { maxRetries: 2 }) },
  ];
  for (const t of warnings) {
    it(`warns about ${t.name} (IgnoredField at ${t.want}) and still serves the cluster`, () => {
      const f = run([ratelimit], ext({ services: [{ name: "ratelimit", port: 8081 }], ...t.spec }));
      assert.deepEqual(reasons(f), ["Valid", "IgnoredField"]);
      assert.equal(f.conditions[1]?.category, "SpecError");
      assert.ok(f.conditions[1]?.message.startsWith(t.want), f.conditions[1]?.message);
      t.check(only(f));
    });
  }

  it("a negative weight is ignored with a warning, the Service kept", () => {
    const f = run([ratelimit], ext({ services: [{ name: "ratelimit", port: 8081, weight: -3 }] }));
    assert.deepEqual(reasons(f), ["Valid", "IgnoredField"]);
    assert.equal(only(f).extension?.members[0]?.weight, 0);
  });

  it("reports every unresolved entry at its own path, and depends on each Service once", () => {
    const f = run([], ext({ services: [{ name: "a", port: 1 }, { name: "b", port: 2 }, { name: "a", port: 1 }] }));
    assert.deepEqual(reasons(f), ["ServiceUnresolvedReference", "ServiceUnresolvedReference", "ServiceUnresolvedReference"]);
    assert.deepEqual(f.conditions.map((c) => c.message.slice(0, 14)), ["spec.services[", "spec.services[", "spec.services["]);
    assert.deepEqual(f.dependencies.map((d) => d.name), ["a", "b"]);
  });

  it("survives a hostile object: wrong types everywhere never throw", () => {
    const hostile = [null, 7, "x", [], { services: "no" }, { services: [null, 3, { name: 5, port: "80" }] }, { services: [{ name: "ratelimit", port: 8081 }], validation: 9, timeoutPolicy: "x", circuitBreakerPolicy: [], loadBalancerPolicy: 1 }];
    for (const spec of hostile) assert.doesNotThrow(() => run([ratelimit], ext(spec)), JSON.stringify(spec));
  });
});
