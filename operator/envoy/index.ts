// Public surface of Envoy's shutdown manager.
export { adminRequest, describeTarget, type AdminResponse, type AdminTarget } from "./admin-client.js";
export { OPEN_CONNECTIONS_METRIC, OPEN_CONNECTIONS_STATS_PATH, parseOpenConnections } from "./open-connections.js";
export { countOpenConnections, runShutdown, type ShutdownOptions, type ShutdownOutcome } from "./shutdown.js";
export { startShutdownManager, type ShutdownManager, type ShutdownManagerOptions } from "./shutdown-manager.js";
