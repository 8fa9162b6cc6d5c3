// Public surface of upstream Contour's metrics.
export { createServeMetrics, type ServeMetrics } from "./serve-metrics.js";
export { createUpstreamMetrics, type UpstreamMetrics, type ProxyMetricsEntry } from "./upstream-metrics.js";
export { createGrpcServerMetrics, grpcCodeName } from "./grpc-server-metrics.js";
