// Port of upstream Contour v1.33.6's test/e2e/httpproxy/https_sni_enforcement_test.go
// ("httpproxy-https-sni-enforcement"): two TLS virtual hosts, each reached by its own SNI, and a
// request whose SNI names one host and whose Host names the other is answered 421.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { createTlsSecret } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, echoService, hasStatusCode, secureRequestUntil } from "./upstream-port-fixture.js";

const NS = "httpproxy-https-sni-enforcement";

describe("httpproxy/https_sni_enforcement_test.go", function () {
  const ctx = useStack({ pods: ["echo-one", "echo-two"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  /** An echo Service, its self-signed Secret and a TLS HTTPProxy of the same name. */
  async function tlsProxy(name: string, fqdn: string): Promise<void> {
    const { stack } = ctx;
    await deployEcho(stack, NS, name);
    const cert = await selfSignedCert([fqdn]);
    await createTlsSecret(stack.kube, NS, name, cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), NS, name, { virtualhost: { fqdn, tls: { secretName: name } }, routes: [{ services: [{ name, port: 80 }] }] });
    await waitForProxyStatus(kc(), NS, name, "valid");
  }

  it("SNI routing works and hostname must match", async () => {
    const { stack } = ctx;
    const one = "sni-enforcement-echo-one.projectcontour.io";
    const two = "sni-enforcement-echo-two.projectcontour.io";
    await tlsProxy("echo-one", one);
    let res = await secureRequestUntil(stack, { host: one, path: "/https-sni-enforcement" }, hasStatusCode(200), "expected 200 response code from echo-one");
    assert.equal(echoService(res), "echo-one");

    await tlsProxy("echo-two", two);
    res = await secureRequestUntil(stack, { host: two, path: "/https-sni-enforcement" }, hasStatusCode(200), "expected 200 response code from echo-two");
    assert.equal(echoService(res), "echo-two");

    // Host echo-two with the SNI of echo-one: 421 (Misdirected Request).
    await secureRequestUntil(stack, { host: two, servername: one }, hasStatusCode(421), "expected 421 (Misdirected Request) response code");
  });
});
