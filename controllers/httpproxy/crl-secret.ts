/**
 * Certificate revocation lists of client validation (tls.clientValidation.crlSecret), as upstream's
 * LookupCRLSecret: a TLS or Opaque Secret of the proxy's namespace (or delegated) whose `crl.pem`
 * holds PEM "X509 CRL" blocks. Each block is checked to be a DER CertificateList
 * (SEQUENCE of tbsCertList, signatureAlgorithm, signature): Envoy rejects a listener with a CRL it
 * cannot read, which would take down every secure host with it.
 */
import type { V1Secret } from "@kubernetes/client-node";
import type { ObjectCache } from "../source/object-cache.js";
import { decodeSecretData, parsePem } from "../secrets/pem.js";
import { CRL_KEY } from "../source/secret-filter.js";
import { lookupSecret, type SecretRef, type TlsSecretLookup } from "../secrets/lookup-tls-secret.js";


/** The CRLs (PEM) of a referenced Secret, or the condition saying why they cannot be used. */
export function lookupCrlSecret(cache: ObjectCache, ref: SecretRef, referringNamespace: string, field: string): { readonly lookup: TlsSecretLookup; readonly pem?: string } {
  let pem: string | undefined;
  const lookup = lookupSecret(cache, ref, referringNamespace, field, "not found or holds no crl.pem", (secret) => {
    const valid = validateCrlSecret(secret);
    if (!valid.ok) return valid;
    pem = valid.pem;
    return { ok: true, secret: { name: `${ref.namespace}/${ref.name}`, source: { kind: "Secret", namespace: ref.namespace, name: ref.name } } };
  });
  return lookup.ok && pem !== undefined ? { lookup, pem } : { lookup };
}

/** Upstream's validCRLSecret: type, a non-empty crl.pem, and CRLs that parse. */
export function validateCrlSecret(secret: V1Secret): { readonly ok: true; readonly pem: string } | { readonly ok: false; readonly error: string } {
  if (secret.type !== "kubernetes.io/tls" && secret.type !== "Opaque" && secret.type !== undefined) return { ok: false, error: 'secret type is not "kubernetes.io/tls" or "Opaque"' };
  const text = decodeSecretData(secret.data?.[CRL_KEY]);
  if (text === undefined || text.trim() === "") return { ok: false, error: `empty "${CRL_KEY}" key` };
  const parsed = parsePem(text);
  if (!parsed.ok) return { ok: false, error: `${CRL_KEY}: ${parsed.error}` };
  const crls = parsed.blocks.filter((b) => b.label === "X509 CRL");
  if (crls.length === 0) return { ok: false, error: `${CRL_KEY}: failed to locate certificate revocation list` };
  for (const block of crls) {
    const der = Buffer.from(block.text.split("\n").filter((l) => !l.startsWith("-----")).join(""), "base64");
    if (!isCertificateList(der)) return { ok: false, error: `${CRL_KEY}: a block is not a DER certificate revocation list` };
  }
  return { ok: true, pem: crls.map((b) => b.text).join("") };
}

/** One DER TLV at `at`: its tag, where its content starts and ends; undefined when it does not fit. */
function tlv(der: Buffer, at: number): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + length;
  return end <= der.length ? { tag, start, end } : undefined;
}

function isCertificateList(der: Buffer): boolean {
  const outer = tlv(der, 0);
  if (outer === undefined || outer.tag !== 0x30 || outer.end !== der.length) return false;
  const tbs = tlv(der, outer.start);
  if (tbs === undefined || tbs.tag !== 0x30 || !revokedEntriesWellFormed(der, tbs)) return false;
  const alg = tlv(der, tbs.end);
  if (alg === undefined || alg.tag !== 0x30) return false;
  const sig = tlv(der, alg.end);
  return sig !== undefined && sig.tag === 0x03 && sig.end === outer.end;
}

const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const isTime = (tag: number): boolean => tag === UTC_TIME || tag === GENERALIZED_TIME;

/**
 * TBSCertList: [version] signature issuer thisUpdate [nextUpdate] [revokedCertificates] [0]extensions.
 * Each revoked entry's crlEntryExtensions, when present, must hold at least one extension (DER's
 * SIZE (1..MAX)): BoringSSL refuses an empty one, and some generators write it.
 */
function revokedEntriesWellFormed(der: Buffer, tbs: { start: number; end: number }): boolean {
  let at = tbs.start;
  let field = tlv(der, at);
  if (field?.tag === 0x02) field = tlv(der, (at = field.end)); // version
  for (let i = 0; i < 2; i++) {
    // signature, issuer
    if (field === undefined || field.tag !== 0x30) return false;
    field = tlv(der, (at = field.end));
  }
  if (field === undefined || !isTime(field.tag)) return false; // thisUpdate
  at = field.end;
  if (at === tbs.end) return true;
  field = tlv(der, at);
  if (field !== undefined && isTime(field.tag)) {
    at = field.end;
    if (at === tbs.end) return true;
    field = tlv(der, at);
  }
  if (field === undefined || field.tag !== 0x30) return field !== undefined && field.tag === 0xa0 && field.end === tbs.end;
  for (let entryAt = field.start; entryAt < field.end; ) {
    const entry = tlv(der, entryAt);
    if (entry === undefined || entry.tag !== 0x30 || entry.end > field.end) return false;
    const serial = tlv(der, entry.start);
    const date = serial === undefined ? undefined : tlv(der, serial.end);
    if (serial?.tag !== 0x02 || date === undefined || !isTime(date.tag)) return false;
    if (date.end < entry.end) {
      const extensions = tlv(der, date.end);
      if (extensions === undefined || extensions.tag !== 0x30 || extensions.start === extensions.end || extensions.end !== entry.end) return false;
    }
    entryAt = entry.end;
  }
  return true;
}
