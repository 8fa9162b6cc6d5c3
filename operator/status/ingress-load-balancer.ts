// The address written into every Ingress's status.loadBalancer: the configured --ingress-status-address,
// else whatever the cloud gave the Envoy Service.
import { isIP } from "node:net";
import type { KubernetesObject } from "@kubernetes/client-node";

/** networking.k8s.io/v1 IngressLoadBalancerStatus as plain JSON. */
export interface IngressLoadBalancerStatus {
  ingress?: { ip?: string; hostname?: string; ports?: { port: number; protocol: string; error?: string }[] }[];
}

/** A Service as far as its load-balancer status goes. */
export type ServiceWithStatus = KubernetesObject & {
  spec?: { externalIPs?: string[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ports?: { port: number; protocol: string; error?: string }[] }[] } };
};

/** Status naming fixed addresses: each an IP or a DNS name. */
export function loadBalancerFromAddresses(addresses: readonly string[]): IngressLoadBalancerStatus {
  if (addresses.length === 0) return {};
  return { ingress: addresses.map((address) => (isIP(address) !== 0 ? { ip: address } : { hostname: address })) };
}

/**
 * Status copied from the Envoy Service: its status.loadBalancer.ingress (type LoadBalancer), else its
 * spec.externalIPs; empty when the Service is missing or has neither.
 */
export function loadBalancerFromService(service: ServiceWithStatus | undefined): IngressLoadBalancerStatus {
  const entries = service?.status?.loadBalancer?.ingress ?? [];
  if (entries.length > 0) {
    return {
      ingress: entries.map((e) => ({
        ...(e.ip !== undefined ? { ip: e.ip } : {}),
        ...(e.hostname !== undefined ? { hostname: e.hostname } : {}),
        // Port status shapes match; ipMode has no Ingress counterpart and is dropped.
        ...(e.ports !== undefined && e.ports.length > 0 ? { ports: e.ports.map((p) => ({ port: p.port, protocol: p.protocol, ...(p.error !== undefined ? { error: p.error } : {}) })) } : {}),
      })),
    };
  }
  return loadBalancerFromAddresses(service?.spec?.externalIPs ?? []);
}

/** The status for every owned Ingress: fixed addresses win over the Envoy Service's. */
export function computeIngressLoadBalancer(statusAddresses: readonly string[], envoyService: ServiceWithStatus | undefined): IngressLoadBalancerStatus {
  return statusAddresses.length > 0 ? loadBalancerFromAddresses(statusAddresses) : loadBalancerFromService(envoyService);
}
