// Upstream config-file keys about clusters and reconciling: the connect timeout, default circuit
// breakers, TLS towards backends, and disablePermitInsecure. Values arrive type-checked by
// parse-config-file.ts; here they are converted with upstream's rules.
import type { CircuitBreakerDefaults, TranslateOptions, UpstreamTlsOptions } from "../../xds/translate/index.js";
import type { AppliedValues } from "./envoy-options.js";
import { parseDuration } from "./duration.js";
import { isValidCipher } from "./envoy-options.js";

/** What reconcilers (not translation) take from the file. */
export interface ReconcileOptions {
  /** Ignore HTTPProxy routes' permitInsecure: a TLS host always redirects plain HTTP (upstream's `disablePermitInsecure`). */
  readonly disablePermitInsecure: boolean;
  /** The Secret Envoy presents to TLS backends (upstream's `tls.envoy-client-certificate`); undefined: none. */
  readonly envoyClientCertificate?: { readonly namespace: string; readonly name: string } | undefined;
}

/** The keys this module turns into options; the rest go to envoy-options.ts. */
export function isClusterOptionKey(key: string): boolean {
  return key === "timeouts.connect-timeout" || key === "disablePermitInsecure" || key.startsWith("tls.envoy-client-certificate.") || key.startsWith("cluster.circuit-breakers.") || key.startsWith("cluster.upstream-tls.");
}

const BREAKERS: Readonly<Record<string, keyof CircuitBreakerDefaults>> = {
  "cluster.circuit-breakers.max-connections": "maxConnections",
  "cluster.circuit-breakers.max-pending-requests": "maxPendingRequests",
  "cluster.circuit-breakers.max-requests": "maxRequests",
  "cluster.circuit-breakers.max-retries": "maxRetries",
  "cluster.circuit-breakers.per-host-max-connections": "perHostMaxConnections",
};

/** Translation and reconcile options from the applied keys this module owns, or what is wrong with them. */
export function buildClusterOptions(applied: AppliedValues): { translate: TranslateOptions; reconcile: ReconcileOptions; errors: string[] } {
  const errors: string[] = [];
  const translate: { -readonly [K in keyof TranslateOptions]: TranslateOptions[K] } = {};
  const breakers: { -readonly [K in keyof CircuitBreakerDefaults]: number } = {};
  const tls: { minimumProtocolVersion?: "1.2" | "1.3"; maximumProtocolVersion?: "1.2" | "1.3"; cipherSuites?: string[] } = {};
  let disablePermitInsecure = false;
  const clientCert: { namespace?: string; name?: string; source?: string } = {};
  for (const [key, { value, source }] of applied) {
    if (!isClusterOptionKey(key)) continue;
    const breaker = BREAKERS[key];
    if (breaker !== undefined) {
      // As upstream: 0 leaves Envoy's default (and a Service annotation still wins over any of these).
      if ((value as number) > 0xffff_ffff) errors.push(`${source}: must be at most ${0xffff_ffff}`);
      else if ((value as number) > 0) breakers[breaker] = value as number;
      continue;
    }
    switch (key) {
      case "timeouts.connect-timeout": {
        // A plain Go duration: "infinity" means nothing for a connect timeout, and upstream refuses it.
        const text = String(value).trim();
        const ms = parseDuration(text);
        if (text !== "" && ms === undefined) errors.push(`${source}: must be a duration such as "2s"; got ${JSON.stringify(value)}`);
        else if (ms !== undefined && ms > 0) translate.connectTimeoutMs = ms;
        break;
      }
      case "tls.envoy-client-certificate.name":
        clientCert.name = String(value).trim();
        clientCert.source = source;
        break;
      case "tls.envoy-client-certificate.namespace":
        clientCert.namespace = String(value).trim();
        clientCert.source ??= source;
        break;
      case "disablePermitInsecure":
        disablePermitInsecure = value === true;
        break;
      case "cluster.upstream-tls.minimum-protocol-version":
        if (value !== "") tls.minimumProtocolVersion = value as "1.2" | "1.3";
        break;
      case "cluster.upstream-tls.maximum-protocol-version":
        if (value !== "") tls.maximumProtocolVersion = value as "1.2" | "1.3";
        break;
      case "cluster.upstream-tls.cipher-suites": {
        const suites = [...new Set((value as unknown[]).map((v) => String(v).trim()))];
        const invalid = suites.filter((c) => !isValidCipher(c));
        if (invalid.length > 0) errors.push(`${source}: invalid cipher suites ${JSON.stringify(invalid)}`);
        else if (suites.length > 0) tls.cipherSuites = suites;
        break;
      }
      default:
        throw new Error(`BUG: cluster option ${key} has no mapping`);
    }
  }
  if ((tls.minimumProtocolVersion ?? "1.2") > (tls.maximumProtocolVersion ?? "1.3")) {
    errors.push(`cluster.upstream-tls.minimum-protocol-version: ${tls.minimumProtocolVersion ?? "1.2"} is above cluster.upstream-tls.maximum-protocol-version ${tls.maximumProtocolVersion ?? "1.3"}`);
  }
  let envoyClientCertificate: ReconcileOptions["envoyClientCertificate"];
  if (clientCert.name !== undefined || clientCert.namespace !== undefined) {
    // Upstream needs both: the Secret is the operator's, found in no object's namespace.
    if (!clientCert.name || !clientCert.namespace) errors.push(`${clientCert.source ?? "tls.envoy-client-certificate"}: needs both name and namespace`);
    else envoyClientCertificate = { namespace: clientCert.namespace, name: clientCert.name };
  }
  if (Object.keys(breakers).length > 0) translate.clusterCircuitBreakers = breakers;
  if (Object.keys(tls).length > 0) translate.upstreamTls = tls as UpstreamTlsOptions;
  return { translate, reconcile: { disablePermitInsecure, ...(envoyClientCertificate === undefined ? {} : { envoyClientCertificate }) }, errors };
}
