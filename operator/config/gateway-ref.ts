// The config file's gateway.gatewayRef (upstream's static Gateway mode): the one Gateway to serve,
// whatever its GatewayClass (operator/pipeline/gateway-static-mode.ts).
import type { AppliedValues } from "./envoy-options.js";

/** The applied keys that belong here. */
export function isGatewayRefKey(key: string): boolean {
  return key === "gateway.gatewayRef.name" || key === "gateway.gatewayRef.namespace";
}

/** The Gateway named by gateway.gatewayRef, none when unset, or upstream's error when half set. */
export function buildGatewayRef(applied: AppliedValues): { readonly ref?: { readonly namespace: string; readonly name: string }; readonly errors: string[] } {
  const name = applied.get("gateway.gatewayRef.name");
  const namespace = applied.get("gateway.gatewayRef.namespace");
  const nameText = name === undefined ? "" : String(name.value);
  const namespaceText = namespace === undefined ? "" : String(namespace.value);
  if (nameText === "" && namespaceText === "") return { errors: [] };
  if (nameText === "" || namespaceText === "") {
    // Upstream's message (GatewayConfig.Validate).
    return { errors: [`${(name ?? namespace)!.source}: invalid gateway configuration: gateway ref namespace and name must be specified`] };
  }
  return { ref: { namespace: namespaceText, name: nameText }, errors: [] };
}
