// Port of upstream Contour v1.33.6's test/e2e/httpproxy/client_cert_auth_test.go
// ("httpproxy-client-cert-auth", "client requests can be authenticated"). cert-manager's two CA Issuers
// (ca-projectcontour-io, ca-notprojectcontour-io) become two test CAs, and each Certificate the Secret it
// would leave (tls.crt, tls.key, ca.crt). Go's TLS errors name the alert Envoy sent; Node (OpenSSL) names
// the same alert by number: "tls: certificate required" is alert 116, "tls: unknown certificate
// authority" alert 48.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { createTestCa } from "../fixtures/test-ca.js";
import type { ServingCert } from "../fixtures/serving-cert.js";
import { createIssuedSecret, deployEcho, describeResponse, hasStatusCode, secureRequestUntil } from "../fixtures/upstream-echo.js";
import { httpRequest, waitFor } from "../harness/index.js";

const NS = "httpproxy-client-cert-auth";

/** Go's TLS error text → the OpenSSL alert number Node reports for the same alert. */
const ALERT = { "tls: certificate required": "SSL alert number 116", "tls: unknown certificate authority": "SSL alert number 48" } as const;

describe("httpproxy/client_cert_auth_test.go", function () {
  const ctx = useStack({ crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("client requests can be authenticated", async function () {
    this.timeout(600_000);
    const { stack } = ctx;
    const ca = await createTestCa("issuer");
    const ca2 = await createTestCa("issuer");

    /** An echo Deployment and its server certificate (Secret `name`) from ca-projectcontour-io. */
    async function echoWithCert(name: string): Promise<void> {
      await deployEcho(stack, NS, name);
      await createIssuedSecret(stack, NS, name, await ca.issue({ commonName: `${name}.projectcontour.io`, dnsNames: [`${name}.projectcontour.io`], usage: "server" }), ca.certPem);
    }
    for (const name of ["echo-no-auth", "echo-with-auth", "echo-with-auth-skip-verify", "echo-with-auth-skip-verify-with-ca", "echo-with-optional-auth", "echo-with-optional-auth-no-ca"]) await echoWithCert(name);

    // Get a client certificate, and another from the other CA.
    const validClientCert = await ca.issue({ commonName: "client", usage: "client" });
    await createIssuedSecret(stack, NS, "echo-client", validClientCert, ca.certPem);
    const invalidClientCert = await ca2.issue({ commonName: "badclient", usage: "client" });
    await createIssuedSecret(stack, NS, "echo-client-invalid", invalidClientCert, ca2.certPem);

    const proxy = async (name: string, clientValidation?: NonNullable<NonNullable<HTTPProxySpec["virtualhost"]>["tls"]>["clientValidation"]): Promise<string> => {
      const fqdn = `${name}.projectcontour.io`;
      await createHTTPProxy(kc(), NS, name, {
        virtualhost: { fqdn, tls: { secretName: name, ...(clientValidation === undefined ? {} : { clientValidation }) } },
        routes: [{ services: [{ name, port: 80 }] }],
      });
      await waitForProxyStatus(kc(), NS, name, "valid");
      return fqdn;
    };
    // This proxy does not require client certificate auth.
    const noAuth = await proxy("echo-no-auth");
    // This proxy requires client certificate auth.
    const auth = await proxy("echo-with-auth", { caSecret: "echo-with-auth" });
    // This proxy does not verify client certs.
    const authSkipVerify = await proxy("echo-with-auth-skip-verify", { skipClientCertValidation: true });
    // This proxy requires a client certificate but does not verify it.
    const authSkipVerifyWithCa = await proxy("echo-with-auth-skip-verify-with-ca", { skipClientCertValidation: true, caSecret: "echo-with-auth" });
    // This proxy requests a client certificate but only verifies it if sent.
    const optionalAuth = await proxy("echo-with-optional-auth", { optionalClientCertificate: true, caSecret: "echo-with-auth" });
    // This proxy requests a client certificate but doesn't verify it if sent.
    const optionalAuthNoCa = await proxy("echo-with-optional-auth-no-ca", { optionalClientCertificate: true, skipClientCertValidation: true });

    const cases: [string, string, ServingCert | undefined, keyof typeof ALERT | ""][] = [
      ["echo-no-auth without a client cert should succeed", noAuth, undefined, ""],
      ["echo-no-auth with echo-client-cert should succeed", noAuth, validClientCert, ""],
      ["echo-no-auth with echo-client-cert-invalid should succeed", noAuth, invalidClientCert, ""],
      ["echo-with-auth without a client cert should error", auth, undefined, "tls: certificate required"],
      ["echo-with-auth with echo-client-cert should succeed", auth, validClientCert, ""],
      ["echo-with-auth with echo-client-cert-invalid should error", auth, invalidClientCert, "tls: unknown certificate authority"],
      ["echo-with-auth-skip-verify without a client cert should succeed", authSkipVerify, undefined, ""],
      ["echo-with-auth-skip-verify with echo-client-cert should succeed", authSkipVerify, validClientCert, ""],
      ["echo-with-auth-skip-verify with echo-client-cert-invalid should succeed", authSkipVerify, invalidClientCert, ""],
      ["echo-with-auth-skip-verify-with-ca without a client cert should error", authSkipVerifyWithCa, undefined, "tls: certificate required"],
      ["echo-with-auth-skip-verify-with-ca with echo-client-cert should succeed", authSkipVerifyWithCa, validClientCert, ""],
      ["echo-with-auth-skip-verify-with-ca with echo-client-cert-invalid should succeed", authSkipVerifyWithCa, invalidClientCert, ""],
      ["echo-with-optional-auth without a client cert should succeed", optionalAuth, undefined, ""],
      ["echo-with-optional-auth with echo-client-cert should succeed", optionalAuth, validClientCert, ""],
      ["echo-with-optional-auth with echo-client-cert-invalid should error", optionalAuth, invalidClientCert, "tls: unknown certificate authority"],
      ["echo-with-optional-auth-no-ca without a client cert should succeed", optionalAuthNoCa, undefined, ""],
      ["echo-with-optional-auth-no-ca with echo-client-cert should succeed", optionalAuthNoCa, validClientCert, ""],
      ["echo-with-optional-auth-no-ca with echo-client-cert-invalid should succeed", optionalAuthNoCa, invalidClientCert, ""],
    ];

    const failures: string[] = [];
    for (const [name, host, clientCert, wantErr] of cases) {
      const certOpts = clientCert === undefined ? {} : { cert: clientCert.certPem, key: clientCert.keyPem };
      if (wantErr === "") {
        const { res, ok } = await secureRequestUntil(stack, { host, ...certOpts }, hasStatusCode(200));
        if (!ok) failures.push(`${name}: expected 200 response code, got ${describeResponse(res)}`);
      } else {
        // Since we're expecting an error making the request itself, SecureRequestUntil won't work.
        let last = "no attempt";
        await waitFor(
          async () => {
            try {
              const res = await httpRequest(`https://127.0.0.1:${stack.envoyPorts.https}/`, { host, servername: host, rejectUnauthorized: false, timeoutMs: 3000, ...certOpts });
              last = `HTTP ${res.status}`;
              return false;
            } catch (err) {
              last = err instanceof Error ? err.message : String(err);
              return last.includes(ALERT[wantErr]);
            }
          },
          { timeoutMs: 30_000, intervalMs: 500, description: "" },
        ).catch(() => failures.push(`${name}: expected an error "${wantErr}" (${ALERT[wantErr]}), last: ${last}`));
      }
    }
    assert.deepEqual(failures, []);
  });
});
