import type { V1Service } from "@kubernetes/client-node";
import type { GatewayStatusAddress } from "../../crds/types/gateway-api/gateway.js";
import type { Gateway } from "../../crds/types/gateway-api/gateway.js";
import { gatewayServiceName } from "./names.js";
import type { PortAllocation } from "./port-allocation.js";
import type { GatewayResult } from "./reconcile-gateway.js";

/** The label naming a Gateway's owned Service's Gateway, as the spec asks. */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
/** The label marking Services this controller owns and may delete. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
/** Its value. */
export const MANAGED_BY = "contour";
/**
 * The annotation listing the IPs spec.addresses asks for (comma-separated): Cilium LB IPAM's, which takes
 * several; spec.loadBalancerIP (one IP, what clouds and MetalLB read) is set too when there is one.
 */
export const REQUESTED_IPS_ANNOTATION = "lbipam.cilium.io/ips";

/** What shaping the owned Service needs beyond the Gateway. */
export interface GatewayServiceOptions {
  /** Labels of the Envoy pods the Service sends traffic to. */
  readonly envoySelector: Readonly<Record<string, string>>;
}

/**
 * The LoadBalancer Service the leader keeps for an accepted Gateway: `envoy-<gateway>` in the
 * Gateway's namespace, owned by it (deleted with it), labelled with the Gateway's name and
 * spec.infrastructure.labels, annotated with spec.infrastructure.annotations, one port per allocated
 * (Gateway, port) targeting the allocated Envoy port, and the requested IPs (REQUESTED_IPS_ANNOTATION,
 * and spec.loadBalancerIP when there is exactly one).
 * Infrastructure labels cannot override the two labels the controller relies on.
 */
export function desiredGatewayService(gateway: Gateway, result: Extract<GatewayResult, { ours: true }>, allocations: readonly PortAllocation[], options: GatewayServiceOptions): V1Service {
  const namespace = gateway.metadata?.namespace ?? "";
  const name = gateway.metadata?.name ?? "";
  const mine = allocations.filter((a) => a.gateway === `${namespace}/${name}`).sort((a, b) => a.port - b.port);
  const protocolOf = (port: number): string => result.model.find((l) => l.port === port && l.protocol !== "UDP")?.protocol.toLowerCase() ?? "tcp";
  // A port of UDP listeners is a UDP Service port, beside the TCP one when TCP listeners share the number.
  const transports = (port: number): ("TCP" | "UDP")[] => {
    const on = result.model.filter((l) => l.port === port);
    const udp = on.some((l) => l.protocol === "UDP");
    return udp && on.every((l) => l.protocol === "UDP") ? ["UDP"] : udp ? ["TCP", "UDP"] : ["TCP"];
  };
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      namespace,
      name: gatewayServiceName(name),
      labels: { ...result.infrastructure.labels, [GATEWAY_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY },
      // spec.addresses wins over an infrastructure annotation of the same name.
      annotations: { ...result.infrastructure.annotations, ...(result.requestedAddresses.length > 0 ? { [REQUESTED_IPS_ANNOTATION]: result.requestedAddresses.join(",") } : {}) },
      ownerReferences: [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name, uid: gateway.metadata?.uid ?? "", controller: true }],
    },
    spec: {
      type: "LoadBalancer",
      selector: { ...options.envoySelector },
      ports: mine.flatMap((a) => transports(a.port).map((t) => ({ name: t === "UDP" ? `udp-${a.port}` : `${protocolOf(a.port)}-${a.port}`, protocol: t, port: a.port, targetPort: a.envoyPort }))),
      // Always present, so that a replace (operator/serve/gateway-services.ts) clears an IP no longer asked for.
      loadBalancerIP: result.requestedAddresses.length === 1 ? result.requestedAddresses[0] : undefined,
    },
  };
}

/** The allocations recorded in owned Services (port → targetPort), the `previous` of allocateGatewayPorts after a restart. */
export function allocationsFromServices(services: readonly V1Service[]): PortAllocation[] {
  const out: PortAllocation[] = [];
  for (const s of services) {
    const labels = s.metadata?.labels ?? {};
    const gw = labels[GATEWAY_NAME_LABEL];
    if (labels[MANAGED_BY_LABEL] !== MANAGED_BY || gw === undefined) continue;
    for (const p of s.spec?.ports ?? []) {
      const target = typeof p.targetPort === "number" ? p.targetPort : Number(p.targetPort);
      if (Number.isInteger(target) && target > 0) out.push({ gateway: `${s.metadata?.namespace ?? ""}/${gw}`, port: p.port, envoyPort: target });
    }
  }
  return out;
}

/**
 * Why the load balancer gave the owned Service no address, when it says so in a False status condition
 * (Cilium LB IPAM's `io.cilium/lb-ipam-request-satisfied`, the e2e bed's): `<type> <reason>: <message>`.
 * Load balancers that only emit Events (MetalLB's AllocationFailed) leave it undefined.
 */
export function loadBalancerProblem(service: V1Service | undefined): string | undefined {
  const refused = (service?.status?.conditions ?? []).filter((c) => c.status === "False").sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))[0];
  if (refused === undefined) return undefined;
  return `${refused.type} ${refused.reason}${refused.message !== "" ? `: ${refused.message}` : ""}`;
}

/** A Gateway's status.addresses from its owned Service's load-balancer status. */
export function gatewayAddresses(service: V1Service | undefined): GatewayStatusAddress[] {
  const out: GatewayStatusAddress[] = [];
  for (const i of service?.status?.loadBalancer?.ingress ?? []) {
    if (i.ip !== undefined && i.ip !== "") out.push({ type: "IPAddress", value: i.ip });
    else if (i.hostname !== undefined && i.hostname !== "") out.push({ type: "Hostname", value: i.hostname });
  }
  return out;
}

/** Owned Services whose Gateway is gone or no longer ours: the leader deletes them. */
export function staleGatewayServices(services: readonly V1Service[], servedGateways: ReadonlySet<string>): V1Service[] {
  return services.filter((s) => {
    const labels = s.metadata?.labels ?? {};
    const gw = labels[GATEWAY_NAME_LABEL];
    return labels[MANAGED_BY_LABEL] === MANAGED_BY && gw !== undefined && !servedGateways.has(`${s.metadata?.namespace ?? ""}/${gw}`);
  });
}
