import type { V1Secret } from "@kubernetes/client-node";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import { errorCondition, quote } from "../store/conditions.js";
import { secretName as sdsSecretName, shortHash } from "../model/names.js";
import { delegationPermitted } from "./delegation.js";
import type { SecretRef, TlsSecretLookup } from "./lookup-tls-secret.js";
import { validateCaBundle } from "./tls-secret-validation.js";

/**
 * Resolves a CA bundle (the ca.crt of a generic or TLS Secret) for client or upstream certificate
 * validation, as upstream's LookupCASecret does: delegation first (DelegationNotPermitted), then
 * existence (SecretNotFound), then content (SecretNotValid). The model secret carries only the CA.
 */
export function lookupCaSecret(cache: ObjectCache, ref: SecretRef, referringNamespace: string, field: string): TlsSecretLookup {
  const display = quote(`${ref.namespace}/${ref.name}`, 128);
  const delegation = delegationPermitted(cache, ref.namespace, ref.name, referringNamespace);
  const dependencies: ObjectKey[] = [{ kind: "Secret", namespace: ref.namespace, name: ref.name }, ...delegation.dependencies];
  const fail = (reason: string, message: string): TlsSecretLookup => ({ ok: false, condition: errorCondition(reason, `${field}: ${message}`), dependencies });
  if (!delegation.permitted) {
    return fail("DelegationNotPermitted", `Secret ${display} is not delegated to namespace ${quote(referringNamespace)} by a TLSCertificateDelegation`);
  }
  const secret = cache.get<V1Secret>("Secret", ref.namespace, ref.name);
  if (secret === undefined) return fail("SecretNotFound", `Secret ${display} not found or holds no ca.crt`);
  const valid = validateCaBundle(secret);
  if (!valid.ok) return fail("SecretNotValid", `Secret ${display} ${valid.error}`);
  return {
    ok: true,
    secret: {
      name: sdsSecretName(ref.namespace, ref.name, shortHash({ ca: valid.pem })),
      source: { kind: "Secret", namespace: ref.namespace, name: ref.name },
      caCertificate: valid.pem,
    },
    dependencies,
  };
}
