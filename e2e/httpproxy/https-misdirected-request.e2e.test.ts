// Port of upstream Contour v1.33.6's test/e2e/httpproxy/https_misdirected_request_test.go
// ("httpproxy-https-misdirected-request"): a TLS virtual host answers 421 Misdirected Request when the
// Host header names another host than the SNI, and matches Host case- and port-insensitively.
// Upstream's cert-manager self-signed certificate is made by the bed (selfSignedCert) as a Secret.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { createTlsSecret } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, echoService, hasStatusCode, secureRequestUntil } from "./upstream-port-fixture.js";

const NS = "httpproxy-https-misdirected-request";

describe("httpproxy/https_misdirected_request_test.go", function () {
  const ctx = useStack({ pods: ["echo"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("SNI and canonicalized hostname must match", async () => {
    const { stack } = ctx;
    const fqdn = "https-misdirected-request.projectcontour.io";
    await deployEcho(stack, NS, "echo");
    const cert = await selfSignedCert([fqdn]);
    await createTlsSecret(stack.kube, NS, "echo", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), NS, "echo", {
      virtualhost: { fqdn, tls: { secretName: "echo" } },
      routes: [{ services: [{ name: "echo", port: 80 }] }],
    });
    await waitForProxyStatus(kc(), NS, "echo", "valid");

    const res = await secureRequestUntil(stack, { host: fqdn }, hasStatusCode(200), "expected 200 response code");
    assert.equal(echoService(res), "echo");

    // A Host that does not match the SNI: 421 (Misdirected Request).
    await secureRequestUntil(stack, { host: "non-matching-host.projectcontour.io", servername: fqdn }, hasStatusCode(421), "expected 421 (Misdirected Request) response code");

    // The virtual host name is port-insensitive.
    await secureRequestUntil(stack, { host: `${fqdn}:9999`, servername: fqdn }, hasStatusCode(200), "expected 200 response code with a port in Host");

    // The hostname match is case-insensitive (the SNI match is not, envoyproxy/envoy#6199).
    await secureRequestUntil(stack, { host: "HTTPS-Misdirected-reQUest.projectcontour.io", servername: fqdn }, hasStatusCode(200), "expected 200 response code with a mixed-case Host");
  });
});
