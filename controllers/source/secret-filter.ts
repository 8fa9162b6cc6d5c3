import type { V1Secret } from "@kubernetes/client-node";

/** The Secret type of a certificate and its private key. */
export const TLS_SECRET_TYPE = "kubernetes.io/tls";

/** The data key of a CA bundle, in TLS and in generic Secrets. */
export const CA_CERTIFICATE_KEY = "ca.crt";

/** The data key of certificate revocation lists (HTTPProxy clientValidation.crlSecret). */
export const CRL_KEY = "crl.pem";

/**
 * Whether a Secret can matter to routing: a TLS Secret, or a generic one carrying a CA bundle or CRLs.
 * Every other Secret (service-account tokens, docker configs, application passwords) is dropped
 * at the door, so the controller neither holds nor could leak what it has no use for.
 * Generic means type Opaque or no type, as upstream Contour treats them (internal/dag/secret.go).
 */
export function isRelevantSecret(secret: V1Secret): boolean {
  const type = secret.type ?? "";
  if (type === TLS_SECRET_TYPE) return true;
  if (type !== "Opaque" && type !== "") return false;
  const ca = secret.data?.[CA_CERTIFICATE_KEY];
  const crl = secret.data?.[CRL_KEY];
  return (ca !== undefined && ca !== "") || (crl !== undefined && crl !== "");
}
