import { X509Certificate, createHash, createPrivateKey, type KeyObject } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";
import { CA_CERTIFICATE_KEY, TLS_SECRET_TYPE } from "../source/secret-filter.js";
import { decodeSecretData, parsePem, type PemBlock } from "./pem.js";

/** A validated certificate and key, as normalised PEM (only the blocks, in order). */
export interface ValidTlsSecret {
  readonly certificateChain: string;
  readonly privateKey: string;
}

/** The outcome of validating a TLS Secret. */
export type TlsSecretValidation = { readonly ok: true; readonly value: ValidTlsSecret } | { readonly ok: false; readonly error: string };

/** Validates a Secret's certificate and key; a function so callers can memoise it per Secret object. */
export type TlsSecretValidator = (secret: V1Secret) => TlsSecretValidation;

const KEY_LABELS: ReadonlySet<string> = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]);

/**
 * Whether a Secret can serve TLS, checked as upstream's validTLSSecret does and then some:
 * type kubernetes.io/tls; tls.crt holds one or more certificates, each with a common name or a
 * subject alternative name; tls.key holds exactly one unencrypted private key; the key belongs to
 * the first (leaf) certificate, whose key is of a type and size Envoy serves (leafKeyProblem); a
 * non-empty ca.crt holds certificates. Never throws.
 */
export function validateTlsSecret(secret: V1Secret): TlsSecretValidation {
  if ((secret.type ?? "") !== TLS_SECRET_TYPE) return fail(`is of type ${JSON.stringify(secret.type ?? "")}, not ${TLS_SECRET_TYPE}`);
  const certText = decodeSecretData(secret.data?.["tls.crt"]);
  if (certText === undefined || certText.trim() === "") return fail("has no tls.crt");
  const keyText = decodeSecretData(secret.data?.["tls.key"]);
  if (keyText === undefined || keyText.trim() === "") return fail("has no tls.key");

  const chain = parseCertificates(certText);
  if (!chain.ok) return fail(`tls.crt: ${chain.error}`);
  const key = parsePrivateKey(keyText);
  if (!key.ok) return fail(`tls.key: ${key.error}`);
  const leaf = chain.certificates[0];
  if (leaf === undefined || !safely(() => leaf.checkPrivateKey(key.key))) return fail("tls.key does not match the certificate in tls.crt");
  const keyProblem = leafKeyProblem(leaf);
  if (keyProblem !== undefined) return fail(`tls.crt: ${keyProblem}`);

  const ca = secret.data?.[CA_CERTIFICATE_KEY];
  // An empty ca.crt on a TLS Secret is tolerated, as upstream does (projectcontour/contour#1644).
  if (ca !== undefined && ca !== "") {
    const caText = decodeSecretData(ca);
    const bundle = caText === undefined ? { ok: false as const, error: "is not base64" } : parseCertificates(caText);
    if (!bundle.ok) return fail(`${CA_CERTIFICATE_KEY}: ${bundle.error}`);
  }
  return { ok: true, value: { certificateChain: chain.pem, privateKey: key.pem } };
}

/** Whether a CA bundle (ca.crt of a generic or TLS Secret) holds only parseable certificates. */
export function validateCaBundle(secret: V1Secret): { readonly ok: true; readonly pem: string } | { readonly ok: false; readonly error: string } {
  const text = decodeSecretData(secret.data?.[CA_CERTIFICATE_KEY]);
  if (text === undefined || text.trim() === "") return fail(`has no ${CA_CERTIFICATE_KEY}`);
  const bundle = parseCertificates(text);
  return bundle.ok ? { ok: true, pem: bundle.pem } : fail(`${CA_CERTIFICATE_KEY}: ${bundle.error}`);
}

/** How many distinct Secret contents a validator remembers (least recently used first out). */
const CONTENT_MEMO_SIZE = 10_000;

/**
 * A validator that checks each Secret object once (objects in the cache are replaced, never
 * mutated) and each content once: parsing a certificate and its key costs about a millisecond, and
 * the same certificate is often copied into many namespaces (a wildcard certificate per team).
 */
export function createTlsSecretValidator(): TlsSecretValidator {
  const byObject = new WeakMap<V1Secret, TlsSecretValidation>();
  const byContent = new Map<string, TlsSecretValidation>();
  return (secret) => {
    let result = byObject.get(secret);
    if (result !== undefined) return result;
    const key = contentKey(secret);
    result = byContent.get(key);
    if (result === undefined) {
      result = validateTlsSecret(secret);
      if (byContent.size >= CONTENT_MEMO_SIZE) byContent.delete(byContent.keys().next().value as string);
    } else {
      byContent.delete(key);
    }
    byContent.set(key, result);
    byObject.set(secret, result);
    return result;
  };
}

/** A digest of everything validateTlsSecret reads of a Secret: its type and its three data keys. */
function contentKey(secret: V1Secret): string {
  const hash = createHash("sha256");
  for (const part of [secret.type ?? "", secret.data?.["tls.crt"] ?? "", secret.data?.["tls.key"] ?? "", secret.data?.[CA_CERTIFICATE_KEY] ?? ""]) {
    hash.update(`${part.length}:`).update(part);
  }
  return hash.digest("base64");
}

type Certificates = { readonly ok: true; readonly certificates: readonly X509Certificate[]; readonly pem: string } | { readonly ok: false; readonly error: string };

function parseCertificates(text: string): Certificates {
  const pem = parsePem(text);
  if (!pem.ok) return pem;
  if (pem.blocks.length === 0) return { ok: false, error: "no PEM certificate found" };
  const certificates: X509Certificate[] = [];
  for (const block of pem.blocks) {
    if (block.label !== "CERTIFICATE") return { ok: false, error: `unexpected PEM block ${JSON.stringify(block.label)}` };
    const cert = safely(() => new X509Certificate(block.text));
    if (cert === undefined) return { ok: false, error: "a certificate does not parse" };
    if (!hasCommonName(cert) && (cert.subjectAltName ?? "").trim() === "") return { ok: false, error: "a certificate has neither a common name nor a subject alternative name" };
    certificates.push(cert);
  }
  return { ok: true, certificates, pem: joinBlocks(pem.blocks) };
}

function parsePrivateKey(text: string): { readonly ok: true; readonly key: KeyObject; readonly pem: string } | { readonly ok: false; readonly error: string } {
  const pem = parsePem(text);
  if (!pem.ok) return pem;
  const keys: PemBlock[] = [];
  for (const block of pem.blocks) {
    if (block.label === "EC PARAMETERS") continue;
    if (!KEY_LABELS.has(block.label)) return { ok: false, error: `unexpected PEM block ${JSON.stringify(block.label)}` };
    keys.push(block);
  }
  const [only] = keys;
  if (only === undefined) return { ok: false, error: "no PEM private key found" };
  if (keys.length > 1) return { ok: false, error: "more than one private key" };
  const key = safely(() => createPrivateKey(only.text));
  if (key === undefined) return { ok: false, error: "the private key does not parse" };
  return { ok: true, key, pem: only.text };
}

/** EC curves Envoy (BoringSSL) serves certificates with, by their OpenSSL names. */
const ENVOY_CURVES: ReadonlyMap<string, string> = new Map([
  ["prime256v1", "P-256"],
  ["secp384r1", "P-384"],
  ["secp521r1", "P-521"],
]);

/** Smallest RSA key Envoy serves a certificate with. */
export const MIN_RSA_BITS = 2048;

/**
 * Why Envoy would refuse to serve this leaf certificate's key ("Failed to load certificate chain"),
 * or undefined. Found by trying Envoy 1.40: RSA of 2048 bits or more, ECDSA on P-256, P-384 or
 * P-521, and Ed25519 load; RSA-1024, RSA-512, DSA, secp256k1 (and anything else) do not.
 */
export function leafKeyProblem(leaf: X509Certificate): string | undefined {
  const publicKey = leaf.publicKey;
  const type = publicKey.asymmetricKeyType ?? "unknown";
  const details = publicKey.asymmetricKeyDetails ?? {};
  if (type === "rsa") {
    const bits = details.modulusLength ?? 0;
    return bits < MIN_RSA_BITS ? `the certificate has a ${bits}-bit RSA key; Envoy serves only RSA keys of ${MIN_RSA_BITS} bits or more` : undefined;
  }
  if (type === "ec") {
    const curve = details.namedCurve ?? "unknown";
    return ENVOY_CURVES.has(curve) ? undefined : `the certificate's ECDSA key is on curve ${curve}; Envoy serves only P-256, P-384 and P-521`;
  }
  if (type === "ed25519") return undefined;
  return `the certificate has a ${type.toUpperCase()} key; Envoy serves only RSA (${MIN_RSA_BITS} bits or more), ECDSA (P-256, P-384, P-521) and Ed25519 keys`;
}

function hasCommonName(cert: X509Certificate): boolean {
  return cert.subject.split("\n").some((line) => line.startsWith("CN=") && line.slice(3).trim() !== "");
}

function joinBlocks(blocks: readonly PemBlock[]): string {
  return blocks.map((b) => b.text).join("");
}

/** node:crypto reports bad input by throwing; here every such throw becomes undefined. */
function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function fail(error: string): { readonly ok: false; readonly error: string } {
  return { ok: false, error };
}
