import type { TimeoutPolicy } from "../model/model.js";
import { CONTOUR_PREFIX, invalidAnnotation, readAnnotation, type Annotations, type Parsed } from "./annotation-value.js";
import { asError, parseTimeoutSetting } from "./timeout-setting.js";

/** The route timeout annotation of an Ingress. */
export const RESPONSE_TIMEOUT = `${CONTOUR_PREFIX}response-timeout`;

/** Its older name, still honoured by upstream when the new one is absent. */
export const REQUEST_TIMEOUT = `${CONTOUR_PREFIX}request-timeout`;

/**
 * The timeout policy an Ingress asks for: undefined leaves Envoy's defaults. Despite the older name,
 * it bounds the whole response, as upstream's ingressTimeoutPolicy applies it. A bad value is ignored
 * with a warning (upstream logs it and also falls back to the default).
 */
export function parseResponseTimeout(annotations: Annotations): Parsed<TimeoutPolicy | undefined> {
  let key = RESPONSE_TIMEOUT;
  let read = readAnnotation(annotations, key);
  if (read.value === undefined && read.warnings.length === 0) {
    key = REQUEST_TIMEOUT;
    read = readAnnotation(annotations, key);
  }
  if (read.value === undefined || read.value === "") return { value: undefined, warnings: read.warnings };
  const setting = parseTimeoutSetting(read.value);
  if (!setting.ok) {
    // A duration Envoy cannot take is an error (upstream would push it and have the route configuration rejected).
    const condition = invalidAnnotation("InvalidResponseTimeout", key, read.value, setting.error);
    return { value: undefined, warnings: [setting.outOfRange ? asError(condition) : condition] };
  }
  if (setting.ms === null) return { value: undefined, warnings: [] };
  return { value: { responseMs: setting.ms, idleMs: null }, warnings: [] };
}
