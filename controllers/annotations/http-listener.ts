import type { Annotations } from "./annotation-value.js";

/** `"false"` keeps an Ingress off the plain-HTTP listener. */
export const ALLOW_HTTP = "kubernetes.io/ingress.allow-http";

/** `"true"` makes the plain-HTTP routes of an Ingress redirect to HTTPS. */
export const FORCE_SSL_REDIRECT = "ingress.kubernetes.io/force-ssl-redirect";

/** Upstream's annotation.HTTPAllowed: true unless the value is exactly "false"; other values are ignored. */
export function httpAllowed(annotations: Annotations): boolean {
  return annotations?.[ALLOW_HTTP] !== "false";
}

/** Upstream's annotation.TLSRequired: true only for exactly "true". */
export function tlsRequired(annotations: Annotations): boolean {
  return annotations?.[FORCE_SSL_REDIRECT] === "true";
}
