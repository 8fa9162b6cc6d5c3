import { isIP } from "node:net";
import type { Gateway, GatewayStatusAddress } from "../../crds/types/gateway-api/gateway.js";
import { quote } from "../store/conditions.js";
import type { Verdict } from "./listener-validation.js";

/** The addresses a Gateway asks for, or why it cannot have them (UnsupportedAddress). */
export type AddressRequest = { readonly ok: true; readonly ips: readonly string[] } | { readonly ok: false; readonly reason: "UnsupportedAddress"; readonly message: string };

/**
 * Checks spec.addresses: only IPAddress entries can be honoured (as the owned LoadBalancer
 * Service's requested IP); an entry without a value asks for any address (GatewayAddressEmpty).
 */
export function requestedAddresses(gateway: Gateway): AddressRequest {
  const ips: string[] = [];
  for (const [i, a] of (gateway.spec?.addresses ?? []).entries()) {
    const type = a.type ?? "IPAddress";
    if (type !== "IPAddress") return { ok: false, reason: "UnsupportedAddress", message: `spec.addresses[${i}].type: ${quote(type)} is not supported; only IPAddress is` };
    const value = a.value ?? "";
    if (value === "") continue;
    if (isIP(value) === 0) return { ok: false, reason: "UnsupportedAddress", message: `spec.addresses[${i}].value: ${quote(value)} is not an IP address` };
    ips.push(value);
  }
  return { ok: true, ips: [...new Set(ips)].sort() };
}

/**
 * The Programmed verdict from addresses: the owned Service's assigned addresses must exist
 * (AddressNotAssigned) and include every requested IP (AddressNotUsable).
 */
export function addressesProgrammed(requested: readonly string[], assigned: readonly GatewayStatusAddress[] | undefined): Verdict {
  if (assigned === undefined || assigned.length === 0) return { ok: false, reason: "AddressNotAssigned", message: "no address has been assigned to the Gateway's Service yet" };
  const have = new Set(assigned.map((a) => a.value));
  const missing = requested.filter((ip) => !have.has(ip));
  if (missing.length > 0) return { ok: false, reason: "AddressNotUsable", message: `spec.addresses: ${missing.map((m) => quote(m)).join(", ")} could not be assigned` };
  return { ok: true };
}
