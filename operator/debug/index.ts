// Public surface of the debug listener.
export { createDebugServer, type DebugServer, type DebugServerOptions } from "./debug-server.js";
export { modelToDot, type DotListeners } from "./dag-dot.js";
