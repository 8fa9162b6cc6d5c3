// Upstream config-file keys that change what Envoy is sent, turned into the translator's options.
// Values arrive type-checked by parse-config-file.ts (and enumerations checked against upstream's);
// here they are converted, with upstream's own rules for timeouts and limits.
import type { CompressionAlgorithm, ServerHeaderTransformation, TimeoutMs, TranslateOptions } from "../../xds/translate/index.js";
import { formatProblem, jsonFieldMap } from "./access-log-format.js";
import { parseDuration } from "./duration.js";
import { readRateLimitService, readTracing } from "./extension-settings.js";
import { RECONCILE_KEYS } from "./reconcile-options.js";

/** A key of the upstream file that takes effect, as read: its value and where it came from. */
export interface AppliedValue {
  readonly value: unknown;
  /** e.g. "timeouts.request-timeout in /config/contour.yaml". */
  readonly source: string;
}

/** Applied upstream keys by dotted path ("timeouts.request-timeout"). */
export type AppliedValues = ReadonlyMap<string, AppliedValue>;

/** The translator's options from the applied upstream keys, or what is wrong with them. */
export interface EnvoyOptionsResult {
  readonly options: TranslateOptions;
  readonly errors: string[];
  readonly warnings: string[];
}

/** Upstream's timeout syntax: empty is Envoy's default, "infinity"/"infinite" (or 0) disables, else a Go duration. */
export function parseUpstreamTimeout(text: string): TimeoutMs | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (trimmed === "infinity" || trimmed === "infinite") return 0;
  const ms = parseDuration(trimmed);
  return ms === undefined || ms < 0 ? undefined : ms;
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The timeouts.* keys and the option each sets. */
const TIMEOUTS: Readonly<Record<string, keyof TranslateOptions>> = {
  "timeouts.request-timeout": "requestTimeoutMs",
  "timeouts.stream-idle-timeout": "streamIdleTimeoutMs",
  "timeouts.max-connection-duration": "maxConnectionDurationMs",
  "timeouts.delayed-close-timeout": "delayedCloseTimeoutMs",
  "timeouts.connection-shutdown-grace-period": "connectionShutdownGracePeriodMs",
};

/** Upstream keys whose value is a positive limit (upstream refuses 0), and the option each sets. */
const LIMITS: Readonly<Record<string, keyof TranslateOptions>> = {
  "listener.max-requests-per-connection": "maxRequestsPerConnection",
  "listener.per-connection-buffer-limit-bytes": "perConnectionBufferLimitBytes",
  "listener.http2-max-concurrent-streams": "http2MaxConcurrentStreams",
  "cluster.max-requests-per-connection": "clusterMaxRequestsPerConnection",
  "cluster.per-connection-buffer-limit-bytes": "clusterPerConnectionBufferLimitBytes",
};

/** Cipher names upstream Contour accepts in `tls.cipher-suites` (alone or in a `[a|b]` equal-preference group). */
const VALID_CIPHERS: ReadonlySet<string> = new Set([
  "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "AES128-GCM-SHA256", "AES128-SHA", "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA", "AES256-GCM-SHA384", "AES256-SHA",
]);

/** Whether a `tls.cipher-suites` entry is a cipher (or `[a|b]` group) upstream accepts. */
export function isValidCipher(spec: string): boolean {
  const group = spec.startsWith("[") && spec.endsWith("]") ? spec.slice(1, -1).split("|") : [spec];
  return group.every((c) => VALID_CIPHERS.has(c));
}

/** Builds the translator's options from the applied upstream keys. */
export function buildEnvoyOptions(applied: AppliedValues): EnvoyOptionsResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const options: Record<string, unknown> = {};
  for (const [key, { value, source }] of applied) {
    if (RECONCILE_KEYS.has(key)) continue;
    const option = TIMEOUTS[key];
    if (option !== undefined) {
      const ms = parseUpstreamTimeout(String(value));
      if (ms === undefined) errors.push(`${source}: must be a duration such as "30s", or "infinity"; got ${JSON.stringify(value)}`);
      else if (ms !== null) options[option] = ms;
      continue;
    }
    const limit = LIMITS[key];
    if (limit !== undefined) {
      if (value === 0) errors.push(`${source}: must be at least 1 (leave it out for Envoy's default)`);
      else if ((value as number) > 0xffff_ffff) errors.push(`${source}: must be at most ${0xffff_ffff}`);
      else options[limit] = value;
      continue;
    }
    switch (key) {
      case "timeouts.connection-idle-timeout": {
        const ms = parseUpstreamTimeout(String(value));
        if (ms === undefined) errors.push(`${source}: must be a duration such as "60s", or "infinity"; got ${JSON.stringify(value)}`);
        else if (ms !== null) options["connectionIdleTimeoutMs"] = ms;
        break;
      }
      case "compression.algorithm":
        options["compression"] = value as CompressionAlgorithm;
        break;
      case "serverHeaderTransformation":
        options["serverHeaderTransformation"] = value as ServerHeaderTransformation;
        break;
      case "disableMergeSlashes":
        options["mergeSlashes"] = value !== true;
        break;
      case "disableAllowChunkedLength":
        options["allowChunkedLength"] = value !== true;
        break;
      case "network.num-trusted-hops":
        if ((value as number) > 0xffff_ffff) errors.push(`${source}: must be at most ${0xffff_ffff}`);
        else options["numTrustedHops"] = value;
        break;
      case "network.strip-trailing-host-dot":
        options["stripTrailingHostDot"] = value === true;
        break;
      case "listener.connection-balancer":
        options["exactConnectionBalance"] = value === "exact";
        break;
      case "tls.minimum-protocol-version":
        if (value !== "") options["tlsMinimumProtocolVersion"] = String(value);
        break;
      case "tls.maximum-protocol-version":
        if (value !== "") options["tlsMaximumProtocolVersion"] = String(value);
        break;
      case "tls.cipher-suites": {
        // Envoy would refuse the whole listener over one unknown name: refused here instead, as upstream does.
        const suites = [...new Set((value as unknown[]).map((v) => String(v).trim()))];
        const invalid = suites.filter((c) => !isValidCipher(c));
        if (invalid.length > 0) errors.push(`${source}: invalid cipher suites ${JSON.stringify(invalid)}`);
        else if (suites.length > 0) options["tlsCipherSuites"] = suites;
        break;
      }
      case "accesslog-level":
        if (value === "disabled") options["accessLog"] = "off";
        else if (value === "error" || value === "critical") options["accessLogLevel"] = value;
        break;
      case "listener.socket-options.tos":
      case "listener.socket-options.traffic-class":
        if ((value as number) > 255) errors.push(`${source}: must be between 0 and 255`);
        else options[key.endsWith(".tos") ? "socketTos" : "socketTrafficClass"] = value;
        break;
      case "policy.request-headers.set":
      case "policy.response-headers.set":
      case "policy.request-headers.remove":
      case "policy.response-headers.remove": {
        const [, direction = "", part = ""] = key.split(".");
        const option = direction === "request-headers" ? "globalRequestHeaders" : "globalResponseHeaders";
        const policy = (options[option] as { set: { name: string; value: string }[]; remove: string[] } | undefined) ?? { set: [], remove: [] };
        if (part === "set") {
          const entries = Object.entries(value as Record<string, unknown>).map(([name, v]) => ({ name, value: String(v) }));
          const bad = entries.filter((h) => !HEADER_NAME.test(h.name));
          if (bad.length > 0) errors.push(`${source}: invalid header names ${JSON.stringify(bad.map((h) => h.name))}`);
          else policy.set = entries;
        } else {
          const names = (value as unknown[]).map(String);
          const bad = names.filter((n) => !HEADER_NAME.test(n));
          if (bad.length > 0) errors.push(`${source}: invalid header names ${JSON.stringify(bad)}`);
          else policy.remove = names;
        }
        options[option] = policy;
        break;
      }
      case "default-http-versions": {
        const versions = [...new Set((value as unknown[]).map(String))];
        const bad = versions.filter((v) => v !== "HTTP/1.1" && v !== "HTTP/2");
        if (bad.length > 0) errors.push(`${source}: must be "HTTP/1.1" and/or "HTTP/2"; got ${JSON.stringify(bad)}`);
        else if (versions.length > 0) options["httpVersions"] = versions;
        break;
      }
      case "policy.applyToIngress":
        options["globalHeadersApplyToIngress"] = value === true;
        break;
      case "accesslog-format-string": {
        const text = String(value);
        const problem = formatProblem(text);
        if (problem !== undefined) errors.push(`${source}: ${problem}`);
        // Envoy writes the format as is: without a final newline every line would run into the next.
        else if (text !== "") options["accessLogFormatString"] = text.endsWith("\n") ? text : `${text}\n`;
        break;
      }
      case "json-fields": {
        const result = jsonFieldMap((value as unknown[]).map(String));
        if ("problem" in result) errors.push(`${source}: ${result.problem}`);
        else if (Object.keys(result.fields).length > 0) options["accessLogJsonFields"] = result.fields;
        break;
      }
      case "rateLimitService":
      case "tracing": {
        const file = source.slice(`${key} in `.length);
        const read = key === "tracing" ? readTracing(value, file) : readRateLimitService(value, file);
        errors.push(...read.errors);
        if (read.value !== null) options[key] = read.value;
        break;
      }
      case "cluster.dns-lookup-family":
        // Clusters Envoy resolves itself (JWKS); the values were checked against upstream's list.
        if (value !== "") options["clusterDnsLookupFamily"] = String(value);
        break;
      default:
        // globalExtAuth.* is read by global-ext-auth.ts.
        if (key.startsWith("globalExtAuth.")) break;
        throw new Error(`BUG: upstream key ${key} is marked applied but has no mapping`);
    }
  }
  const min = options["tlsMinimumProtocolVersion"] ?? "1.2";
  const max = options["tlsMaximumProtocolVersion"] ?? "1.3";
  if (String(min) > String(max)) errors.push(`tls.minimum-protocol-version: ${String(min)} is above tls.maximum-protocol-version ${String(max)}`);
  return { options: options as TranslateOptions, errors, warnings };
}
