// Port of upstream Contour v1.33.6's test/e2e/httpproxy/backend_tls_test.go ("httpproxy-backend-tls",
// "mTLS to backends can be configured"), wired as httpproxy_test.go does: contour started with a config
// file naming Envoy's client certificate (tls.envoy-client-certificate). cert-manager's CA Issuer and
// Certificates become a test CA and the Secrets they would leave (tls.crt, tls.key, ca.crt); its
// re-issue of a deleted Secret becomes a new certificate of the same CA under the same name.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { createIssuedSecret, deployMutualTlsEcho, describeResponse, echoBody, hasStatusCode, requestUntil, writeContourConfig } from "../fixtures/upstream-echo.js";
import { waitFor } from "../harness/index.js";

const NS = "httpproxy-backend-tls";

describe("httpproxy/backend_tls_test.go", function () {
  const config = writeContourConfig(`tls:\n  envoy-client-certificate:\n    name: backend-client-cert\n    namespace: ${NS}\n`);
  const ctx = useStack({ crds: true, contourArgs: [`--config-path=${config}`] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("mTLS to backends can be configured", async () => {
    const { stack } = ctx;
    // The BeforeEach: a self-signed CA ("ca-cert"), an Issuer on it, and the backend client certificate.
    const ca = await deployMutualTlsEcho(stack, NS);

    const fqdn = "backend-tls.projectcontour.io";
    await createHTTPProxy(kc(), NS, "backend-tls", {
      virtualhost: { fqdn },
      routes: [{ services: [{ name: "echo-secure", port: 443, validation: { caSecret: "backend-client-cert", subjectName: "echo-secure" } }] }],
    });
    await waitForProxyStatus(kc(), NS, "backend-tls", "valid");

    // Send HTTP request, we will check backend connection was over HTTPS.
    let { res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);

    // Get cert presented to backend app.
    let peers = echoBody(res).tls?.peerCertificates ?? [];
    assert.equal(peers.length, 1);

    // Get value of client cert Envoy should have presented.
    const readSecret = () => stack.kube.core.readNamespacedSecret({ namespace: NS, name: "backend-client-cert" });
    let clientSecret = await readSecret();
    const tlsCrt = (s: typeof clientSecret) => Buffer.from(s.data?.["tls.crt"] ?? "", "base64").toString("utf8");
    assert.equal(peers[0], tlsCrt(clientSecret));

    // Delete client cert so it is rotated (cert-manager issues it again).
    const oldUid = clientSecret.metadata?.uid;
    await stack.kube.core.deleteNamespacedSecret({ namespace: NS, name: "backend-client-cert" });
    await createIssuedSecret(stack, NS, "backend-client-cert", await ca.issue({ commonName: "client", usage: "client" }), ca.certPem);
    // Make sure the cert is rotated.
    clientSecret = await waitFor(async () => {
      const s = await readSecret();
      return s.metadata?.uid !== oldUid ? s : undefined;
    }, { timeoutMs: 10_000, intervalMs: 50, description: "the client certificate Secret to be re-issued" });

    // Send HTTP request again until we get a 200 and new cert is presented.
    await waitFor(
      async () => {
        ({ res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(200), 5_000));
        if (!ok || res === undefined) return false;
        peers = echoBody(res).tls?.peerCertificates ?? [];
        assert.equal(peers.length, 1);
        return peers[0] === tlsCrt(clientSecret);
      },
      { timeoutMs: 10_000, intervalMs: 50, description: "Envoy to present the re-issued client certificate" },
    );
  });
});
