/**
 * Test support: self-signed certificates made at test time with `openssl` (no key material is
 * committed), one per key type the TLS validation must accept or refuse as Envoy does.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Key types of the test certificates. */
export type TestKeyType = "rsa-2048" | "rsa-4096" | "rsa-1024" | "rsa-512" | "p256" | "p384" | "p521" | "secp256k1" | "dsa" | "ed25519";

/** A PEM certificate and its PEM private key. */
export interface TestCert {
  readonly cert: string;
  readonly key: string;
}

const NEWKEY: Readonly<Record<TestKeyType, readonly string[]>> = {
  "rsa-2048": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
  "rsa-4096": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
  "rsa-1024": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
  "rsa-512": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512"],
  p256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  p384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
  p521: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
  secp256k1: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
  dsa: [],
  ed25519: ["-algorithm", "ED25519"],
};

function openssl(args: readonly string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    throw new Error(`openssl ${args[0] ?? ""} failed (the test certificates need the openssl command): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A self-signed certificate for `host` with a key of the given type. */
export function makeTestCert(type: TestKeyType, host: string): TestCert {
  const dir = mkdtempSync(join(tmpdir(), "contour-test-cert-"));
  try {
    const key = join(dir, "key.pem");
    if (type === "dsa") {
      openssl(["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-out", join(dir, "dsa.param")]);
      openssl(["genpkey", "-paramfile", join(dir, "dsa.param"), "-out", key]);
    } else {
      openssl(["genpkey", ...NEWKEY[type], "-out", key]);
    }
    const cert = join(dir, "cert.pem");
    openssl(["req", "-x509", "-new", "-key", key, "-out", cert, "-days", "30", "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host}`]);
    return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
