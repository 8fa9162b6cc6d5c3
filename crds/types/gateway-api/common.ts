// Types shared by the Gateway API kinds (gateway.networking.k8s.io v1, bundle v1.6.1): references,
// route status and policy status. Field names are exactly the upstream JSON names
// (sigs.k8s.io/gateway-api apis/v1 shared_types.go, object_reference_types.go, policy_types.go);
// a pointer or omitempty field upstream is optional here.
import type { KubernetesObject, V1LabelSelector } from "@kubernetes/client-node";

/** The API group of every Gateway API kind. */
export const GATEWAY_GROUP = "gateway.networking.k8s.io";
/** The Gateway API bundle version these types follow (the CRDs' gateway.networking.k8s.io/bundle-version). */
export const GATEWAY_API_BUNDLE_VERSION = "v1.6.1";
/** The annotation on Gateway API CRDs that carries their bundle version. */
export const BUNDLE_VERSION_ANNOTATION = "gateway.networking.k8s.io/bundle-version";

/** A metav1.Condition as the API server stores it. */
export interface MetaCondition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly observedGeneration?: number;
  readonly lastTransitionTime: string;
  readonly reason: string;
  readonly message: string;
}

/** A label selector (metav1.LabelSelector). */
export type LabelSelector = V1LabelSelector;

/** A Gateway API object: metadata plus a spec of type S and a status of type T. */
export interface GatewayApiObject<S, T = never> extends KubernetesObject {
  readonly spec: S;
  readonly status?: T;
}

/** A reference to a parent (a Gateway, or a ListenerSet) a route attaches to. */
export interface ParentReference {
  /** Default "gateway.networking.k8s.io". */
  readonly group?: string;
  /** Default "Gateway". */
  readonly kind?: string;
  /** Default: the route's namespace. */
  readonly namespace?: string;
  readonly name: string;
  /** A listener name (Gateway) or listener entry name (ListenerSet). */
  readonly sectionName?: string;
  readonly port?: number;
}

/** Which default Gateways a route attaches to: "All" or "None". */
export type GatewayDefaultScope = "All" | "None";

/** Fields every route kind shares. */
export interface CommonRouteSpec {
  readonly parentRefs?: readonly ParentReference[];
  readonly useDefaultGateways?: GatewayDefaultScope;
}

/** A reference to a backend object (a Service by default). */
export interface BackendObjectReference {
  /** Default "" (core). */
  readonly group?: string;
  /** Default "Service". */
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly port?: number;
}

/** A weighted backend reference. */
export interface BackendRef extends BackendObjectReference {
  /** Default 1; 0 means no traffic. */
  readonly weight?: number;
}

/** A reference to a Secret (kind Secret, group "" by default). */
export interface SecretObjectReference {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A reference to an object in the same namespace. */
export interface LocalObjectReference {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

/** A reference to an object, possibly in another namespace. */
export interface ObjectReference {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A reference to a parent Gateway (ListenerSet.spec.parentRef). */
export interface ParentGatewayReference {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
}

/** The status one controller reports for one parentRef of a route. */
export interface RouteParentStatus {
  readonly parentRef: ParentReference;
  readonly controllerName: string;
  readonly conditions?: readonly MetaCondition[];
}

/** The status of a route: one entry per parent. */
export interface RouteStatus {
  readonly parents: readonly RouteParentStatus[];
}

/** A numerator over a denominator (default 100). */
export interface Fraction {
  readonly numerator: number;
  readonly denominator?: number;
}

/** Session persistence (cookie or header based). */
export interface SessionPersistence {
  readonly sessionName?: string;
  readonly absoluteTimeout?: string;
  readonly type?: "Cookie" | "Header";
  readonly cookieConfig?: { readonly lifetimeType?: "Session" | "Permanent" };
}

/** A policy target in the policy's own namespace. */
export interface LocalPolicyTargetReference {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

/** A policy target that may name a section (a Service port name, a listener). */
export interface LocalPolicyTargetReferenceWithSectionName extends LocalPolicyTargetReference {
  readonly sectionName?: string;
}

/** The status of a policy for one ancestor (a Gateway the target is reached through). */
export interface PolicyAncestorStatus {
  readonly ancestorRef: ParentReference;
  readonly controllerName: string;
  readonly conditions?: readonly MetaCondition[];
}

/** The status of a policy. */
export interface PolicyStatus {
  readonly ancestors: readonly PolicyAncestorStatus[];
}
