// Public surface of the operations HTTP server.
export { createOpsServer, type OpsServer, type OpsServerOptions } from "./ops-server.js";
export { createApiServerHealthCheck } from "./api-health.js";
export { createMetricsRegistry } from "./metrics-registry.js";
