// GRPCRoute, TLSRoute, TCPRoute and UDPRoute (gateway.networking.k8s.io/v1, bundle v1.6.1), as
// upstream's grpcroute_types.go, tlsroute_types.go, tcproute_types.go and udproute_types.go.
import type { BackendRef, CommonRouteSpec, GatewayApiObject, LocalObjectReference, RouteStatus, SessionPersistence } from "./common.js";
import type { HTTPHeaderFilter, HTTPRequestMirrorFilter } from "./httproute.js";

/** A GRPCRoute. */
export type GRPCRoute = GatewayApiObject<GRPCRouteSpec, RouteStatus>;

/** What a GRPCRoute asks for. */
export interface GRPCRouteSpec extends CommonRouteSpec {
  readonly hostnames?: readonly string[];
  readonly rules?: readonly GRPCRouteRule[];
}

/** One gRPC rule. */
export interface GRPCRouteRule {
  readonly name?: string;
  readonly matches?: readonly GRPCRouteMatch[];
  readonly filters?: readonly GRPCRouteFilter[];
  readonly backendRefs?: readonly GRPCBackendRef[];
  readonly sessionPersistence?: SessionPersistence;
}

/** A gRPC match: method and headers. */
export interface GRPCRouteMatch {
  readonly method?: { readonly type?: "Exact" | "RegularExpression"; readonly service?: string; readonly method?: string };
  readonly headers?: readonly { readonly type?: "Exact" | "RegularExpression"; readonly name: string; readonly value: string }[];
}

/** A gRPC filter. */
export interface GRPCRouteFilter {
  readonly type: string;
  readonly requestHeaderModifier?: HTTPHeaderFilter;
  readonly responseHeaderModifier?: HTTPHeaderFilter;
  readonly requestMirror?: HTTPRequestMirrorFilter;
  readonly extensionRef?: LocalObjectReference;
}

/** A gRPC backend with its own filters. */
export interface GRPCBackendRef extends BackendRef {
  readonly filters?: readonly GRPCRouteFilter[];
}

/** A TLSRoute: TLS streams routed by SNI. */
export type TLSRoute = GatewayApiObject<{ readonly parentRefs?: CommonRouteSpec["parentRefs"]; readonly useDefaultGateways?: CommonRouteSpec["useDefaultGateways"]; readonly hostnames?: readonly string[]; readonly rules?: readonly L4RouteRule[] }, RouteStatus>;

/** A TCPRoute. */
export type TCPRoute = GatewayApiObject<CommonRouteSpec & { readonly rules?: readonly L4RouteRule[] }, RouteStatus>;

/** A UDPRoute. */
export type UDPRoute = GatewayApiObject<CommonRouteSpec & { readonly rules?: readonly L4RouteRule[] }, RouteStatus>;

/** A rule of a TLS, TCP or UDP route: backends only. */
export interface L4RouteRule {
  readonly name?: string;
  readonly backendRefs?: readonly BackendRef[];
}
