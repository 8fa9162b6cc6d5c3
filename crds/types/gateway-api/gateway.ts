// GatewayClass, Gateway and ListenerSet (gateway.networking.k8s.io/v1, bundle v1.6.1), field names as
// upstream's apis/v1 gatewayclass_types.go, gateway_types.go and listenerset_types.go.
import type { GatewayApiObject, LabelSelector, LocalObjectReference, MetaCondition, ObjectReference, ParentGatewayReference, SecretObjectReference, GatewayDefaultScope } from "./common.js";

/** A GatewayClass: a kind of Gateway, implemented by the controller named in spec.controllerName. */
export type GatewayClass = GatewayApiObject<GatewayClassSpec, GatewayClassStatus>;

/** What a GatewayClass asks for. */
export interface GatewayClassSpec {
  readonly controllerName: string;
  readonly parametersRef?: ParametersReference;
  readonly description?: string;
}

/** Implementation-specific parameters of a GatewayClass. */
export interface ParametersReference {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** What the controller reports for a GatewayClass. */
export interface GatewayClassStatus {
  readonly conditions?: readonly MetaCondition[];
  readonly supportedFeatures?: readonly { readonly name: string }[];
}

/** Listener protocols of the API. */
export const PROTOCOL_TYPES = ["HTTP", "HTTPS", "TLS", "TCP", "UDP"] as const;
/** A listener protocol; implementations may define domain-prefixed ones. */
export type ProtocolType = string;

/** A Gateway: listeners on addresses, served by the controller of its class. */
export type Gateway = GatewayApiObject<GatewaySpec, GatewayStatus>;

/** What a Gateway asks for. */
export interface GatewaySpec {
  readonly gatewayClassName: string;
  readonly listeners: readonly Listener[];
  readonly addresses?: readonly GatewaySpecAddress[];
  readonly infrastructure?: GatewayInfrastructure;
  readonly allowedListeners?: AllowedListeners;
  readonly tls?: GatewayTLSConfig;
  readonly defaultScope?: GatewayDefaultScope;
}

/** Which ListenerSets may attach to a Gateway (none by default). */
export interface AllowedListeners {
  readonly namespaces?: { readonly from?: "All" | "Same" | "Selector" | "None"; readonly selector?: LabelSelector };
}

/** A logical endpoint of a Gateway. */
export interface Listener {
  readonly name: string;
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: ProtocolType;
  readonly tls?: ListenerTLSConfig;
  readonly allowedRoutes?: AllowedRoutes;
}

/** TLS of a listener: terminate with certificateRefs, or pass through. */
export interface ListenerTLSConfig {
  /** Default "Terminate". */
  readonly mode?: "Terminate" | "Passthrough";
  readonly certificateRefs?: readonly SecretObjectReference[];
  readonly options?: Readonly<Record<string, string>>;
}

/** Gateway-wide TLS: the client certificate towards backends and client validation of frontends. */
export interface GatewayTLSConfig {
  readonly backend?: { readonly clientCertificateRef?: SecretObjectReference };
  readonly frontend?: FrontendTLSConfig;
}

/** Client-certificate validation for HTTPS listeners, by default and per port. */
export interface FrontendTLSConfig {
  readonly default: TLSConfig;
  readonly perPort?: readonly { readonly port: number; readonly tls: TLSConfig }[];
}

/** Frontend TLS settings. */
export interface TLSConfig {
  readonly validation?: FrontendTLSValidation;
}

/** How client certificates are validated. */
export interface FrontendTLSValidation {
  readonly caCertificateRefs: readonly ObjectReference[];
  /** Default "AllowValidOnly". */
  readonly mode?: "AllowValidOnly" | "AllowInsecureFallback";
}

/** Which routes may attach to a listener. */
export interface AllowedRoutes {
  readonly namespaces?: RouteNamespaces;
  readonly kinds?: readonly RouteGroupKind[];
}

/** Namespaces routes may come from; default "Same". */
export interface RouteNamespaces {
  readonly from?: "All" | "Same" | "Selector" | "None";
  readonly selector?: LabelSelector;
}

/** A route kind. */
export interface RouteGroupKind {
  /** Default "gateway.networking.k8s.io". */
  readonly group?: string;
  readonly kind: string;
}

/** A requested address. */
export interface GatewaySpecAddress {
  /** Default "IPAddress". */
  readonly type?: string;
  readonly value?: string;
}

/** An address the Gateway is reachable on. */
export interface GatewayStatusAddress {
  readonly type?: string;
  readonly value: string;
}

/** Labels and annotations for the Gateway's infrastructure, and its parameters. */
export interface GatewayInfrastructure {
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly parametersRef?: LocalObjectReference;
}

/** What the controller reports for a Gateway. */
export interface GatewayStatus {
  readonly addresses?: readonly GatewayStatusAddress[];
  readonly conditions?: readonly MetaCondition[];
  readonly listeners?: readonly ListenerStatus[];
  readonly attachedListenerSets?: number;
}

/** What the controller reports for one listener. */
export interface ListenerStatus {
  readonly name: string;
  readonly supportedKinds: readonly RouteGroupKind[];
  readonly attachedRoutes: number;
  readonly conditions: readonly MetaCondition[];
}

/** A ListenerSet: listeners attached to a Gateway from another object, possibly another namespace. */
export type ListenerSet = GatewayApiObject<ListenerSetSpec, ListenerSetStatus>;

/** What a ListenerSet asks for. */
export interface ListenerSetSpec {
  readonly parentRef: ParentGatewayReference;
  readonly listeners: readonly ListenerEntry[];
}

/** A listener of a ListenerSet: the fields of a Gateway listener. */
export type ListenerEntry = Listener;

/** What the controller reports for a ListenerSet. */
export interface ListenerSetStatus {
  readonly conditions?: readonly MetaCondition[];
  readonly listeners?: readonly ListenerStatus[];
}
