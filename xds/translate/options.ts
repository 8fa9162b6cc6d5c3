/**
 * The narrow set of settings translation needs from the configuration file, with upstream
 * Contour's defaults, resolved once so the concern files never repeat a default.
 */

/** Access log of the HTTP and TCP proxies: Envoy's default text format, JSON lines, or none. */
export type AccessLogFormat = "envoy" | "json" | "off";

/** Settings of translateModel; every field is optional and defaults as upstream Contour does. */
export interface TranslateOptions {
  /** Address the plain-HTTP listener binds (default 0.0.0.0). */
  readonly httpAddress?: string;
  /** Port of the plain-HTTP listener (default 8080). */
  readonly httpPort?: number;
  /** Address the TLS listener binds (default 0.0.0.0). */
  readonly httpsAddress?: string;
  /** Port of the TLS listener (default 8443). */
  readonly httpsPort?: number;
  /** Access log format, written to Envoy's stdout (default "envoy"). */
  readonly accessLog?: AccessLogFormat;
  /** Expect a PROXY protocol header on every accepted connection (default false). */
  readonly useProxyProtocol?: boolean;
  /** How long a downstream connection may stay open without requests, in ms (default 60 s). */
  readonly connectionIdleTimeoutMs?: number;
}

/** TranslateOptions with every default filled in. */
export type ResolvedOptions = Required<TranslateOptions>;

/** Fills in defaults. */
export function resolveOptions(options: TranslateOptions = {}): ResolvedOptions {
  return {
    httpAddress: options.httpAddress ?? "0.0.0.0",
    httpPort: options.httpPort ?? 8080,
    httpsAddress: options.httpsAddress ?? "0.0.0.0",
    httpsPort: options.httpsPort ?? 8443,
    accessLog: options.accessLog ?? "envoy",
    useProxyProtocol: options.useProxyProtocol ?? false,
    connectionIdleTimeoutMs: options.connectionIdleTimeoutMs ?? 60_000,
  };
}
