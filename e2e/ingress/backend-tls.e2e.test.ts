// Port of upstream Contour v1.33.6's test/e2e/ingress/backend_tls_test.go ("backend-tls", "with backend
// tls": "simple TLS to backends can be configured"), wired as ingress_test.go does: contour's config file
// names Envoy's client certificate (tls.envoy-client-certificate), and an Ingress routes to echo-secure's
// TLS port (upstream-protocol.tls annotation). cert-manager's CA Issuer and Certificates become a test CA
// and the Secrets they would leave (tls.crt, tls.key, ca.crt).
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createIngress, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployMutualTlsEcho, describeResponse, echoBody, hasStatusCode, requestUntil, writeContourConfig } from "../fixtures/upstream-echo.js";

const NS = "backend-tls";

describe("ingress/backend_tls_test.go", function () {
  const config = writeContourConfig(`tls:\n  envoy-client-certificate:\n    name: backend-client-cert\n    namespace: ${NS}\n`);
  const ctx = useStack({ contourArgs: [`--config-path=${config}`] });

  it("simple TLS to backends can be configured", async () => {
    const { stack } = ctx;
    await deployMutualTlsEcho(stack, NS);

    const host = "backend-tls.ingress.projectcontour.io";
    await createIngress(stack.kube, NS, "backend-tls", simpleIngressSpec(host, "echo-secure", 443, "/"));

    // Send HTTP request, we will check backend connection was over HTTPS.
    const { res, ok } = await requestUntil(stack, { host }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);

    // Get cert presented to backend app.
    const peers = echoBody(res).tls?.peerCertificates ?? [];
    assert.equal(peers.length, 1);
    // Get value of client cert Envoy should have presented.
    const clientSecret = await stack.kube.core.readNamespacedSecret({ namespace: NS, name: "backend-client-cert" });
    assert.equal(peers[0], Buffer.from(clientSecret.data?.["tls.crt"] ?? "", "base64").toString("utf8"));
  });
});
