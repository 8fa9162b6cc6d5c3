import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { BackendTLSPolicy, BackendTLSPolicyValidation } from "../../crds/types/gateway-api/backendtlspolicy.js";
import type { Condition } from "../store/fragment.js";
import { backendTlsLookup, policyAncestors, reconcileBackendTLSPolicy } from "./backend-tls-policy.js";
import { reconcileGateway, type GatewayResult } from "./reconcile-gateway.js";
import { reconcileHTTPRoute } from "./reconcile-httproute.js";
import { caConfigMap, gateway, gatewayClass, http, httpRoute, objectsOf, service } from "./testdata/fixtures.js";

function policy(name: string, targets: { name: string; sectionName?: string }[], validation: Partial<BackendTLSPolicyValidation>, created = "2026-01-01T00:00:00Z"): BackendTLSPolicy {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "BackendTLSPolicy",
    metadata: { namespace: "apps", name, creationTimestamp: created as unknown as Date },
    spec: { targetRefs: targets.map((t) => ({ group: "", kind: "Service", ...t })), validation: { hostname: "backend.example.com", ...validation } },
  };
}
const svc = service("apps", "secure", [{ port: 443, name: "https" }, { port: 8443, name: "alt" }]);
const ca = { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "ca" }] };
const short = (cs: readonly Condition[]): string => cs.map((c) => `${c.type}=${c.status}:${c.reason}`).join(" ");
const run = (p: BackendTLSPolicy, objs: KubernetesObject[] = []) => reconcileBackendTLSPolicy(objectsOf(svc, caConfigMap("apps", "ca"), p, ...objs), p);

describe("reconcileBackendTLSPolicy", () => {
  it("accepts a policy with a ConfigMap CA, SNI and SANs", () => {
    const r = run(policy("p", [{ name: "secure" }], { ...ca, subjectAltNames: [{ type: "Hostname", hostname: "alt.example.com" }, { type: "URI", uri: "spiffe://cluster/ns/apps/sa/web" }] }));
    assert.equal(short(r.conditions), "Accepted=True:Accepted ResolvedRefs=True:ResolvedRefs");
    assert.ok(r.settings.ok);
    assert.equal(r.settings.value.tls.sni, "backend.example.com");
    assert.equal(r.settings.value.tls.systemCa, false);
    assert.deepEqual(r.settings.value.tls.subjectAltNames, [{ type: "Hostname", value: "alt.example.com" }, { type: "URI", value: "spiffe://cluster/ns/apps/sa/web" }]);
    assert.equal(r.settings.value.secrets[0]?.name, r.settings.value.tls.caSecret);
  });

  it("uses the system trust store", () => {
    const r = run(policy("p", [{ name: "secure" }], { wellKnownCACertificates: "System" }));
    assert.ok(r.settings.ok && r.settings.value.tls.systemCa && r.settings.value.tls.caSecret === undefined);
  });

  const table: { name: string; p: BackendTLSPolicy; want: string }[] = [
    { name: "missing CA ConfigMap", p: policy("p", [{ name: "secure" }], { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "nope" }] }), want: "Accepted=False:NoValidCACertificate ResolvedRefs=False:InvalidCACertificateRef" },
    { name: "CA of another kind", p: policy("p", [{ name: "secure" }], { caCertificateRefs: [{ group: "example.com", kind: "Thing", name: "ca" }] }), want: "Accepted=False:NoValidCACertificate ResolvedRefs=False:InvalidKind" },
    { name: "both CA sources", p: policy("p", [{ name: "secure" }], { ...ca, wellKnownCACertificates: "System" }), want: "Accepted=False:Invalid ResolvedRefs=True:ResolvedRefs" },
    { name: "wildcard hostname", p: policy("p", [{ name: "secure" }], { ...ca, hostname: "*.example.com" }), want: "Accepted=False:Invalid ResolvedRefs=True:ResolvedRefs" },
    { name: "missing target", p: policy("p", [{ name: "nope" }], ca), want: "Accepted=False:TargetNotFound ResolvedRefs=True:ResolvedRefs" },
  ];
  for (const t of table) it(`refuses: ${t.name}`, () => assert.equal(short(run(t.p).conditions), t.want));

  it("lets the oldest policy win a target; a section-specific policy does not conflict with a whole-Service one", () => {
    const older = policy("b-older", [{ name: "secure" }], ca, "2026-01-01T00:00:00Z");
    const newer = policy("a-newer", [{ name: "secure" }], ca, "2026-01-02T00:00:00Z");
    const section = policy("c-section", [{ name: "secure", sectionName: "alt" }], { wellKnownCACertificates: "System" }, "2026-01-03T00:00:00Z");
    const objs = [older, newer, section];
    const results = objs.map((p) => run(p, objs.filter((o) => o !== p)));
    assert.deepEqual(results.map((r) => [r.source.name, r.conditions[0]?.reason]), [["b-older", "Accepted"], ["a-newer", "Conflicted"], ["c-section", "Accepted"]]);
    // The loser governs nothing but still names its target, so its Conflicted status reaches the route's Gateways.
    assert.deepEqual(results.map((r) => [r.targets.length, r.named.map((t) => t.service)]), [[1, ["secure"]], [0, ["secure"]], [1, ["secure"]]]);
    const lookup = backendTlsLookup(results);
    const at = (port: { port: number; name: string }) => lookup("apps", "secure", port);
    const https = at({ port: 443, name: "https" });
    const alt = at({ port: 8443, name: "alt" });
    assert.ok(https !== undefined && !("invalid" in https) && !https.tls.systemCa);
    assert.ok(alt !== undefined && !("invalid" in alt) && alt.tls.systemCa);
    assert.equal(lookup("apps", "other", { port: 1 }), undefined);
  });

  it("makes routes to a Service with an invalid policy answer 500, and finds ancestors", () => {
    const bad = run(policy("p", [{ name: "secure" }], { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "nope" }] }));
    const good = run(policy("p", [{ name: "secure" }], ca));
    const gw = gateway("apps", "gw", [http("http")]);
    const objects = objectsOf(gatewayClass("contour"), gw, svc, caConfigMap("apps", "ca"));
    const gwr: GatewayResult = reconcileGateway(objects, gw, { assignedAddresses: [{ value: "198.18.0.1" }] });
    const route = httpRoute("apps", "r", [{ name: "gw" }], [{ backendRefs: [{ name: "secure", port: 443 }] }]);
    const withBad = reconcileHTTPRoute(objects, route, { gateways: () => gwr, backendTls: backendTlsLookup([bad]) });
    assert.deepEqual(withBad.virtualHosts[0]?.virtualHost.routes[0]?.action, { kind: "direct", status: 500 });
    assert.match(short(withBad.parents[0]?.conditions ?? []), /ResolvedRefs=True/);
    const withGood = reconcileHTTPRoute(objects, route, { gateways: () => gwr, backendTls: backendTlsLookup([good]) });
    assert.equal(withGood.clusters[0]?.protocol, "tls");
    assert.equal(withGood.clusters[0]?.backendTls?.sni, "backend.example.com");
    assert.deepEqual(withGood.secrets.map((s) => s.caCertificate !== undefined), [true]);
    assert.deepEqual(policyAncestors(good.targets, [withGood]), [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "apps", name: "gw" }]);
    assert.deepEqual(policyAncestors(bad.targets, [withBad]), policyAncestors(good.targets, [withGood]));
    assert.deepEqual(policyAncestors([{ namespace: "apps", service: "other" }], [withGood]), []);
  });
});
