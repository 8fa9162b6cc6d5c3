// Builds the xDS mTLS material: a CA, contour's serving certificate and Envoy's client certificate.
import { KeyObject, type webcrypto } from "node:crypto";
import { isDnsLabel, isDnsSan, isIpAddress, serviceDnsNames, uniqueNames } from "./names.js";
import { nodeCrypto, x509 } from "./x509.js";

/** What to put in the certificates; see `CERTGEN_DEFAULTS` for the defaults the CLI uses. */
export interface CertgenOptions {
  /** Namespace of the contour and envoy Services, used in their DNS SANs. */
  readonly namespace: string;
  /** Days every certificate (CA included) stays valid. */
  readonly lifetimeDays: number;
  /** Extra DNS SANs for contour's serving certificate. */
  readonly dnsNames?: readonly string[];
  /** Extra IP SANs for contour's serving certificate. */
  readonly ipAddresses?: readonly string[];
  /** Issue time; tests fix it, the CLI leaves it to the clock. */
  readonly now?: Date;
}

/** The generated PEM strings. The CA key is deliberately not returned: nobody can mint more certificates. */
export interface GeneratedCertificates {
  readonly caCert: string;
  readonly contourCert: string;
  readonly contourKey: string;
  readonly envoyCert: string;
  readonly envoyKey: string;
}

/** Defaults of the certgen flags. */
export const CERTGEN_DEFAULTS = { namespace: "projectcontour", lifetimeDays: 365 } as const;

/** Longest lifetime accepted: a hundred years, far past any sane use, short of date-encoding trouble. */
export const MAX_LIFETIME_DAYS = 36_500;

// Nodes' clocks drift: a certificate valid only from "now" is refused for a while by a peer whose clock is behind.
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** Problems with the options, one message per problem (empty when valid). */
export function validateCertgenOptions(options: CertgenOptions): string[] {
  const problems: string[] = [];
  if (!isDnsLabel(options.namespace)) problems.push(`namespace "${options.namespace}" is not a lower-case DNS label`);
  if (!Number.isInteger(options.lifetimeDays) || options.lifetimeDays < 1 || options.lifetimeDays > MAX_LIFETIME_DAYS) {
    problems.push(`lifetime ${options.lifetimeDays} is not a whole number of days in 1-${MAX_LIFETIME_DAYS}`);
  }
  for (const name of options.dnsNames ?? []) if (!isDnsSan(name)) problems.push(`DNS name "${name}" is not a valid DNS SAN`);
  for (const ip of options.ipAddresses ?? []) if (!isIpAddress(ip)) problems.push(`IP "${ip}" is not an IP address`);
  return problems;
}

/** The SANs of contour's serving certificate, in certificate order. */
export function contourSans(options: CertgenOptions): { dns: string[]; ips: string[] } {
  return {
    dns: uniqueNames([...serviceDnsNames("contour", options.namespace), "localhost", ...(options.dnsNames ?? [])]),
    ips: uniqueNames(["127.0.0.1", ...(options.ipAddresses ?? [])]),
  };
}

/** The SANs of Envoy's client certificate. */
export function envoySans(options: CertgenOptions): { dns: string[]; ips: string[] } {
  return { dns: serviceDnsNames("envoy", options.namespace), ips: [] };
}

/** Generates fresh ECDSA P-256 keys and the certificates. Throws on invalid options (check `validateCertgenOptions` first). */
export async function generateCertificates(options: CertgenOptions): Promise<GeneratedCertificates> {
  const problems = validateCertgenOptions(options);
  if (problems.length > 0) throw new Error(`certgen: ${problems.join("; ")}`);
  const now = options.now ?? new Date();
  const validity = { notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(now.getTime() + options.lifetimeDays * DAY_MS) };

  const caKeys = await generateKeyPair();
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: "CN=Contour CA, O=Project Contour",
      keys: caKeys,
      signingAlgorithm: ECDSA_P256,
      ...validity,
      extensions: [
        // pathLength 0: this CA signs leaves only, never another CA.
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );

  const issue = async (commonName: string, sans: { dns: string[]; ips: string[] }, usage: x509.ExtendedKeyUsage) => {
    const keys = await generateKeyPair();
    const cert = await x509.X509CertificateGenerator.create(
      {
        subject: `CN=${commonName}, O=Project Contour`,
        issuer: ca.subject,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        signingAlgorithm: ECDSA_P256,
        ...validity,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([usage]),
          new x509.SubjectAlternativeNameExtension([
            ...sans.dns.map((value) => ({ type: "dns" as const, value })),
            ...sans.ips.map((value) => ({ type: "ip" as const, value })),
          ]),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, nodeCrypto),
          await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, nodeCrypto),
        ],
      },
      nodeCrypto,
    );
    return { cert: cert.toString("pem") + "\n", key: privateKeyPem(keys.privateKey) };
  };

  const contour = await issue("contour", contourSans(options), x509.ExtendedKeyUsage.serverAuth);
  const envoy = await issue("envoy", envoySans(options), x509.ExtendedKeyUsage.clientAuth);
  return {
    caCert: ca.toString("pem") + "\n",
    contourCert: contour.cert,
    contourKey: contour.key,
    envoyCert: envoy.cert,
    envoyKey: envoy.key,
  };
}

async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return nodeCrypto.subtle.generateKey(ECDSA_P256, true, ["sign", "verify"]);
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  // PKCS#8 ("BEGIN PRIVATE KEY"): read by Envoy (BoringSSL), node:tls and kubectl alike.
  return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }) as string;
}
