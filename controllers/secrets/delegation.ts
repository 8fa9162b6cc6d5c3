import type { KubernetesObject } from "@kubernetes/client-node";
import { ANY_NAME, type ObjectCache, type ObjectKey } from "../source/object-cache.js";

/** The parts of a TLSCertificateDelegation (projectcontour.io/v1) read here. */
export interface TlsCertificateDelegation extends KubernetesObject {
  readonly spec?: {
    readonly delegations?: readonly { readonly secretName?: string; readonly targetNamespaces?: readonly string[] }[];
  };
}

/** Whether a Secret may be used from a namespace, and what the answer was read from. */
export interface DelegationCheck {
  readonly permitted: boolean;
  /** Empty for a same-namespace Secret; otherwise every delegation of the Secret's namespace, present or future. */
  readonly dependencies: readonly ObjectKey[];
}

/**
 * Upstream's delegationPermitted: a Secret is usable from its own namespace, and from another one
 * only when a TLSCertificateDelegation in the Secret's namespace lists the Secret for that target
 * namespace or for "*". (Upstream honours "*" only as the sole entry; here it counts anywhere in
 * the list, which is what anyone writing it means.)
 */
export function delegationPermitted(cache: ObjectCache, secretNamespace: string, secretName: string, targetNamespace: string): DelegationCheck {
  if (secretNamespace === targetNamespace) return { permitted: true, dependencies: [] };
  const dependencies: ObjectKey[] = [{ kind: "TLSCertificateDelegation", namespace: secretNamespace, name: ANY_NAME }];
  for (const delegation of cache.list<TlsCertificateDelegation>("TLSCertificateDelegation", secretNamespace)) {
    for (const d of asArray(delegation.spec?.delegations)) {
      if (d?.secretName !== secretName) continue;
      const targets = asArray(d.targetNamespaces);
      if (targets.includes("*") || targets.includes(targetNamespace)) return { permitted: true, dependencies };
    }
  }
  return { permitted: false, dependencies };
}

/** CRD objects arrive unvalidated from the cache; a list field that is not a list counts as empty. */
function asArray<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}
