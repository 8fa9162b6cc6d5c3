// The config file's rateLimitService and tracing (upstream's pkg/config/parameters.go RateLimitService and
// Tracing, with serve.go's defaults): both name an ExtensionService as <namespace>/<name>, which Envoy calls
// through its cluster. Read whole here so every unknown key and bad value is reported with its path.
import type { RateLimitServiceOptions, TracingCustomTag, TracingOptions } from "../../xds/translate/index.js";
import { globalPolicy } from "../../controllers/httpproxy/global-rate-limit.js";
import { isDns1123Label, isDns1123Subdomain } from "./names.js";
import { didYouMean } from "./suggest.js";

/** A value read, or what is wrong with it. */
export type ReadResult<T> = { readonly value: T | null; readonly errors: readonly string[] };

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/u;

const RATE_LIMIT_KEYS = ["extensionService", "domain", "failOpen", "enableXRateLimitHeaders", "enableResourceExhaustedCode", "defaultGlobalRateLimitPolicy"];
const TRACING_KEYS = ["includePodDetail", "serviceName", "overallSampling", "maxPathTagLength", "customTags", "extensionService"];

/** Reads `rateLimitService` of the file `source`; null when it names no extensionService (upstream then configures nothing). */
export function readRateLimitService(value: unknown, source: string): ReadResult<RateLimitServiceOptions> {
  const errors: string[] = [];
  const map = asMap(value, source, RATE_LIMIT_KEYS, "rateLimitService", errors);
  if (map === undefined) return { value: null, errors };
  const text = (key: string): string => stringAt(map, key, `rateLimitService.${key} in ${source}`, errors);
  const flag = (key: string): boolean => boolAt(map, key, `rateLimitService.${key} in ${source}`, errors);
  const ref = text("extensionService");
  const domain = text("domain");
  const failOpen = flag("failOpen");
  const enableXRateLimitHeaders = flag("enableXRateLimitHeaders");
  const enableResourceExhaustedCode = flag("enableResourceExhaustedCode");
  const policy = map["defaultGlobalRateLimitPolicy"];
  if (policy !== undefined && policy !== null && !isMap(policy)) errors.push(`rateLimitService.defaultGlobalRateLimitPolicy in ${source}: must be a map (a GlobalRateLimitPolicy: disabled, descriptors)`);
  // Refused here rather than, as upstream, made an error condition of every HTTPProxy that would use it.
  const read = isMap(policy) ? globalPolicy(policy, "rateLimitService.defaultGlobalRateLimitPolicy") : undefined;
  if (read !== undefined && !read.ok) errors.push(`${read.problem} (in ${source})`);
  if (ref === "") {
    if (Object.keys(map).some((k) => map[k] !== null && map[k] !== undefined)) errors.push(`rateLimitService.extensionService in ${source}: must be set to <namespace>/<name> of an ExtensionService`);
    return { value: null, errors };
  }
  const extensionService = namespacedName(ref, `rateLimitService.extensionService in ${source}`, errors);
  // Envoy's rate limit filter refuses an empty domain (upstream would send it and have the listener refused).
  if (domain === "") errors.push(`rateLimitService.domain in ${source}: must be set (the domain of the rate limit service's descriptor config)`);
  if (errors.length > 0 || extensionService === undefined) return { value: null, errors };
  return {
    value: {
      extensionService,
      domain,
      failOpen,
      enableXRateLimitHeaders,
      enableResourceExhaustedCode,
      ...(isMap(policy) ? { defaultGlobalRateLimitPolicy: policy } : {}),
    },
    errors,
  };
}

/** Reads `tracing` of the file `source`; null when absent. */
export function readTracing(value: unknown, source: string): ReadResult<TracingOptions> {
  const errors: string[] = [];
  const map = asMap(value, source, TRACING_KEYS, "tracing", errors);
  if (map === undefined) return { value: null, errors };
  const ref = stringAt(map, "extensionService", `tracing.extensionService in ${source}`, errors);
  if (ref === "") {
    errors.push(`tracing.extensionService in ${source}: must be defined`);
    return { value: null, errors };
  }
  const extensionService = namespacedName(ref, `tracing.extensionService in ${source}`, errors);
  const includePodDetail = map["includePodDetail"] === undefined || map["includePodDetail"] === null ? true : boolAt(map, "includePodDetail", `tracing.includePodDetail in ${source}`, errors);
  const serviceName = stringAt(map, "serviceName", `tracing.serviceName in ${source}`, errors) || "contour";
  // Upstream: anything that does not parse as a number, or 0, means 100.
  const samplingText = stringAt(map, "overallSampling", `tracing.overallSampling in ${source}`, errors);
  const parsed = samplingText === "" ? NaN : Number(samplingText);
  const overallSamplingPercent = Number.isFinite(parsed) && parsed !== 0 ? parsed : 100;
  if (overallSamplingPercent < 0 || overallSamplingPercent > 100) errors.push(`tracing.overallSampling in ${source}: must be between 0 and 100, got ${JSON.stringify(samplingText)}`);
  let maxPathTagLength = 256;
  const rawLength = map["maxPathTagLength"];
  if (rawLength !== undefined && rawLength !== null) {
    if (Number.isInteger(rawLength) && (rawLength as number) >= 0 && (rawLength as number) <= 0xffff_ffff) maxPathTagLength = rawLength as number;
    else errors.push(`tracing.maxPathTagLength in ${source}: must be a whole number, got ${JSON.stringify(rawLength)}`);
  }
  const customTags = readCustomTags(map["customTags"], source, errors);
  if (errors.length > 0 || extensionService === undefined) return { value: null, errors };
  return { value: { extensionService, serviceName, overallSamplingPercent, maxPathTagLength, includePodDetail, customTags }, errors };
}

// Upstream's Tracing.Validate: a tagName each, unique, and exactly one of literal and requestHeaderName.
function readCustomTags(value: unknown, source: string, errors: string[]): TracingCustomTag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push(`tracing.customTags in ${source}: must be a list of {tagName, literal | requestHeaderName}`);
    return [];
  }
  const tags: TracingCustomTag[] = [];
  const names = new Set<string>();
  for (const [i, raw] of value.entries()) {
    const field = `tracing.customTags[${i}]`;
    const map = asMap(raw, source, ["tagName", "literal", "requestHeaderName"], field, errors);
    if (map === undefined) continue;
    const tagName = stringAt(map, "tagName", `${field}.tagName in ${source}`, errors);
    const literal = stringAt(map, "literal", `${field}.literal in ${source}`, errors);
    const header = stringAt(map, "requestHeaderName", `${field}.requestHeaderName in ${source}`, errors);
    if (tagName === "") errors.push(`${field}.tagName in ${source}: must be defined`);
    else if (names.has(tagName)) errors.push(`${field}.tagName in ${source}: tagName ${tagName} is duplicate`);
    names.add(tagName);
    if ((literal === "") === (header === "")) errors.push(`${field} in ${source}: must set exactly one of literal and requestHeaderName`);
    else if (header !== "" && !HEADER_NAME.test(header)) errors.push(`${field}.requestHeaderName in ${source}: ${JSON.stringify(header)} is not a valid HTTP header name`);
    else if (tagName !== "") tags.push(literal !== "" ? { tagName, literal } : { tagName, requestHeaderName: header });
  }
  return tags;
}

function namespacedName(text: string, source: string, errors: string[]): { namespace: string; name: string } | undefined {
  const parts = text.split("/");
  const [namespace = "", name = ""] = parts;
  if (parts.length !== 2 || !isDns1123Label(namespace) || !isDns1123Subdomain(name)) {
    errors.push(`${source}: must be <namespace>/<name> of an ExtensionService, got ${JSON.stringify(text)}`);
    return undefined;
  }
  return { namespace, name };
}

function asMap(value: unknown, source: string, keys: readonly string[], path: string, errors: string[]): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) {
    errors.push(`${path} in ${source}: must be a map`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) errors.push(`${source}: unknown setting "${path}.${key}"${didYouMean(key, keys, `${path}.`)}`);
  }
  return value;
}

function stringAt(map: Record<string, unknown>, key: string, path: string, errors: string[]): string {
  const v = map[key];
  if (v === undefined || v === null) return "";
  if (typeof v === "string" || typeof v === "number") return String(v).trim();
  errors.push(`${path}: must be a string, got ${JSON.stringify(v)}`);
  return "";
}

function boolAt(map: Record<string, unknown>, key: string, path: string, errors: string[]): boolean {
  const v = map[key];
  if (v === undefined || v === null) return false;
  if (typeof v === "boolean") return v;
  errors.push(`${path}: must be true or false, got ${JSON.stringify(v)}`);
  return false;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
