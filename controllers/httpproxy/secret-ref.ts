import type { SecretRef } from "../secrets/lookup-tls-secret.js";

/**
 * A Secret reference as upstream's k8s.NamespacedNameFrom reads it: "namespace/name" names another
 * namespace (usable only where a TLSCertificateDelegation allows), a bare name the proxy's own.
 */
export function secretRef(value: string, defaultNamespace: string): SecretRef {
  const slash = value.indexOf("/");
  if (slash < 0) return { namespace: defaultNamespace, name: value };
  return { namespace: value.slice(0, slash), name: value.slice(slash + 1) };
}
