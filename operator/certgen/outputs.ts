// How generated certificates are laid out on disk (PEM files) and in Kubernetes (Secrets), in upstream
// Contour's two Secret formats, so existing Deployments mount them unchanged.
import { stringify } from "yaml";
import type { GeneratedCertificates } from "./generate.js";

/** One file of the PEM output: name within the output directory, contents and permission bits. */
export interface PemFile {
  readonly name: string;
  readonly contents: string;
  readonly mode: number;
}

const PEM_LAYOUT = [
  { name: "cacert.pem", field: "caCert", mode: 0o644 },
  { name: "contourcert.pem", field: "contourCert", mode: 0o644 },
  { name: "contourkey.pem", field: "contourKey", mode: 0o600 },
  { name: "envoycert.pem", field: "envoyCert", mode: 0o644 },
  { name: "envoykey.pem", field: "envoyKey", mode: 0o600 },
] as const satisfies ReadonlyArray<{ name: string; field: keyof GeneratedCertificates; mode: number }>;

/** Names of the files `pemFiles` lays out, in order. */
export const PEM_FILE_NAMES: readonly string[] = PEM_LAYOUT.map((f) => f.name);

/** The PEM files `contour certgen --pem` writes; keys are readable by their owner only. */
export function pemFiles(certs: GeneratedCertificates): PemFile[] {
  return PEM_LAYOUT.map(({ name, field, mode }) => ({ name, contents: certs[field], mode }));
}

/** Base names of the Secrets (upstream's), before `--secrets-name-suffix`. */
export const SECRET_NAMES = { ca: "cacert", contour: "contourcert", envoy: "envoycert" } as const;

/**
 * upstream's `--secrets-format`: "legacy" (default) is contourcert and envoycert (tls.crt, tls.key) plus
 * cacert (Opaque, cacert.pem); "compact" is contourcert and envoycert each carrying ca.crt as well,
 * which is what the quickstart's Job writes and its pods mount.
 */
export type SecretsFormat = "legacy" | "compact";

/** The accepted `--secrets-format` values. */
export const SECRETS_FORMATS: readonly SecretsFormat[] = ["legacy", "compact"];

/** A Secret as the API server takes it (data base64-encoded). */
export interface CertSecret {
  readonly apiVersion: "v1";
  readonly kind: "Secret";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  readonly type: "kubernetes.io/tls" | "Opaque";
  readonly data: Readonly<Record<string, string>>;
}

/** The Secrets of `format` in `namespace`, named with `nameSuffix`; labelled `app: contour` as upstream labels them. */
export function buildSecrets(certs: GeneratedCertificates, options: { namespace: string; format: SecretsFormat; nameSuffix?: string }): CertSecret[] {
  const suffix = options.nameSuffix ?? "";
  const secret = (name: string, type: CertSecret["type"], data: Record<string, string>): CertSecret => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `${name}${suffix}`, namespace: options.namespace, labels: { app: "contour" } },
    type,
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString("base64")])),
  });
  if (options.format === "compact") {
    return [
      secret(SECRET_NAMES.contour, "kubernetes.io/tls", { "ca.crt": certs.caCert, "tls.crt": certs.contourCert, "tls.key": certs.contourKey }),
      secret(SECRET_NAMES.envoy, "kubernetes.io/tls", { "ca.crt": certs.caCert, "tls.crt": certs.envoyCert, "tls.key": certs.envoyKey }),
    ];
  }
  return [
    secret(SECRET_NAMES.contour, "kubernetes.io/tls", { "tls.crt": certs.contourCert, "tls.key": certs.contourKey }),
    secret(SECRET_NAMES.envoy, "kubernetes.io/tls", { "tls.crt": certs.envoyCert, "tls.key": certs.envoyKey }),
    secret(SECRET_NAMES.ca, "Opaque", { "cacert.pem": certs.caCert }),
  ];
}

/** One Secret as a YAML document (base64 on one line, as kubectl prints it). */
export function secretYaml(secret: CertSecret): string {
  return stringify(secret, { lineWidth: 0 });
}
