// Public surface of xds/server: the Connect xDS server and its pure protocol state machines.
export { createXdsServer, type XdsServer, type XdsServerOptions } from "./xds-server.js";
export { createSotwStream, type SotwStream, type SotwStreamOptions } from "./sotw-stream.js";
export { createDeltaStream, type DeltaStream, type DeltaStreamOptions } from "./delta-stream.js";
export type { StreamEvent, StreamStep, PushEvent, AckEvent, NackEvent } from "./stream-events.js";
export type { XdsOutcome, XdsStreamInfo } from "./stream-handler.js";
export type { ServedVersion } from "./stream-view.js";
export { createXdsMetrics, type XdsMetrics } from "./metrics.js";
export { createCertificateReloader, type CertificateReloader, type TlsFiles } from "./certificate-reloader.js";
