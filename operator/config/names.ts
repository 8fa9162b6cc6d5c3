// Checks of Kubernetes names and network addresses, so bad settings fail at startup with a clear message.
import { isIP } from "node:net";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A namespace name (RFC 1123 label, at most 63 characters). */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** A Service name (RFC 1035 label: starts with a letter). */
export function isDns1035Label(name: string): boolean {
  return name.length <= 63 && DNS1035_LABEL.test(name);
}

/** An object name such as a Lease's (RFC 1123 subdomain: dot-separated labels, at most 253 characters). */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && name.split(".").every((label) => DNS1123_LABEL.test(label));
}

/** An IPv4 or IPv6 literal. */
export function isIpAddress(text: string): boolean {
  return isIP(text) !== 0;
}

/** A DNS host name that can go into an Ingress status (lower case, dot-separated labels). */
export function isHostname(text: string): boolean {
  return isDns1123Subdomain(text) && !isIpAddress(text) && !/^[0-9.]+$/.test(text);
}

/** Whether a listen address covers every interface. */
export function isWildcardAddress(address: string): boolean {
  return address === "0.0.0.0" || address === "::" || address === "";
}
