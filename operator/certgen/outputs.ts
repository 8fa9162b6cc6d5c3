// How generated certificates are laid out on disk (PEM files) and in Kubernetes (Secret YAML).
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

/** The PEM files `contour certgen --output-dir` writes; keys are readable by their owner only. */
export function pemFiles(certs: GeneratedCertificates): PemFile[] {
  return PEM_LAYOUT.map(({ name, field, mode }) => ({ name, contents: certs[field], mode }));
}

/** Names of the Secrets `renderSecretsYaml` emits. */
export const SECRET_NAMES = { ca: "cacert", contour: "contourcert", envoy: "envoycert" } as const;

/**
 * Three Secrets as one multi-document YAML stream for `kubectl apply -f -`: `cacert` (Opaque, key
 * `cacert.pem`, as upstream Contour names it) and the kubernetes.io/tls Secrets `contourcert` and
 * `envoycert`, each carrying `ca.crt` so a pod can verify its peer from its own Secret alone.
 */
export function renderSecretsYaml(certs: GeneratedCertificates, namespace: string): string {
  const secret = (name: string, type: string, data: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "contour-certgen" } },
    type,
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString("base64")])),
  });
  const tls = (name: string, cert: string, key: string) =>
    secret(name, "kubernetes.io/tls", { "ca.crt": certs.caCert, "tls.crt": cert, "tls.key": key });
  const documents = [
    secret(SECRET_NAMES.ca, "Opaque", { "cacert.pem": certs.caCert }),
    tls(SECRET_NAMES.contour, certs.contourCert, certs.contourKey),
    tls(SECRET_NAMES.envoy, certs.envoyCert, certs.envoyKey),
  ];
  // lineWidth 0: base64 stays on one line, as kubectl prints it.
  return documents.map((doc) => stringify(doc, { lineWidth: 0 })).join("---\n");
}
