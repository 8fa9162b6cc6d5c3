// Port of upstream Contour v1.33.6's test/e2e/httpproxy/backend_tls_protocol_version_test.go
// ("httpproxy-backend-tls-version", "with backend tls version configured": "backend connection uses
// configured TLS version"), wired as httpproxy_test.go does: contour's config file names Envoy's client
// certificate, cluster.upstream-tls.minimum-protocol-version "1.3" and cluster.dns-lookup-family auto.
// cert-manager's CA Issuer and Certificates become a test CA and the Secrets they would leave.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployMutualTlsEcho, describeResponse, echoBody, hasStatusCode, requestUntil, writeContourConfig } from "../fixtures/upstream-echo.js";

const NS = "httpproxy-backend-tls-version";

describe("httpproxy/backend_tls_protocol_version_test.go", function () {
  const config = writeContourConfig(
    [
      "tls:",
      "  envoy-client-certificate:",
      "    name: backend-client-cert",
      `    namespace: ${NS}`,
      "cluster:",
      '  dns-lookup-family: "auto"',
      "  upstream-tls:",
      '    minimum-protocol-version: "1.3"',
      "",
    ].join("\n"),
  );
  const ctx = useStack({ crds: true, contourArgs: [`--config-path=${config}`] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("backend connection uses configured TLS version", async () => {
    const { stack } = ctx;
    await deployMutualTlsEcho(stack, NS);

    const fqdn = "backend-tls.projectcontour.io";
    await createHTTPProxy(kc(), NS, "backend-tls", {
      virtualhost: { fqdn },
      routes: [{ services: [{ name: "echo-secure", port: 443, validation: { caSecret: "backend-client-cert", subjectName: "echo-secure" } }] }],
    });
    await waitForProxyStatus(kc(), NS, "backend-tls", "valid");

    // Send HTTP request, we will check backend connection was over HTTPS.
    const { res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);

    assert.equal(echoBody(res).tls?.version, "TLSv1.3");
  });
});
