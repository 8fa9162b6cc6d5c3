/** Hostile and malformed input: every case must end in conditions, never in an exception or unbounded work. */
import assert from "node:assert/strict";
import type { V1Ingress } from "@kubernetes/client-node";
import { reconcileIngress } from "./reconcile-ingress.js";
import { cacheOf, ingress, path, port, rule, secret, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, B_CRT, RSA_KEY } from "../source/testdata/certs.js";

const web = service("web", [port(80)]);
const MiB = "x".repeat(1 << 20);

function reconcileAll(ing: V1Ingress, ...objects: Parameters<typeof cacheOf>) {
  const started = process.hrtime.bigint();
  const f = reconcileIngress(cacheOf(web, ...objects), ing);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  for (const c of f.conditions) assert.ok(c.message.length <= 600, `message of ${c.message.length} characters`);
  return { f, ms };
}

describe("reconcileIngress: hostile input", () => {
  it("huge values in every annotation are refused quickly", () => {
    const keys = [
      "projectcontour.io/response-timeout",
      "projectcontour.io/retry-on",
      "projectcontour.io/num-retries",
      "projectcontour.io/per-try-timeout",
      "projectcontour.io/websocket-routes",
      "projectcontour.io/tls-minimum-protocol-version",
      "projectcontour.io/tls-maximum-protocol-version",
    ];
    const annotations = Object.fromEntries(keys.map((k) => [k, MiB]));
    const { f } = reconcileAll(ingress("i", { rules: [rule("a.com", path("/", "web", 80))] }, { annotations }));
    assert.deepEqual(f.conditions.map((c) => c.reason), ["Valid", ...keys.map(() => "AnnotationValueTooLong")]);
    assert.equal(f.virtualHosts[0]?.routes.length, 1);
  });

  it("a long list of websocket routes stays linear", () => {
    const value = Array.from({ length: 400 }, (_, i) => `/ws${i}`).join(",");
    const { f } = reconcileAll(ingress("i", { rules: [rule("a.com", path("/ws7", "web", 80, "Exact"))] }, { annotations: { "projectcontour.io/websocket-routes": value } }));
    const r = f.virtualHosts[0]?.routes[0];
    assert.equal(r?.action.kind === "forward" && r.action.websocket, true);
  });

  it("bad regexes never reach the model", () => {
    // Each holds a regex marker (^+*[]%), so each is read as a regex; "(" alone would be a plain prefix.
    const regexes = ["/(a+)+$", "/(x*)*y", "/[", "/(?=a)*", "/(a)\\1+", "/" + "(".repeat(500) + "*", "/" + "a*".repeat(600), "/(a|aa)+{2}"];
    const { f } = reconcileAll(ingress("i", { rules: [rule("a.com", ...regexes.map((p) => path(p, "web", 80, "ImplementationSpecific")))] }));
    assert.deepEqual(f.virtualHosts, []);
    assert.equal(f.conditions.length, regexes.length);
    assert.ok(f.conditions.every((c) => c.reason === "InvalidPathRegex"));
  });

  it("bad durations are warnings, and the routes stay", () => {
    for (const d of ["1d", "-1s", "1e9s", "99999999999999999999h", "１s", "\u0000", "NaN", "Infinity"]) {
      const { f } = reconcileAll(ingress("i", { rules: [rule("a.com", path("/", "web", 80))] }, { annotations: { "projectcontour.io/response-timeout": d, "projectcontour.io/retry-on": "5xx", "projectcontour.io/per-try-timeout": d } }));
      assert.deepEqual(f.conditions.map((c) => c.reason), ["Valid", "InvalidResponseTimeout", "InvalidPerTryTimeout"], d);
      assert.equal(f.virtualHosts[0]?.routes.length, 1);
    }
  });

  it("certificate and key that do not belong together are SecretNotValid", () => {
    for (const [crt, key] of [[A_CRT, RSA_KEY], [B_CRT, A_KEY], [A_CRT, A_CRT], [MiB, MiB], ["-----BEGIN CERTIFICATE-----\n" + "A".repeat(100_000) + "\n-----END CERTIFICATE-----\n", A_KEY]] as const) {
      const { f } = reconcileAll(ingress("i", { tls: [{ hosts: ["a.com"], secretName: "s" }], rules: [rule("a.com", path("/", "web", 80))] }), tlsSecret("s", crt, key));
      assert.deepEqual(f.conditions.map((c) => c.reason), ["SecretNotValid"]);
      assert.equal(f.virtualHosts[0]?.tls, undefined);
    }
  });

  it("a Secret whose data is not even base64 is SecretNotValid", () => {
    const s = { ...secret("s", "kubernetes.io/tls", {}), data: { "tls.crt": "%%%%", "tls.key": "@@@@" } };
    const { f } = reconcileAll(ingress("i", { tls: [{ hosts: ["a.com"], secretName: "s" }], rules: [rule("a.com", path("/", "web", 80))] }), s);
    assert.deepEqual(f.conditions.map((c) => c.reason), ["SecretNotValid"]);
  });

  it("thousands of paths cost linear time", () => {
    const paths = Array.from({ length: 5000 }, (_, i) => path(`/p${i}`, i % 2 === 0 ? "web" : "missing", 80));
    const { f, ms } = reconcileAll(ingress("i", { rules: [rule("a.com", ...paths)] }));
    assert.equal(f.virtualHosts[0]?.routes.length, 2500);
    assert.equal(f.conditions.length, 2500);
    console.log(`      5000 paths reconciled in ${ms.toFixed(1)} ms`);
  });

  it("structurally malformed objects end in a condition, not an exception", () => {
    const malformed: unknown[] = [
      { kind: "Ingress", metadata: { name: "m", namespace: "default" }, spec: { rules: "nope" } },
      { kind: "Ingress", metadata: { name: "m", namespace: "default" }, spec: { rules: [{ host: 42, http: { paths: [{ backend: null }] } }] } },
      { kind: "Ingress", metadata: { name: "m", namespace: "default" }, spec: { rules: [{ host: "a.com", http: { paths: [{ path: 7, pathType: {}, backend: { service: { name: "web", port: { number: "80" } } } }] } }] } },
      { kind: "Ingress", metadata: { name: "m", namespace: "default", annotations: { "projectcontour.io/retry-on": 5 } }, spec: { tls: [{ hosts: "a.com", secretName: 3 }] } },
      { kind: "Ingress", metadata: null, spec: null },
      { kind: "Ingress" },
    ];
    for (const m of malformed) {
      const f = reconcileIngress(cacheOf(web), m as V1Ingress);
      assert.ok(Array.isArray(f.conditions) && Array.isArray(f.virtualHosts));
      assert.ok(f.conditions.every((c) => typeof c.reason === "string" && /^[A-Z][A-Za-z]+$/u.test(c.reason)));
    }
  });
});
