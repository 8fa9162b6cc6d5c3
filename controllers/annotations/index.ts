/** Annotation parsers: one per concern, each returning its value and the warnings for bad input. */
export { readAnnotation, MAX_ANNOTATION_VALUE, type Annotations, type Parsed } from "./annotation-value.js";
export { parseGoDuration, toMilliseconds } from "./go-duration.js";
export { parseTimeoutSetting } from "./timeout-setting.js";
export { parseResponseTimeout } from "./response-timeout.js";
export { parseRetryPolicy } from "./retry-policy.js";
export { parseWebsocketRoutes } from "./websocket-routes.js";
export { parseTlsVersions, type TlsVersionRange } from "./tls-protocol-version.js";
export { annotationIngressClass } from "./ingress-class.js";
export { httpAllowed, tlsRequired } from "./http-listener.js";
export { tlsCertNamespace } from "./tls-cert-namespace.js";
