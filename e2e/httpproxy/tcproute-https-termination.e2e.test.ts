// Port of upstream Contour v1.33.6's test/e2e/httpproxy/tcproute_https_termination_test.go
// ("httpproxy-tcproute-https-termination", "tcproute can terminate HTTPS"): a tcpproxy behind a TLS
// virtual host; the client verifies Envoy's certificate against the Secret's CA (cert-manager's
// self-signed certificate is its own ca.crt).
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { createIssuedSecret, deployEcho, describeResponse, hasStatusCode, secureRequestUntil } from "../fixtures/upstream-echo.js";

const NS = "httpproxy-tcproute-https-termination";

describe("httpproxy/tcproute_https_termination_test.go", function () {
  const ctx = useStack({ crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("tcproute can terminate HTTPS", async () => {
    const { stack } = ctx;
    const fqdn = "tcp-route-https-termination.projectcontour.io";
    await deployEcho(stack, NS, "ingress-conformance-echo");
    const cert = await selfSignedCert([fqdn]);
    await createIssuedSecret(stack, NS, "echo-cert", cert, cert.certPem);
    await createHTTPProxy(kc(), NS, "echo-tcpproxy", { virtualhost: { fqdn, tls: { secretName: "echo-cert" } }, tcpproxy: { services: [{ name: "ingress-conformance-echo", port: 80 }] } });
    await waitForProxyStatus(kc(), NS, "echo-tcpproxy", "valid");

    const secret = await stack.kube.core.readNamespacedSecret({ namespace: NS, name: "echo-cert" });
    const caCrt = Buffer.from(secret.data?.["ca.crt"] ?? "", "base64").toString("utf8");
    const { res, ok } = await secureRequestUntil(stack, { host: fqdn, ca: caCrt, rejectUnauthorized: true }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);

    // Not in upstream's test: with only a TCP proxy there is no plain-HTTP host, and every xDS
    // subscription must still be answered. One left unanswered holds Envoy's initialisation (and
    // the first 200) until its initial fetch timeout (15 s), counted in init_fetch_timeout.
    const timedOut = [...(await stack.envoy.admin.stats("init_fetch_timeout$")).entries()].filter(([, v]) => v > 0);
    assert.deepEqual(timedOut, [], "no xDS subscription waited for its initial fetch timeout");
    if (stack.underTest !== "upstream") {
      // Ours serves ingress_http's hosts through VHDS over delta xDS: its watch heard the (empty) answer.
      const vhds = await stack.envoy.admin.stat("http.ingress_http.rds.vhds.ingress_http.update_success");
      assert.ok(vhds !== undefined && vhds > 0, `VHDS of ingress_http answered (update_success ${vhds})`);
    }
  });
});
