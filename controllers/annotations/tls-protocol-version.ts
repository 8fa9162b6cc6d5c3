import type { Condition } from "../store/fragment.js";
import { warningCondition } from "../store/conditions.js";
import { CONTOUR_PREFIX, invalidAnnotation, readAnnotation, type Annotations, type Parsed } from "./annotation-value.js";

/** Lowest TLS version a secure virtual host accepts. */
export const TLS_MINIMUM_PROTOCOL_VERSION = `${CONTOUR_PREFIX}tls-minimum-protocol-version`;

/** Highest TLS version a secure virtual host accepts. */
export const TLS_MAXIMUM_PROTOCOL_VERSION = `${CONTOUR_PREFIX}tls-maximum-protocol-version`;

/** A TLS version the model can express. */
export type TlsVersion = "1.2" | "1.3";

/** The TLS version range of an Ingress's secure virtual hosts. */
export interface TlsVersionRange {
  readonly minimum: TlsVersion;
  readonly maximum: TlsVersion;
}

/**
 * Upstream's annotation.TLSVersion: "1.2" or "1.3", otherwise the default (minimum 1.2, maximum 1.3).
 * Unlike upstream, an unknown value is reported, and an inverted range (1.3 to 1.2), which Envoy
 * would reject, falls back to the defaults.
 */
export function parseTlsVersions(annotations: Annotations): Parsed<TlsVersionRange> {
  const warnings: Condition[] = [];
  const minimum = version(annotations, TLS_MINIMUM_PROTOCOL_VERSION, "1.2", warnings);
  const maximum = version(annotations, TLS_MAXIMUM_PROTOCOL_VERSION, "1.3", warnings);
  if (minimum === "1.3" && maximum === "1.2") {
    warnings.push(warningCondition("InvalidTLSProtocolVersion", `annotations ${JSON.stringify(TLS_MINIMUM_PROTOCOL_VERSION)} 1.3 and ${JSON.stringify(TLS_MAXIMUM_PROTOCOL_VERSION)} 1.2 leave no version; defaults used`));
    return { value: { minimum: "1.2", maximum: "1.3" }, warnings };
  }
  return { value: { minimum, maximum }, warnings };
}

function version(annotations: Annotations, key: string, fallback: TlsVersion, warnings: Condition[]): TlsVersion {
  const read = readAnnotation(annotations, key);
  warnings.push(...read.warnings);
  if (read.value === undefined || read.value === "") return fallback;
  if (read.value === "1.2" || read.value === "1.3") return read.value;
  warnings.push(invalidAnnotation("InvalidTLSProtocolVersion", key, read.value, 'is not "1.2" or "1.3"'));
  return fallback;
}
