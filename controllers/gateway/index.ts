/** The Gateway API core: pure reconcilers of GatewayClass, Gateway (+ ListenerSet), HTTPRoute, ReferenceGrant and BackendTLSPolicy. */
export type { GatewayObjects, Dependency } from "./objects.js";
export { SUPPORTED_FEATURES } from "./features.js";
export { reconcileGatewayClass, DEFAULT_GATEWAY_CONTROLLER_NAME, CONTOUR_DEPLOYMENT, type GatewayClassOptions, type GatewayClassResult, type ParametersKind } from "./gateway-class.js";
export { reconcileGateway, type GatewayReconcileOptions, type GatewayResult, type ListenerSetView } from "./reconcile-gateway.js";
export { listenerKey, listenerOwnHostnames, withAttachedRoutes, type GatewayListener, type ListenerStatusView, type ListenerStatusOut } from "./gateway-listener.js";
export { allocateGatewayPorts, type PortAllocation, type PortClaim, type PortRange, type AllocationResult } from "./port-allocation.js";
export { gatewayListenerName, httpRouteRouteName, l4RouteRuleName, gatewayServiceName } from "./names.js";
export { reconcileGRPCRoute, asHTTPRoute, type GRPCRouteOptions } from "./reconcile-grpcroute.js";
export { reconcileTLSRoute, reconcileTCPRoute, reconcileUDPRoute, reconcileL4Route, olderAttachment, type L4RouteKind, type L4RouteOptions, type L4RouteResult, type L4Attachment } from "./reconcile-l4route.js";
export { reconcileHTTPRoute, type HTTPRouteOptions, type HTTPRouteResult, type ListenerVirtualHost, type RouteParentView } from "./reconcile-httproute.js";
export type { GatewayLookup } from "./route-parents.js";
export { routeRank, compareRank } from "./route-rank.js";
export { indexReferenceGrants, referencePermitted, type ReferenceGrantIndex } from "./reference-grants.js";
export { reconcileBackendTLSPolicy, backendTlsLookup, policyAncestors, type BackendTlsPolicyResult, type PolicyTarget } from "./backend-tls-policy.js";
export type { BackendTlsLookup, BackendTlsSettings } from "./route-backends.js";
export { metaConditions, gatewayClassStatus, gatewayStatus, listenerSetStatus, httpRouteStatus, backendTlsPolicyStatus, countAttachedRoutes, type StatusStamp } from "./status-views.js";
export { desiredGatewayService, allocationsFromServices, gatewayAddresses, loadBalancerProblem, staleGatewayServices, GATEWAY_NAME_LABEL, REQUESTED_IPS_ANNOTATION, type GatewayServiceOptions } from "./gateway-service.js";
