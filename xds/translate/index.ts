/** Public surface of xds/translate: routing model (and EndpointSlices) → Envoy xDS resources. */
export { translateModel } from "./translate-model.js";
export { createTranslator, type CheckedTranslation, type Translator, type TranslatorOptions } from "./translator.js";
export type { TranslationFailure } from "./encode-check.js";
export type { TestFaults } from "./test-faults.js";
export { edsNamesOf, translateEndpoints } from "./endpoints.js";
export type { ChangedInput, EndpointSource } from "./incremental.js";
export type { AccessLogFormat, CircuitBreakerDefaults, CompressionAlgorithm, ServerHeaderTransformation, TimeoutMs, TranslateOptions, UpstreamTlsOptions } from "./options.js";
export { escapeHeaderValue } from "./headers.js";
