/** Public surface of xds/translate: routing model (and EndpointSlices) → Envoy xDS resources. */
export { translateModel } from "./translate-model.js";
export { createTranslator, type Translator } from "./translator.js";
export { edsNamesOf, translateEndpoints } from "./endpoints.js";
export type { AccessLogFormat, TranslateOptions } from "./options.js";
export { escapeHeaderValue } from "./headers.js";
