import { isIP } from "node:net";
import type { Gateway, GatewayStatusAddress } from "../../crds/types/gateway-api/gateway.js";
import { quote } from "../store/conditions.js";
import type { Verdict } from "./listener-validation.js";

/** One requested IP and the field that asked for it. */
export interface RequestedAddress {
  readonly ip: string;
  /** e.g. `spec.addresses[1]` (the first entry naming this IP). */
  readonly field: string;
}

/** The addresses a Gateway asks for, or why it cannot have them (UnsupportedAddress). */
export type AddressRequest =
  | { readonly ok: true; readonly ips: readonly string[]; readonly requested: readonly RequestedAddress[] }
  | { readonly ok: false; readonly reason: "UnsupportedAddress"; readonly message: string };

/**
 * Checks spec.addresses: only IPAddress entries can be honoured (as addresses the owned LoadBalancer
 * Service asks its load balancer for); Hostname, NamedAddress and domain-prefixed types are not
 * supported. An IPAddress entry without a value asks for any address (GatewayAddressEmpty).
 */
export function requestedAddresses(gateway: Gateway): AddressRequest {
  const requested: RequestedAddress[] = [];
  for (const [i, a] of (gateway.spec?.addresses ?? []).entries()) {
    const type = a.type ?? "IPAddress";
    if (type !== "IPAddress") return { ok: false, reason: "UnsupportedAddress", message: `spec.addresses[${i}].type: ${quote(type)} is not supported; only IPAddress is` };
    const value = a.value ?? "";
    if (value === "") continue;
    if (isIP(value) === 0) return { ok: false, reason: "UnsupportedAddress", message: `spec.addresses[${i}].value: ${quote(value)} is not an IP address` };
    if (!requested.some((r) => r.ip === value)) requested.push({ ip: value, field: `spec.addresses[${i}]` });
  }
  return { ok: true, ips: requested.map((r) => r.ip).sort(), requested };
}

/**
 * The Programmed verdict from addresses. A requested IP the Service does not hold is AddressNotUsable
 * once the load balancer has answered (it gave other addresses, or a condition saying why not); while
 * it has answered nothing the Gateway waits (AddressNotAssigned). With no request, any address will do.
 * `requested` takes RequestedAddress entries (messages name their field) or bare IPs.
 */
export function addressesProgrammed(requested: readonly (RequestedAddress | string)[], assigned: readonly GatewayStatusAddress[] | undefined, problem?: string): Verdict {
  const asked = requested.map((r) => (typeof r === "string" ? { ip: r, field: "spec.addresses" } : r));
  const have = new Set((assigned ?? []).map((a) => a.value));
  const missing = asked.filter((r) => !have.has(r.ip));
  const because = problem !== undefined && problem !== "" ? `: ${problem}` : "";
  if (missing.length > 0 && (have.size > 0 || because !== "")) {
    const named = missing.map((m) => `${m.field}.value: ${quote(m.ip)}`).join(", ");
    return { ok: false, reason: "AddressNotUsable", message: `${named} ${missing.length === 1 ? "was" : "were"} not assigned by the load balancer${because}` };
  }
  if (missing.length > 0) return { ok: false, reason: "AddressNotAssigned", message: `waiting for the load balancer to assign ${missing.map((m) => quote(m.ip)).join(", ")} to the Gateway's Service` };
  if (have.size === 0) return { ok: false, reason: "AddressNotAssigned", message: `no address has been assigned to the Gateway's Service yet${because}` };
  return { ok: true };
}
