import type { HeaderMatch } from "../model/model.js";

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/u;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/u;

/** Why a host name cannot be served, or undefined when it can. */
export function invalidHostReason(host: string): string | undefined {
  const name = host.startsWith("*.") ? host.slice(2) : host;
  if (name.length === 0 || host.length > 253) return "is not a DNS name of 1 to 253 characters";
  if (name.includes("*")) return "may hold a wildcard only as its whole first label (\"*.example.com\")";
  if (IPV4.test(name) || name.includes(":")) return "is an IP address, not a DNS name";
  for (const label of name.split(".")) {
    if (label.length > 63 || !LABEL.test(label)) return "is not a lowercase RFC 1123 DNS name";
  }
  return undefined;
}

/** Upstream's singleDNSLabelWildcardRegex: what the "*" of a wildcard host may stand for. */
const SINGLE_DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?";

/** Upstream's ignorePortRegex: Envoy's regex must match the whole value, so a ":port" is allowed explicitly. */
const OPTIONAL_PORT = "(:[0-9]+)?";

/**
 * The header condition upstream adds to routes of a wildcard host (wildcardDomainHeaderMatch):
 * Envoy's domain "*.example.com" also matches "a.b.example.com", while a wildcard Ingress host
 * stands for exactly one label, optionally followed by a ":port" (Envoy matches the regex against the whole value).
 */
export function wildcardAuthorityMatch(host: string): HeaderMatch {
  return { name: ":authority", kind: "regex", value: SINGLE_DNS_LABEL + escapeRegex(host.slice(1)) + OPTIONAL_PORT, invert: false, ignoreCase: false };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
}
