import type { V1Service, V1ServicePort } from "@kubernetes/client-node";
import type { Cluster } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import type { Parsed } from "../annotations/annotation-value.js";
import { edsName } from "../model/names.js";
import { serviceClusterName } from "../model/cluster-name.js";
import { parseCircuitBreakers } from "./circuit-breakers.js";
import { upstreamProtocol } from "./upstream-protocol.js";

/** Cluster settings that come from the route or the controller's configuration, not from the Service. */
export interface ClusterOptions {
  readonly connectTimeoutMs: number;
  readonly loadBalancer?: Cluster["loadBalancer"];
}

/** Upstream Contour's default connect timeout. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;

/**
 * The model Cluster for one Service port: protocol and circuit breakers from the Service's
 * annotations, named as upstream Contour names it (`<namespace>/<service>/<port>/<hash>`, see
 * model/cluster-name.ts) so that two routes asking for the same settings share one cluster.
 * Warnings about the Service's annotations name the Service, since they are reported on the
 * object that referenced it.
 */
export function serviceCluster(service: V1Service, port: V1ServicePort, options: ClusterOptions): Parsed<Cluster> {
  const namespace = service.metadata?.namespace ?? "";
  const name = service.metadata?.name ?? "";
  const protocol = upstreamProtocol(service, port);
  const breakers = parseCircuitBreakers(service);
  const portName = port.name ?? "";
  const settings = {
    service: { namespace, name, port: port.port, portName },
    endpoints: edsName(namespace, name, portName),
    protocol: protocol.value,
    loadBalancer: options.loadBalancer ?? "RoundRobin",
    ...(breakers.value !== undefined ? { circuitBreakers: breakers.value } : {}),
    connectTimeoutMs: options.connectTimeoutMs,
  } satisfies Omit<Cluster, "name">;
  // Upstream sets no SNI on a plain Service cluster (Ingress); callers that do rename (serviceClusterName).
  const cluster: Cluster = { name: serviceClusterName(settings, ""), ...settings };
  const prefix = `Service ${JSON.stringify(`${namespace}/${name}`)} `;
  const warnings: Condition[] = [...protocol.warnings, ...breakers.warnings].map((w) => ({ ...w, message: prefix + w.message }));
  return { value: cluster, warnings };
}
