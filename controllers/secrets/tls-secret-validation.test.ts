import assert from "node:assert/strict";
import { createTlsSecretValidator, validateCaBundle, validateTlsSecret } from "./tls-secret-validation.js";
import { lookupTlsSecret } from "./lookup-tls-secret.js";
import { parsePem } from "./pem.js";
import { cacheOf, secret, tlsDelegation, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, B_CRT, B_KEY, CA_CRT, RSA_CRT, RSA_KEY } from "../source/testdata/certs.js";
import { makeTestCert, type TestKeyType } from "../fuzz/test-certs.js";

describe("validateTlsSecret", () => {
  const table: { name: string; secret: ReturnType<typeof secret>; error?: RegExp }[] = [
    { name: "EC certificate and PKCS#8 key", secret: tlsSecret("s", A_CRT, A_KEY) },
    { name: "RSA certificate and PKCS#1 key", secret: tlsSecret("s", RSA_CRT, RSA_KEY) },
    { name: "chain with a CA certificate after the leaf", secret: tlsSecret("s", A_CRT + CA_CRT, A_KEY) },
    { name: "text around the blocks is ignored", secret: tlsSecret("s", `subject: a\n${A_CRT}\ntrailing`, `# key\n${A_KEY}`) },
    { name: "CRLF line endings", secret: tlsSecret("s", A_CRT.replace(/\n/gu, "\r\n"), A_KEY.replace(/\n/gu, "\r\n")) },
    { name: "empty ca.crt tolerated", secret: secret("s", "kubernetes.io/tls", { "tls.crt": A_CRT, "tls.key": A_KEY, "ca.crt": "" }) },
    { name: "key of another certificate", secret: tlsSecret("s", A_CRT, B_KEY), error: /does not match/u },
    { name: "RSA key for an EC certificate", secret: tlsSecret("s", A_CRT, RSA_KEY), error: /does not match/u },
    { name: "wrong type", secret: secret("s", "Opaque", { "tls.crt": A_CRT, "tls.key": A_KEY }), error: /type "Opaque"/u },
    { name: "no certificate", secret: secret("s", "kubernetes.io/tls", { "tls.key": A_KEY }), error: /no tls\.crt/u },
    { name: "no key", secret: secret("s", "kubernetes.io/tls", { "tls.crt": A_CRT }), error: /no tls\.key/u },
    { name: "garbage certificate", secret: tlsSecret("s", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", A_KEY), error: /does not parse/u },
    { name: "no PEM at all", secret: tlsSecret("s", "hello", A_KEY), error: /no PEM certificate/u },
    { name: "key in the certificate field", secret: tlsSecret("s", A_KEY, A_KEY), error: /unexpected PEM block "PRIVATE KEY"/u },
    { name: "two keys", secret: tlsSecret("s", A_CRT, A_KEY + B_KEY), error: /more than one/u },
    { name: "unterminated block", secret: tlsSecret("s", A_CRT.replace("-----END CERTIFICATE-----", ""), A_KEY), error: /not terminated/u },
    { name: "encrypted legacy key", secret: tlsSecret("s", A_CRT, "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END EC PRIVATE KEY-----\n"), error: /not base64/u },
    { name: "bad CA bundle", secret: secret("s", "kubernetes.io/tls", { "tls.crt": A_CRT, "tls.key": A_KEY, "ca.crt": "nope" }), error: /ca\.crt/u },
    { name: "data not base64", secret: { ...tlsSecret("s", A_CRT, A_KEY), data: { "tls.crt": "!!!", "tls.key": "???" } }, error: /no tls\.crt/u },
  ];
  for (const t of table) {
    it(t.name, () => {
      const got = validateTlsSecret(t.secret);
      if (t.error === undefined) assert.equal(got.ok, true, got.ok ? "" : got.error);
      else {
        assert.equal(got.ok, false);
        assert.match(got.ok ? "" : got.error, t.error);
      }
    });
  }

  it("normalises PEM to the blocks alone", () => {
    const got = validateTlsSecret(tlsSecret("s", `junk\n${A_CRT}junk`, A_KEY));
    assert.ok(got.ok);
    assert.equal(got.value.certificateChain, A_CRT);
    assert.equal(got.value.privateKey, A_KEY);
  });

  it("memoises per Secret object and per content", () => {
    const validate = createTlsSecretValidator();
    const s = tlsSecret("s", A_CRT, A_KEY);
    assert.equal(validate(s), validate(s));
    // Another Secret (another name, namespace) with the same content shares the result.
    assert.equal(validate(tlsSecret("copy", A_CRT, A_KEY, { namespace: "other" })), validate(s));
    // Any change of what is validated is validated again.
    assert.notEqual(validate(tlsSecret("s", B_CRT, B_KEY)), validate(s));
    assert.equal(validate(tlsSecret("s", A_CRT, B_KEY)).ok, false);
    assert.equal(validate(secret("s", "Opaque", { "tls.crt": A_CRT, "tls.key": A_KEY })).ok, false);
  });

  it("survives a huge number of PEM blocks", () => {
    const many = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".repeat(10_000);
    assert.equal(parsePem(many).ok, false);
    assert.equal(validateTlsSecret(tlsSecret("s", many, A_KEY)).ok, false);
  });

  it("validates CA bundles", () => {
    assert.equal(validateCaBundle(secret("ca", "Opaque", { "ca.crt": CA_CRT })).ok, true);
    assert.equal(validateCaBundle(secret("ca", "Opaque", { "ca.crt": B_CRT + "x" })).ok, true);
    assert.equal(validateCaBundle(secret("ca", "Opaque", { "ca.crt": "x" })).ok, false);
  });
});

describe("lookupTlsSecret", () => {
  const cache = cacheOf(
    tlsSecret("cert", A_CRT, A_KEY, { namespace: "certs" }),
    tlsSecret("bad", A_CRT, B_KEY, { namespace: "certs" }),
    tlsSecret("shared", A_CRT, A_KEY, { namespace: "certs" }),
    tlsDelegation("d", "certs", [
      { secretName: "cert", targetNamespaces: ["app"] },
      { secretName: "shared", targetNamespaces: ["*"] },
      { secretName: "bad", targetNamespaces: ["app"] },
    ]),
  );
  const table: { name: string; ref: [string, string]; from: string; want: string }[] = [
    { name: "same namespace", ref: ["certs", "cert"], from: "certs", want: "ok" },
    { name: "delegated to the namespace", ref: ["certs", "cert"], from: "app", want: "ok" },
    { name: "delegated to all namespaces", ref: ["certs", "shared"], from: "other", want: "ok" },
    { name: "not delegated", ref: ["certs", "cert"], from: "other", want: "DelegationNotPermitted" },
    { name: "missing", ref: ["certs", "nope"], from: "certs", want: "SecretNotFound" },
    { name: "invalid", ref: ["certs", "bad"], from: "app", want: "SecretNotValid" },
  ];
  for (const t of table) {
    it(t.name, () => {
      const got = lookupTlsSecret(cache, { namespace: t.ref[0], name: t.ref[1] }, t.from, "spec.tls[0].secretName");
      assert.equal(got.ok ? "ok" : got.condition.reason, t.want);
      assert.deepEqual(got.dependencies[0], { kind: "Secret", namespace: t.ref[0], name: t.ref[1] });
      if (t.from !== t.ref[0]) assert.deepEqual(got.dependencies[1], { kind: "TLSCertificateDelegation", namespace: t.ref[0], name: "*" });
    });
  }

  it("names the model secret after namespace, name and content", () => {
    const got = lookupTlsSecret(cache, { namespace: "certs", name: "cert" }, "certs", "f");
    assert.ok(got.ok);
    assert.match(got.secret.name, /^certs\/cert\/[0-9a-f]{10}$/u);
    assert.deepEqual(got.secret.source, { kind: "Secret", namespace: "certs", name: "cert" });
  });
});

describe("validateTlsSecret: only keys Envoy serves (found by trying Envoy 1.40)", function () {
  this.timeout(30_000);
  const cases: { type: TestKeyType; error?: RegExp }[] = [
    { type: "rsa-2048" },
    { type: "p256" },
    { type: "p384" },
    { type: "p521" },
    { type: "ed25519" },
    { type: "rsa-1024", error: /1024-bit RSA key; Envoy serves only RSA keys of 2048 bits or more/u },
    { type: "rsa-512", error: /512-bit RSA key/u },
    { type: "dsa", error: /DSA key/u },
    { type: "secp256k1", error: /curve secp256k1; Envoy serves only P-256, P-384 and P-521/u },
  ];
  for (const c of cases) {
    it(`${c.type}: ${c.error === undefined ? "accepted" : "refused"}`, () => {
      const cert = makeTestCert(c.type, "k.test");
      const got = validateTlsSecret(tlsSecret("s", cert.cert, cert.key));
      if (c.error === undefined) assert.equal(got.ok, true, got.ok ? "" : got.error);
      else assert.match(got.ok ? "valid" : got.error, c.error);
    });
  }
  it("refuses a key that is not the certificate's, whatever its type", () => {
    const a = makeTestCert("rsa-2048", "k.test");
    const b = makeTestCert("rsa-2048", "k.test");
    const got = validateTlsSecret(tlsSecret("s", a.cert, b.key));
    assert.match(got.ok ? "valid" : got.error, /does not match/u);
  });
});
