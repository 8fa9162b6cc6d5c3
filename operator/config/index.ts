// Public surface of the `contour serve` settings module.
export { loadServeConfig, serveUsage, type ClusterConfiguration, type LoadServeConfigResult, type ReadFile } from "./load-serve-config.js";
export { serveFlagNames } from "./parse-flags.js";
export { configFileKeys } from "./parse-config-file.js";
export type { ServeConfig, LeaderElectionConfig, ListenAddress, LogLevelName, XdsTlsFiles } from "./serve-config.js";
export { parseDuration, formatDuration } from "./duration.js";
