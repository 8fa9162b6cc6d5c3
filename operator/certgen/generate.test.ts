import { strict as assert } from "node:assert";
import { X509Certificate, createPrivateKey } from "node:crypto";
import {
  contourSans,
  generateCertificates,
  pemFiles,
  buildSecrets,
  validateCertgenOptions,
  type CertgenOptions,
  type GeneratedCertificates,
} from "./index.js";

const NOW = new Date("2030-01-02T03:04:05Z");
const DAY_MS = 24 * 60 * 60 * 1000;
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

describe("operator/certgen", () => {
  const options: CertgenOptions = {
    namespace: "team-a",
    lifetimeDays: 30,
    dnsNames: ["xds.example.com", "contour"],
    ipAddresses: ["10.1.2.3", "::1"],
    now: NOW,
  };
  let certs: GeneratedCertificates;
  let ca: X509Certificate;
  let contour: X509Certificate;
  let envoy: X509Certificate;

  before(async () => {
    certs = await generateCertificates(options);
    ca = new X509Certificate(certs.caCert);
    contour = new X509Certificate(certs.contourCert);
    envoy = new X509Certificate(certs.envoyCert);
  });

  it("makes a self-signed CA", () => {
    assert.equal(ca.ca, true);
    assert.ok(ca.checkIssued(ca));
    assert.ok(ca.verify(ca.publicKey));
    assert.match(ca.subject, /CN=Contour CA/);
  });

  it("issues both leaves from the CA", () => {
    for (const leaf of [contour, envoy]) {
      assert.equal(leaf.ca, false);
      assert.ok(leaf.checkIssued(ca), leaf.subject);
      assert.ok(leaf.verify(ca.publicKey), leaf.subject);
    }
  });

  it("does not let a leaf verify under another CA", async () => {
    const other = new X509Certificate((await generateCertificates({ namespace: "x", lifetimeDays: 1 })).caCert);
    assert.equal(contour.checkIssued(other), false);
    assert.equal(contour.verify(other.publicKey), false);
  });

  it("gives contour its service names, localhost, 127.0.0.1 and the extras, without repeats", () => {
    assert.equal(contour.subject.split("\n").find((l) => l.startsWith("CN=")), "CN=contour");
    assert.equal(
      contour.subjectAltName,
      [
        "DNS:contour",
        "DNS:contour.team-a",
        "DNS:contour.team-a.svc",
        "DNS:contour.team-a.svc.cluster.local",
        "DNS:localhost",
        "DNS:xds.example.com",
        "IP Address:127.0.0.1",
        "IP Address:10.1.2.3",
        "IP Address:0:0:0:0:0:0:0:1",
      ].join(", "),
    );
    assert.ok(contour.checkHost("contour.team-a.svc"));
    assert.ok(contour.checkIP("127.0.0.1"));
    assert.deepEqual(contour.keyUsage, [SERVER_AUTH]);
  });

  it("gives envoy CN and SANs envoy, for client authentication only", () => {
    assert.equal(envoy.subject.split("\n").find((l) => l.startsWith("CN=")), "CN=envoy");
    assert.equal(
      envoy.subjectAltName,
      "DNS:envoy, DNS:envoy.team-a, DNS:envoy.team-a.svc, DNS:envoy.team-a.svc.cluster.local",
    );
    assert.deepEqual(envoy.keyUsage, [CLIENT_AUTH]);
  });

  it("is valid from a little before now for the lifetime", () => {
    for (const cert of [ca, contour, envoy]) {
      const from = Date.parse(cert.validFrom);
      const to = Date.parse(cert.validTo);
      assert.ok(from < NOW.getTime() && from >= NOW.getTime() - 10 * 60 * 1000, `${cert.subject} validFrom ${cert.validFrom}`);
      assert.equal(to, NOW.getTime() + 30 * DAY_MS);
    }
  });

  it("returns P-256 keys that match their certificates", () => {
    for (const [cert, pem] of [[contour, certs.contourKey], [envoy, certs.envoyKey]] as const) {
      assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
      const key = createPrivateKey(pem);
      assert.equal(key.asymmetricKeyType, "ec");
      assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
      assert.ok(cert.checkPrivateKey(key));
    }
  });

  it("gives every certificate a distinct serial number", () => {
    assert.equal(new Set([ca.serialNumber, contour.serialNumber, envoy.serialNumber]).size, 3);
  });

  it("ends every PEM with exactly one newline", () => {
    for (const pem of Object.values(certs)) assert.match(pem, /-----\n$/);
  });

  it("lays out the PEM files with owner-only keys", () => {
    assert.deepEqual(
      pemFiles(certs).map((f) => [f.name, f.mode.toString(8)]),
      [["cacert.pem", "644"], ["contourcert.pem", "644"], ["contourkey.pem", "600"], ["envoycert.pem", "644"], ["envoykey.pem", "600"]],
    );
  });

  it("builds upstream's compact Secrets", () => {
    const docs = buildSecrets(certs, { namespace: "team-a", format: "compact" });
    assert.deepEqual(
      docs.map((d) => [d.metadata.name, d.metadata.namespace, d.type, Object.keys(d.data)]),
      [
        ["contourcert", "team-a", "kubernetes.io/tls", ["ca.crt", "tls.crt", "tls.key"]],
        ["envoycert", "team-a", "kubernetes.io/tls", ["ca.crt", "tls.crt", "tls.key"]],
      ],
    );
    const decode = (b64: string | undefined) => Buffer.from(b64 ?? "", "base64").toString("utf8");
    assert.equal(decode(docs[0]?.data["tls.key"]), certs.contourKey);
    assert.equal(decode(docs[1]?.data["tls.crt"]), certs.envoyCert);
    assert.equal(decode(docs[1]?.data["ca.crt"]), certs.caCert);
  });

  describe("validateCertgenOptions", () => {
    const table: Array<{ name: string; options: Partial<CertgenOptions>; want: RegExp[] }> = [
      { name: "defaults", options: {}, want: [] },
      { name: "wildcard and IPv6 extras", options: { dnsNames: ["*.example.com"], ipAddresses: ["fd00::1"] }, want: [] },
      { name: "upper-case namespace", options: { namespace: "Team" }, want: [/namespace "Team"/] },
      { name: "zero lifetime", options: { lifetimeDays: 0 }, want: [/lifetime 0/] },
      { name: "huge lifetime", options: { lifetimeDays: 100_000 }, want: [/lifetime 100000/] },
      { name: "bad DNS name", options: { dnsNames: ["under_score.io"] }, want: [/DNS name "under_score.io"/] },
      { name: "bad IP", options: { ipAddresses: ["256.1.1.1"] }, want: [/IP "256.1.1.1"/] },
    ];
    for (const { name, options: partial, want } of table) {
      it(name, () => {
        const problems = validateCertgenOptions({ namespace: "projectcontour", lifetimeDays: 365, ...partial });
        assert.equal(problems.length, want.length, problems.join("; "));
        want.forEach((re, i) => assert.match(problems[i] ?? "", re));
      });
    }

    it("makes generateCertificates throw", async () => {
      await assert.rejects(generateCertificates({ namespace: "", lifetimeDays: 1 }), /namespace/);
    });
  });

  it("lists extra names after the built-in ones", () => {
    assert.deepEqual(contourSans({ namespace: "n", lifetimeDays: 1, dnsNames: ["a.io"] }).dns.slice(-2), ["localhost", "a.io"]);
  });
});
