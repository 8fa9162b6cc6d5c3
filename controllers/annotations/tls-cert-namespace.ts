import { CONTOUR_PREFIX, type Annotations } from "./annotation-value.js";

/** Namespace of the Secrets an Ingress's spec.tls names without a namespace of their own. */
export const TLS_CERT_NAMESPACE = `${CONTOUR_PREFIX}tls-cert-namespace`;

/** The annotation's value, "" when absent. */
export function tlsCertNamespace(annotations: Annotations): string {
  return annotations?.[TLS_CERT_NAMESPACE] ?? "";
}
