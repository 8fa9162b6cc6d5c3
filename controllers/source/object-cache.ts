import type { KubernetesObject } from "@kubernetes/client-node";

/** The Kubernetes kinds the controller watches, by the name used as the cache's key. */
export type WatchedKind =
  | "Ingress"
  | "IngressClass"
  | "Service"
  | "EndpointSlice"
  | "Secret"
  | "Namespace"
  | "HTTPProxy"
  | "TLSCertificateDelegation"
  | "ConfigMap"
  | "GatewayClass"
  | "Gateway"
  | "ListenerSet"
  | "HTTPRoute"
  | "GRPCRoute"
  | "TLSRoute"
  | "TCPRoute"
  | "UDPRoute"
  | "ReferenceGrant"
  | "BackendTLSPolicy";

/** Identifies one object: kind, namespace ("" for cluster-scoped) and name. */
export interface ObjectKey {
  readonly kind: WatchedKind;
  readonly namespace: string;
  readonly name: string;
}

/** Read-only view of the watched objects, all that a pure reconciler may consult. */
export interface ObjectCache {
  get<T extends KubernetesObject = KubernetesObject>(kind: WatchedKind, namespace: string, name: string): T | undefined;
  /** Objects of a kind, sorted by namespace then name; only one namespace's when given. */
  list<T extends KubernetesObject = KubernetesObject>(kind: WatchedKind, namespace?: string): readonly T[];
}

/** The canonical string form of a key: `Kind/namespace/name`. */
export function formatKey(key: ObjectKey): string {
  return `${key.kind}/${key.namespace}/${key.name}`;
}

/**
 * The name that stands for "every object of this kind in this namespace" in a dependency key.
 * A reconcile that lists objects (TLSCertificateDelegations of a namespace, say) depends on objects
 * that may not exist yet; Kubernetes names never contain "*", so the marker cannot collide.
 */
export const ANY_NAME = "*";

/** The key of a watched object of a known kind. */
export function keyOf(kind: WatchedKind, obj: KubernetesObject): ObjectKey {
  return { kind, namespace: obj.metadata?.namespace ?? "", name: obj.metadata?.name ?? "" };
}

/** Orders keys by kind, then namespace, then name: the order every list of keys is emitted in. */
export function compareKeys(a: ObjectKey, b: ObjectKey): number {
  return compareStrings(a.kind, b.kind) || compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name);
}

/** Code-unit order, independent of locale, so every replica sorts identically. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
