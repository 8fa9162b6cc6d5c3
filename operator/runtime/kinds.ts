// Where each watched kind lives in the API: group, version, resource, scope.
import type { WatchedKind } from "../../controllers/source/object-cache.js";

/** The API coordinates of a kind. */
export interface KindResource {
  readonly group: string;
  readonly version: string;
  /** The resource (plural) name, e.g. "endpointslices". */
  readonly plural: string;
  readonly namespaced: boolean;
  /** Served by a CRD we ship rather than by Kubernetes itself: may be missing from a cluster. */
  readonly optional: boolean;
}

/** API coordinates of every watched kind. */
export const KIND_RESOURCES: Readonly<Record<WatchedKind, KindResource>> = {
  Ingress: { group: "networking.k8s.io", version: "v1", plural: "ingresses", namespaced: true, optional: false },
  IngressClass: { group: "networking.k8s.io", version: "v1", plural: "ingressclasses", namespaced: false, optional: false },
  Service: { group: "", version: "v1", plural: "services", namespaced: true, optional: false },
  EndpointSlice: { group: "discovery.k8s.io", version: "v1", plural: "endpointslices", namespaced: true, optional: false },
  Secret: { group: "", version: "v1", plural: "secrets", namespaced: true, optional: false },
  Namespace: { group: "", version: "v1", plural: "namespaces", namespaced: false, optional: false },
  HTTPProxy: { group: "projectcontour.io", version: "v1", plural: "httpproxies", namespaced: true, optional: true },
  TLSCertificateDelegation: { group: "projectcontour.io", version: "v1", plural: "tlscertificatedelegations", namespaced: true, optional: true },
  // CA bundles of Gateway frontend validation and BackendTLSPolicy; RBAC without ConfigMaps leaves them empty.
  ConfigMap: { group: "", version: "v1", plural: "configmaps", namespaced: true, optional: false },
  // Gateway API (v1.6.1): watched once their CRDs exist, picked up when installed later (the CRD recheck).
  GatewayClass: { group: "gateway.networking.k8s.io", version: "v1", plural: "gatewayclasses", namespaced: false, optional: true },
  Gateway: { group: "gateway.networking.k8s.io", version: "v1", plural: "gateways", namespaced: true, optional: true },
  ListenerSet: { group: "gateway.networking.k8s.io", version: "v1", plural: "listenersets", namespaced: true, optional: true },
  HTTPRoute: { group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", namespaced: true, optional: true },
  GRPCRoute: { group: "gateway.networking.k8s.io", version: "v1", plural: "grpcroutes", namespaced: true, optional: true },
  TLSRoute: { group: "gateway.networking.k8s.io", version: "v1", plural: "tlsroutes", namespaced: true, optional: true },
  TCPRoute: { group: "gateway.networking.k8s.io", version: "v1", plural: "tcproutes", namespaced: true, optional: true },
  UDPRoute: { group: "gateway.networking.k8s.io", version: "v1", plural: "udproutes", namespaced: true, optional: true },
  ReferenceGrant: { group: "gateway.networking.k8s.io", version: "v1", plural: "referencegrants", namespaced: true, optional: true },
  BackendTLSPolicy: { group: "gateway.networking.k8s.io", version: "v1", plural: "backendtlspolicies", namespaced: true, optional: true },
};

/** Every watched kind, in a fixed order. */
export const WATCHED_KINDS: readonly WatchedKind[] = Object.keys(KIND_RESOURCES) as WatchedKind[];

/** The collection path of a resource, in one namespace or across all ("" or undefined). */
export function collectionPath(resource: Pick<KindResource, "group" | "version" | "plural">, namespace?: string): string {
  const prefix = resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const ns = namespace === undefined || namespace === "" ? "" : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${prefix}${ns}/${resource.plural}`;
}

/** The path of one object. */
export function objectPath(resource: Pick<KindResource, "group" | "version" | "plural">, namespace: string, name: string): string {
  return `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
}
