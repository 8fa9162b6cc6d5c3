import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { cacheOf, port, secret, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, CA_CRT } from "../source/testdata/certs.js";
import { delegation, prefixRoute, rootProxy, to } from "./testdata/fixtures.js";
import { validateCrlSecret } from "./crl-secret.js";

/** An empty CRL of a throwaway test CA (public data: made with `openssl ca -gencrl`). */
const CRL = `-----BEGIN X509 CRL-----
MIG5MGACAQEwCgYIKoZIzj0EAwIwHjEcMBoGA1UEAwwTY29udG91ci10ZXN0LWNy
bC1jYRcNMjYxMjAxMjM0NTMyWhgPMjEyNjExMDcyMzQ1MzJaoA8wDTALBgNVHRQE
BAICEAAwCgYIKoZIzj0EAwIDSQAwRgIhANmkEm1GGAnjTdqamNZdkRHxmfPIHj6o
X7WFdYPuDFOCAiEAyoGOvYz3+DTmvV26c41LqIfA2hbyKWrgQm5561yrlv0=
-----END X509 CRL-----
`;

/** A CRL revoking one serial whose entry carries an empty extensions SEQUENCE (as @peculiar/x509 writes without a reason). */
const EMPTY_ENTRY_EXTENSIONS = `-----BEGIN X509 CRL-----
MIGvMFcCAQEwCgYIKoZIzj0EAwIwDDEKMAgGA1UEAxMBeBcNMjYwMTAxMDAwMDAw
WhgPMjEyNjAxMDEwMDAwMDBaMBgwFgIDCgsMFw0yNjAxMDEwMDAwMDBaMAAwCgYI
KoZIzj0EAwIDSAAwRQIhANaWCrtgriKUiml6vhefpfPtn5WK2VKoeQ/N/dhKBe/5
AiBGhsWGatSQUnDT9N5rKPLs3XBDb1wl0xoRGGt18zDI+g==
-----END X509 CRL-----
`;

const web = service("web", [port(80)], { namespace: "app" });
const cert = tlsSecret("cert", A_CRT, A_KEY, { namespace: "app" });
const ca = secret("ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: "app" });
const crlSecret = (name: string, data: Record<string, string>, namespace = "app", type = "Opaque") => secret(name, type, data, { namespace });
const root = (clientValidation: object): HTTPProxy =>
  rootProxy("p", "crl.example.com", { vhost: { tls: { secretName: "cert", clientValidation } }, routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "app" });
const run = (p: HTTPProxy, ...objects: KubernetesObject[]): Fragment => reconcileHTTPProxy(cacheOf(web, cert, ca, ...objects, p), p);
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);

describe("reconcileHTTPProxy: client certificate revocation lists", () => {
  it("puts the CRL of crlSecret beside the CA, leaf-only when asked", () => {
    const f = run(root({ caSecret: "ca", crlSecret: "crl", crlOnlyVerifyLeafCert: true }), crlSecret("crl", { "crl.pem": CRL }));
    assert.deepEqual(reasons(f), ["Valid"], JSON.stringify(f.conditions));
    const cv = f.virtualHosts[0]?.tls?.clientValidation;
    assert.equal(cv?.crl?.pem, CRL);
    assert.equal(cv?.crl?.onlyLeaf, true);
    assert.ok(cv?.caSecret !== undefined);
    assert.ok(f.dependencies.some((d) => d.kind === "Secret" && d.name === "crl"), "a change of the CRL Secret re-runs the proxy");
  });

  it("uses a CRL of another namespace only when delegated (upstream's DelegationNotPermitted)", () => {
    const other = crlSecret("crl", { "crl.pem": CRL }, "certs");
    assert.deepEqual(reasons(run(root({ caSecret: "ca", crlSecret: "certs/crl" }), other)), ["DelegationNotPermitted"]);
    assert.deepEqual(reasons(run(root({ caSecret: "ca", crlSecret: "certs/crl" }), other, delegation("d", "certs", [{ secretName: "crl", targetNamespaces: ["app"] }]))), ["Valid"]);
  });

  const refused: { name: string; objects: KubernetesObject[] }[] = [
    { name: "a missing Secret", objects: [] },
    { name: "a Secret without crl.pem", objects: [crlSecret("crl", { "ca.crt": CA_CRT })] },
    { name: "a crl.pem holding a certificate", objects: [crlSecret("crl", { "crl.pem": CA_CRT })] },
    { name: "a crl.pem whose block is not a CRL", objects: [crlSecret("crl", { "crl.pem": "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n" })] },
    { name: "a Secret of another type", objects: [crlSecret("crl", { "crl.pem": CRL }, "app", "kubernetes.io/dockerconfigjson")] },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} (ClientValidationInvalid): the host is not served with revocation unchecked`, () => {
      const f = run(root({ caSecret: "ca", crlSecret: "crl" }), ...c.objects);
      assert.deepEqual(reasons(f), ["ClientValidationInvalid"]);
      assert.equal(f.conditions[0]?.category, "TLSError");
      assert.match(f.conditions[0]?.message ?? "", /^spec\.virtualhost\.tls\.clientValidation\.crlSecret: /u);
      assert.deepEqual(f.virtualHosts, []);
    });
  }

  it("refuses a revoked entry with an empty crlEntryExtensions, which Envoy (BoringSSL) cannot load", () => {
    assert.equal(validateCrlSecret(crlSecret("x", { "crl.pem": EMPTY_ENTRY_EXTENSIONS })).ok, false);
  });

  it("reads only the CRL blocks of a bundle", () => {
    const mixed = validateCrlSecret(crlSecret("x", { "crl.pem": CA_CRT + CRL }));
    assert.deepEqual(mixed, { ok: true, pem: CRL });
  });
});
