import type { V1Secret } from "@kubernetes/client-node";
import type { TlsSecret } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import { errorCondition, quote } from "../store/conditions.js";
import { secretName as sdsSecretName, shortHash } from "../model/names.js";
import { delegationPermitted } from "./delegation.js";
import { validateTlsSecret, type TlsSecretValidator } from "./tls-secret-validation.js";

/** A reference to a Secret. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** A TLS Secret ready for the model, or the error condition explaining why there is none. */
export type TlsSecretLookup =
  | { readonly ok: true; readonly secret: TlsSecret; readonly dependencies: readonly ObjectKey[] }
  | { readonly ok: false; readonly condition: Condition; readonly dependencies: readonly ObjectKey[] };

/** What a lookup makes of a Secret that exists and may be used: a model secret, or why not. */
export type SecretContent = { readonly ok: true; readonly secret: TlsSecret } | { readonly ok: false; readonly error: string };

/**
 * The checks every Secret reference goes through, in upstream's order: delegation first
 * (DelegationNotPermitted), then existence (SecretNotFound, with `missing` as the message's end),
 * then content (SecretNotValid, from `read`). `field` names the reference in messages.
 */
export function lookupSecret(
  cache: ObjectCache,
  ref: SecretRef,
  referringNamespace: string,
  field: string,
  missing: string,
  read: (secret: V1Secret) => SecretContent,
): TlsSecretLookup {
  const display = quote(`${ref.namespace}/${ref.name}`, 128);
  const delegation = delegationPermitted(cache, ref.namespace, ref.name, referringNamespace);
  const dependencies: ObjectKey[] = [{ kind: "Secret", namespace: ref.namespace, name: ref.name }, ...delegation.dependencies];
  const fail = (reason: string, message: string): TlsSecretLookup => ({ ok: false, condition: errorCondition(reason, `${field}: ${message}`), dependencies });
  if (!delegation.permitted) {
    return fail("DelegationNotPermitted", `Secret ${display} is not delegated to namespace ${quote(referringNamespace)} by a TLSCertificateDelegation`);
  }
  const secret = cache.get<V1Secret>("Secret", ref.namespace, ref.name);
  if (secret === undefined) return fail("SecretNotFound", `Secret ${display} ${missing}`);
  const content = read(secret);
  if (!content.ok) return fail("SecretNotValid", `Secret ${display} ${content.error}`);
  return { ok: true, secret: content.secret, dependencies };
}

/**
 * Resolves a certificate Secret for a referring object in `referringNamespace`, as upstream's
 * LookupTLSSecret does (see lookupSecret for the order of checks).
 */
export function lookupTlsSecret(
  cache: ObjectCache,
  ref: SecretRef,
  referringNamespace: string,
  field: string,
  validate: TlsSecretValidator = validateTlsSecret,
): TlsSecretLookup {
  // The cache keeps only TLS and CA Secrets, so "not found" also covers a Secret of another type.
  return lookupSecret(cache, ref, referringNamespace, field, "not found or not a TLS Secret", (secret) => {
    const valid = validate(secret);
    if (!valid.ok) return valid;
    const content = valid.value;
    return {
      ok: true,
      secret: {
        name: sdsSecretName(ref.namespace, ref.name, shortHash(content)),
        source: { kind: "Secret", namespace: ref.namespace, name: ref.name },
        certificateChain: content.certificateChain,
        privateKey: content.privateKey,
      },
    };
  });
}
