// Public surface of the Envoy bootstrap builder.
export {
  BOOTSTRAP_DEFAULTS,
  DEFAULT_XDS_SERVER_NAME,
  bootstrapOptions,
  validateBootstrapOptions,
  type AdminListener,
  type DnsLookupFamily,
  type BootstrapOptions,
  type XdsMode,
  type XdsTlsFiles,
} from "./options.js";
export { buildBootstrap, renderBootstrap } from "./bootstrap.js";
export { XDS_CLUSTER_NAME, buildXdsCluster, buildXdsTransportSocket } from "./xds-cluster.js";
export {
  DOWNSTREAM_CONNECTIONS_CONFIG_TYPE,
  MAX_DOWNSTREAM_CONNECTIONS,
  RE2_MAX_PROGRAM_SIZE_ERROR,
  RE2_MAX_PROGRAM_SIZE_WARN,
  buildLayeredRuntime,
  buildOverloadManager,
} from "./runtime.js";
export { ADMIN_CLUSTER_NAME, STATS_LISTENER_NAME, STATS_LISTENER_PATHS, buildAdminCluster, buildStatsListener } from "./stats-listener.js";
export { SDS_SUBDIRECTORY, SDS_TLS_CERTIFICATE, SDS_VALIDATION_CONTEXT, buildSdsFiles, sdsFilePaths } from "./sds-files.js";
export { FIXED_HEAP_CONFIG_TYPE } from "./runtime.js";
