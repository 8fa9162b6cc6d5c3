import type { V1Service, V1ServicePort } from "@kubernetes/client-node";
import type { Cluster } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import type { Parsed } from "../annotations/annotation-value.js";
import { clusterName, edsName, shortHash } from "../model/names.js";
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
 * annotations, named `<namespace>/<service>/<port>/<hash of everything else>` so that two routes
 * asking for the same settings share one cluster and different settings never collide.
 * Warnings about the Service's annotations name the Service, since they are reported on the
 * object that referenced it.
 */
export function serviceCluster(service: V1Service, port: V1ServicePort, options: ClusterOptions): Parsed<Cluster> {
  // Every route to a Service port asks for the same cluster: it is built (and its settings hashed)
  // once per Service object, port and options, and the same object is handed out, which also lets
  // the store see an unchanged cluster by identity. A changed Service is another object.
  const key = `${options.connectTimeoutMs}\0${options.loadBalancer ?? ""}`;
  let built = memo.get(service);
  if (built === undefined) {
    built = [];
    memo.set(service, built);
  }
  // A Service has a few ports and its routes one or two sets of options: a short list is enough.
  for (const b of built) if (b.port === port && b.key === key) return b.cluster;
  const cluster = buildServiceCluster(service, port, options);
  built.push({ port, key, cluster });
  return cluster;
}

// By Service object (informer objects are never modified, only replaced): what was built for each port and options.
const memo = new WeakMap<V1Service, { readonly port: V1ServicePort; readonly key: string; readonly cluster: Parsed<Cluster> }[]>();

function buildServiceCluster(service: V1Service, port: V1ServicePort, options: ClusterOptions): Parsed<Cluster> {
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
  const cluster: Cluster = { name: clusterName(namespace, name, port.port, shortHash(settings)), ...settings };
  const prefix = `Service ${JSON.stringify(`${namespace}/${name}`)} `;
  const warnings: Condition[] = [...protocol.warnings, ...breakers.warnings].map((w) => ({ ...w, message: prefix + w.message }));
  return { value: cluster, warnings };
}
