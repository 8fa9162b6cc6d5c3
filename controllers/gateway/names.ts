// Names the Gateway API core gives to what it produces, pointing back to the source objects so that an
// Envoy config dump explains itself (as Envoy Gateway's `httproute/<ns>/<name>/rule/<i>/match/<j>`).

/** The Envoy listener serving one port of one Gateway: `gateway/<namespace>/<name>/<port>`. */
export function gatewayListenerName(namespace: string, name: string, port: number): string {
  return `gateway/${namespace}/${name}/${port}`;
}

/** A route built from one match of one HTTPRoute (or GRPCRoute) rule: `httproute/<namespace>/<name>/rule/<i>/match/<j>`. */
export function httpRouteRouteName(namespace: string, name: string, rule: number, match: number, kind = "HTTPRoute"): string {
  return `${kind.toLowerCase()}/${namespace}/${name}/rule/${rule}/match/${match}`;
}

/** The stream of one TLSRoute, TCPRoute or UDPRoute rule: `tlsroute/<namespace>/<name>/rule/<i>`. */
export function l4RouteRuleName(kind: string, namespace: string, name: string, rule: number): string {
  return `${kind.toLowerCase()}/${namespace}/${name}/rule/${rule}`;
}

/** The owned LoadBalancer Service of a Gateway (upstream Contour's provisioner names it `envoy-<gateway>`). */
export function gatewayServiceName(gatewayName: string): string {
  return `envoy-${gatewayName}`;
}
