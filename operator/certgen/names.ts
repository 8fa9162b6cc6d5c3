// The names that go into certificates: Kubernetes Service DNS names and checks on user-supplied extras.
import { isIP } from "node:net";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The DNS names a Service `service` in `namespace` answers to, shortest first. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

/** Whether `name` is a lower-case RFC 1123 label, as Kubernetes namespaces must be. */
export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

/** Whether `name` may be a DNS SAN: lower-case RFC 1123 labels, optionally a leading `*.` wildcard label. */
export function isDnsSan(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.startsWith("*.") ? name.slice(2).split(".") : name.split(".");
  return labels.every(isDnsLabel);
}

/** Whether `address` is an IPv4 or IPv6 address. */
export function isIpAddress(address: string): boolean {
  return isIP(address) !== 0;
}

/** `names` without repeats, first occurrence kept, so SAN lists stay in the order they were given. */
export function uniqueNames(names: readonly string[]): string[] {
  return [...new Set(names)];
}
