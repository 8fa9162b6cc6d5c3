/** Service → Cluster resolution, shared by every reconciler that routes to Services. */
export { lookupServicePort, type ServicePortLookup } from "./service-lookup.js";
export { serviceCluster, DEFAULT_CONNECT_TIMEOUT_MS, type ClusterOptions } from "./service-cluster.js";
export { upstreamProtocol, type UpstreamProtocol } from "./upstream-protocol.js";
export { parseCircuitBreakers, type CircuitBreakers } from "./circuit-breakers.js";
