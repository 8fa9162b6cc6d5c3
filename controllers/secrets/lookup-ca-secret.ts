import type { ObjectCache } from "../source/object-cache.js";
import { secretName as sdsSecretName, shortHash } from "../model/names.js";
import { lookupSecret, type SecretRef, type TlsSecretLookup } from "./lookup-tls-secret.js";
import { validateCaBundle } from "./tls-secret-validation.js";

/**
 * Resolves a CA bundle (the ca.crt of a generic or TLS Secret) for client or upstream certificate
 * validation, as upstream's LookupCASecret does: delegation first (DelegationNotPermitted), then
 * existence (SecretNotFound), then content (SecretNotValid). The model secret carries only the CA.
 */
export function lookupCaSecret(cache: ObjectCache, ref: SecretRef, referringNamespace: string, field: string): TlsSecretLookup {
  return lookupSecret(cache, ref, referringNamespace, field, "not found or holds no ca.crt", (secret) => {
    const valid = validateCaBundle(secret);
    if (!valid.ok) return valid;
    return {
      ok: true,
      secret: {
        name: sdsSecretName(ref.namespace, ref.name, shortHash({ ca: valid.pem })),
        source: { kind: "Secret", namespace: ref.namespace, name: ref.name },
        caCertificate: valid.pem,
      },
    };
  });
}
