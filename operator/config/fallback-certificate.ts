// Upstream's `tls.fallback-certificate` (name and namespace of a TLS Secret): the certificate the
// HTTPS listener presents to clients that send no SNI, for the hosts that enable it.
import type { AppliedValues } from "./envoy-options.js";

/** The file keys read here. */
export const FALLBACK_CERTIFICATE_KEYS: readonly string[] = ["tls.fallback-certificate.name", "tls.fallback-certificate.namespace"];

/** The configured Secret, none, or what is wrong (as upstream, name and namespace come together or not at all). */
export function readFallbackCertificate(applied: AppliedValues): { value: { namespace: string; name: string } | undefined; errors: string[] } {
  const name = applied.get("tls.fallback-certificate.name");
  const namespace = applied.get("tls.fallback-certificate.namespace");
  const n = String(name?.value ?? "").trim();
  const ns = String(namespace?.value ?? "").trim();
  if (n === "" && ns === "") return { value: undefined, errors: [] };
  if (n === "" || ns === "") {
    return { value: undefined, errors: [`${(name ?? namespace)?.source ?? "tls.fallback-certificate"}: tls.fallback-certificate needs both name and namespace`] };
  }
  return { value: { namespace: ns, name: n }, errors: [] };
}
