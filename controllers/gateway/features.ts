/**
 * Gateway API features (names of sigs.k8s.io/gateway-api pkg/features at v1.6.1) whose status and
 * model side the Gateway API core implements, reported in GatewayClass status.supportedFeatures and
 * passed to the conformance suite. Until the conformance report passes each one through real Envoy,
 * this is the target, not a claim: trim it to what the committed report shows. Not listed yet:
 * GatewayStaticAddresses, GatewayAddressEmpty (need the owned Service), GatewayBackendClientCertificate
 * (needs per-Gateway clusters), GatewayHTTPSListenerDetectMisdirectedRequests (needs the 421 in
 * translation). Kept sorted, as the API requires.
 */
export const SUPPORTED_FEATURES: readonly string[] = [
  "BackendTLSPolicy",
  "BackendTLSPolicySANValidation",
  "Gateway",
  "GatewayFrontendClientCertificateValidation",
  "GatewayFrontendClientCertificateValidationInsecureFallback",
  "GatewayHTTPListenerIsolation",
  "GatewayInfrastructurePropagation",
  "GatewayPort8080",
  "HTTPRoute",
  "HTTPRoute303RedirectStatusCode",
  "HTTPRoute307RedirectStatusCode",
  "HTTPRoute308RedirectStatusCode",
  "HTTPRouteBackendProtocolH2C",
  "HTTPRouteBackendProtocolWebSocket",
  "HTTPRouteBackendRequestHeaderModification",
  "HTTPRouteBackendTimeout",
  "HTTPRouteCORS",
  "HTTPRouteDestinationPortMatching",
  "HTTPRouteHostRewrite",
  "HTTPRouteMethodMatching",
  "HTTPRouteNamedRouteRule",
  "HTTPRouteParentRefPort",
  "HTTPRoutePathRedirect",
  "HTTPRoutePathRewrite",
  "HTTPRoutePortRedirect",
  "HTTPRouteQueryParamMatching",
  "HTTPRouteRequestMirror",
  "HTTPRouteRequestMultipleMirrors",
  "HTTPRouteRequestPercentageMirror",
  "HTTPRouteRequestTimeout",
  "HTTPRouteResponseHeaderModification",
  "HTTPRouteRetry",
  "HTTPRouteRetryBackendTimeout",
  "HTTPRouteRetryConnectionError",
  "HTTPRouteSchemeRedirect",
  "ListenerSet",
  "ReferenceGrant",
];
