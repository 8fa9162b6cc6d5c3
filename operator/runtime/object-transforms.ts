// What the informers keep of each object. Everything cached stays in memory for the life of the process,
// so fields nobody reads are dropped at the door, and Secrets we cannot use are not kept at all.
import type { KubernetesObject } from "@kubernetes/client-node";

/** Maps a listed or watched object to what is cached; undefined means "not ours: do not cache". */
export type ObjectTransform = (obj: KubernetesObject) => KubernetesObject | undefined;

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Secret types always cached: certificate and key pairs. */
export const TLS_SECRET_TYPE = "kubernetes.io/tls";
/** Secret keys contour reads; all others are dropped (a CA bundle may sit beside unrelated credentials). */
export const SECRET_KEYS: readonly string[] = ["tls.crt", "tls.key", "ca.crt", "crl.pem"];
/** Keys that make a non-TLS Secret interesting: a CA bundle or a revocation list (upstream Contour's rule). */
const CA_KEYS: readonly string[] = ["ca.crt", "crl.pem"];

/**
 * Drops bookkeeping no reconciler reads: managedFields, and the last-applied annotation (for a Secret it
 * holds the whole Secret in plain text). Sets apiVersion and kind, which list responses leave out of items.
 * Mutates and returns `obj` (a freshly parsed response, owned by nobody else).
 */
export function stripBookkeeping(obj: KubernetesObject, apiVersion: string, kind: string): KubernetesObject {
  obj.apiVersion = apiVersion;
  obj.kind = kind;
  const meta = obj.metadata;
  if (meta !== undefined) {
    delete meta.managedFields;
    if (meta.annotations !== undefined && LAST_APPLIED in meta.annotations) {
      delete meta.annotations[LAST_APPLIED];
      if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
    }
  }
  return obj;
}

/** Keeps TLS Secrets and Secrets holding ca.crt or crl.pem, each with only the keys contour reads. */
export function keepUsableSecret(obj: KubernetesObject): KubernetesObject | undefined {
  const secret = obj as KubernetesObject & { type?: string; data?: Record<string, string> };
  const data = secret.data ?? {};
  if (secret.type !== TLS_SECRET_TYPE && !CA_KEYS.some((key) => key in data)) return undefined;
  const kept: Record<string, string> = {};
  for (const key of SECRET_KEYS) {
    const value = data[key];
    if (value !== undefined) kept[key] = value;
  }
  secret.data = kept;
  return secret;
}

/** The transform of a kind: bookkeeping stripped everywhere, and the Secret filter for Secrets. */
export function transformFor(kind: string, apiVersion: string): ObjectTransform {
  if (kind === "Secret") return (obj) => keepUsableSecret(stripBookkeeping(obj, apiVersion, kind));
  return (obj) => stripBookkeeping(obj, apiVersion, kind);
}
