// Port of upstream Contour v1.33.6's test/e2e/ingress/tls_wildcard_host_test.go ("ingress-tls-wildcard-host",
// "wildcard hostname matching works with TLS"): a wildcard TLS Ingress, requests with Host and SNI
// varied (a deeper name 404s, an SNI naming another host 421s, a port in Host is ignored).
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createIngress, createTlsSecret, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, describeResponse, hasStatusCode, secureRequestUntil } from "../fixtures/upstream-echo.js";

const NS = "ingress-tls-wildcard-host";

describe("ingress/tls_wildcard_host_test.go", function () {
  const ctx = useStack();

  it("wildcard hostname matching works with TLS", async () => {
    const { stack } = ctx;
    const hostSuffix = "wildcardhost.ingress.projectcontour.io";
    await deployEcho(stack, NS, "echo");
    const cert = await selfSignedCert([`*.${hostSuffix}`]);
    await createTlsSecret(stack.kube, NS, "echo-one-cert", cert.certPem, cert.keyPem);
    await createIngress(stack.kube, NS, "wildcard-ingress", { tls: [{ hosts: [`*.${hostSuffix}`], secretName: "echo-one-cert" }], ...simpleIngressSpec(`*.${hostSuffix}`, "echo", 80, "/") });

    const cases: { hostname: string; sni: string; wantStatus: number }[] = [
      { hostname: `random1.${hostSuffix}`, sni: `random1.${hostSuffix}`, wantStatus: 200 },
      { hostname: `random2.${hostSuffix}`, sni: `random2.${hostSuffix}`, wantStatus: 200 },
      { hostname: `a.random3.${hostSuffix}`, sni: `a.random3.${hostSuffix}`, wantStatus: 404 },
      { hostname: `random4.${hostSuffix}`, sni: `other-random4.${hostSuffix}`, wantStatus: 421 },
      { hostname: `random5.${hostSuffix}`, sni: `a.random5.${hostSuffix}`, wantStatus: 421 },
      { hostname: `random6.${hostSuffix}:9999`, sni: `random6.${hostSuffix}`, wantStatus: 200 },
    ];
    const failures: string[] = [];
    for (const tc of cases) {
      const { res, ok } = await secureRequestUntil(stack, { host: tc.hostname, servername: tc.sni }, hasStatusCode(tc.wantStatus));
      if (!ok) failures.push(`Host ${tc.hostname}, SNI ${tc.sni}: expected ${tc.wantStatus} response code, got ${describeResponse(res)}`);
    }
    assert.deepEqual(failures, []);
  });
});
