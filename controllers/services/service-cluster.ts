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
  let byService = memo.get(service);
  if (byService === undefined) {
    byService = new WeakMap();
    memo.set(service, byService);
  }
  let byOptions = byService.get(port);
  if (byOptions === undefined) {
    byOptions = new Map();
    byService.set(port, byOptions);
  }
  const key = `${options.connectTimeoutMs}\0${options.loadBalancer ?? ""}`;
  let built = byOptions.get(key);
  if (built === undefined) {
    built = buildServiceCluster(service, port, options);
    byOptions.set(key, built);
  }
  return built;
}

// By Service object and port object (informer objects are never modified, only replaced).
const memo = new WeakMap<V1Service, WeakMap<V1ServicePort, Map<string, Parsed<Cluster>>>>();

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
