/**
 * The narrow set of settings translation needs from the configuration file, with upstream
 * Contour's defaults, resolved once so the concern files never repeat a default.
 */

/** Access log of the HTTP and TCP proxies: Envoy's default text format, JSON lines, or none. */
export type AccessLogFormat = "envoy" | "json" | "off";

/** Response compression of the HTTP listeners (upstream's `compression.algorithm`). */
export type CompressionAlgorithm = "gzip" | "brotli" | "zstd" | "disabled";

/** What Envoy does with the Server response header (upstream's `serverHeaderTransformation`). */
export type ServerHeaderTransformation = "overwrite" | "append_if_absent" | "pass_through";

/**
 * A timeout in milliseconds: 0 disables it; null leaves Envoy's own default (the field is not
 * emitted), as upstream does for a timeout its config file leaves empty.
 */
export type TimeoutMs = number | null;

/** Headers set on (or removed from) every request or response of the routes a global policy covers. */
export interface GlobalHeadersPolicy {
  readonly set: readonly { readonly name: string; readonly value: string }[];
  readonly remove: readonly string[];
}

/** Default circuit-breaker thresholds of every cluster (upstream's `cluster.circuit-breakers`); a Service's own win field by field. */
export interface CircuitBreakerDefaults {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
  readonly perHostMaxConnections?: number;
}

/** TLS versions and TLS 1.2 ciphers of Envoy's connections to backends (upstream's `cluster.upstream-tls`). */
export interface UpstreamTlsOptions {
  readonly minimumProtocolVersion?: "1.2" | "1.3";
  readonly maximumProtocolVersion?: "1.2" | "1.3";
  readonly cipherSuites?: readonly string[];
}

/** An ExtensionService by namespace and name: Envoy calls it through the cluster `extension/<namespace>/<name>`. */
export interface ExtensionServiceRef {
  readonly namespace: string;
  readonly name: string;
}

/** How Envoy calls an ExtensionService, read from its cluster in the model by translateModel. */
export interface ExtensionCall {
  /** `extension/<namespace>/<name>`. */
  readonly cluster: string;
  /** The :authority of the calls: the ExtensionService's subject name, else the cluster name with dots. */
  readonly authority: string;
  /** timeoutPolicy.response; null: the caller's default. */
  readonly timeoutMs: number | null;
}

/** The config file's rateLimitService: Envoy's global rate limit filter and the service it asks. */
export interface RateLimitServiceOptions {
  readonly extensionService: ExtensionServiceRef;
  /** The rate limit service's domain of the descriptors (default "contour", as upstream). */
  readonly domain: string;
  /** Let requests through when the service fails or cannot be reached (default false: answer 500). */
  readonly failOpen: boolean;
  /** Add X-RateLimit-* response headers (IETF draft 03). */
  readonly enableXRateLimitHeaders: boolean;
  /** Answer gRPC RESOURCE_EXHAUSTED instead of UNAVAILABLE to rate-limited gRPC requests. */
  readonly enableResourceExhaustedCode: boolean;
  /**
   * Descriptors for every HTTPProxy virtual host without a global policy of its own (read by the
   * HTTPProxy reconciler, not by translation; the CRD's GlobalRateLimitPolicy shape).
   */
  readonly defaultGlobalRateLimitPolicy?: unknown;
  /** Filled by translateModel when the model holds the ExtensionService's cluster; without it no filter is emitted. */
  readonly call?: ExtensionCall;
}

/** A custom tag of every span: a literal value or a request header's. */
export type TracingCustomTag =
  | { readonly tagName: string; readonly literal: string }
  | { readonly tagName: string; readonly requestHeaderName: string };

/** The config file's tracing: Envoy's OpenTelemetry tracer, exporting to an ExtensionService over OTLP/gRPC. */
export interface TracingOptions {
  readonly extensionService: ExtensionServiceRef;
  /** service.name of the spans (default "contour"). */
  readonly serviceName: string;
  /** Percentage of requests traced, 0-100 (default 100). */
  readonly overallSamplingPercent: number;
  /** Longest http.url tag (default 256). */
  readonly maxPathTagLength: number;
  /** Add the pod's name and namespace as tags (default true, as upstream). */
  readonly includePodDetail: boolean;
  readonly customTags: readonly TracingCustomTag[];
  /** Filled by translateModel when the model holds the ExtensionService's cluster; without it no tracing is configured. */
  readonly call?: ExtensionCall;
}

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
  /** Merge adjacent slashes of the path before routing (default true; upstream's `disableMergeSlashes` turns it off). */
  readonly mergeSlashes?: boolean;
  /** Compress responses with this algorithm (default gzip, as upstream). */
  readonly compression?: CompressionAlgorithm;
  /** The Server response header (default overwrite: Envoy names itself). */
  readonly serverHeaderTransformation?: ServerHeaderTransformation;
  /** Whole-request timeout of the HCM (default 0: none, per-route timeouts govern). */
  readonly requestTimeoutMs?: TimeoutMs;
  /** Idle time allowed on one stream (default null: Envoy's 5 min). */
  readonly streamIdleTimeoutMs?: TimeoutMs;
  /** Longest life of a downstream connection (default null: unlimited). */
  readonly maxConnectionDurationMs?: TimeoutMs;
  /** Wait for the peer to close after Envoy's last write (default null: Envoy's 1 s). */
  readonly delayedCloseTimeoutMs?: TimeoutMs;
  /** Between Envoy's GOAWAY "draining" notice and the final one (default null: Envoy's 5 s). */
  readonly connectionShutdownGracePeriodMs?: TimeoutMs;
  /** Connect timeout of upstream clusters that do not set their own, in ms (default 2 s). */
  readonly connectTimeoutMs?: number;
  /** Allow HTTP/1.1 requests carrying both Content-Length and chunked encoding (default true, as upstream). */
  readonly allowChunkedLength?: boolean;
  /** Proxies in front of Envoy whose X-Forwarded-For entries are trusted (default 0). */
  readonly numTrustedHops?: number;
  /** Requests one downstream connection may carry before it is closed (default null: unlimited). */
  readonly maxRequestsPerConnection?: number | null;
  /** HTTP/2 concurrent streams per downstream connection (default null: Envoy's). */
  readonly http2MaxConcurrentStreams?: number | null;
  /** Buffer limit of each downstream connection in bytes (default null: Envoy's 1 MiB). */
  readonly perConnectionBufferLimitBytes?: number | null;
  /** Balance accepted connections exactly across Envoy's worker threads (default false). */
  readonly exactConnectionBalance?: boolean;
  /** Strip a trailing dot from the Host header before routing (default false). */
  readonly stripTrailingHostDot?: boolean;
  /** Requests one upstream connection may carry (upstream's `cluster.max-requests-per-connection`; default null: unlimited). */
  readonly clusterMaxRequestsPerConnection?: number | null;
  /** Buffer limit of each upstream connection in bytes (default null: Envoy's 1 MiB). */
  readonly clusterPerConnectionBufferLimitBytes?: number | null;
  /** Circuit breakers of every cluster whose Service sets none of its own (default null: Envoy's). */
  readonly clusterCircuitBreakers?: CircuitBreakerDefaults | null;
  /** TLS parameters towards backends (default null: Envoy's client defaults, TLS 1.2 to 1.3). */
  readonly upstreamTls?: UpstreamTlsOptions | null;
  /** DNS lookup family of clusters Envoy resolves itself (upstream's `cluster.dns-lookup-family`; default "auto"). */
  readonly clusterDnsLookupFamily?: "auto" | "v4" | "v6" | "all";
  /** Lowest TLS version any secure host accepts; a host may ask for more, never less (default 1.2). */
  readonly tlsMinimumProtocolVersion?: "1.2" | "1.3";
  /** Highest TLS version any secure host accepts (default 1.3). */
  readonly tlsMaximumProtocolVersion?: "1.2" | "1.3";
  /** TLS 1.2 cipher suites of every secure host (default null: upstream Contour's list). */
  readonly tlsCipherSuites?: readonly string[] | null;
  /** Which requests are logged: all, responses >= 300, or >= 500 (default "info": all). */
  readonly accessLogLevel?: "info" | "error" | "critical";
  /** Envoy text format of the "envoy" access log (default null: Envoy's default line). */
  readonly accessLogFormatString?: string | null;
  /** Fields of the "json" access log, name to Envoy format (default null: upstream's default fields). */
  readonly accessLogJsonFields?: Readonly<Record<string, string>> | null;
  /** IPv4 TOS byte of the listeners' sockets (default 0: not set). */
  readonly socketTos?: number;
  /** IPv6 traffic class of the listeners' sockets (default 0: not set). */
  readonly socketTrafficClass?: number;
  /** upstream's `policy.request-headers`: on every HTTPProxy route unless the route sets the same header (default null). */
  readonly globalRequestHeaders?: GlobalHeadersPolicy | null;
  /** upstream's `policy.response-headers` (default null). */
  readonly globalResponseHeaders?: GlobalHeadersPolicy | null;
  /** Apply the global policies to Ingress routes too (default false). */
  readonly globalHeadersApplyToIngress?: boolean;
  /** HTTP versions served to clients (upstream's `default-http-versions`; default both: the codec detects, ALPN offers h2 then http/1.1). */
  readonly httpVersions?: readonly ("HTTP/1.1" | "HTTP/2")[];
  /** Global rate limiting (upstream's `rateLimitService`; default null: no rate limit filter). */
  readonly rateLimitService?: RateLimitServiceOptions | null;
  /** Tracing (upstream's `tracing`; default null: none). */
  readonly tracing?: TracingOptions | null;
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
    mergeSlashes: options.mergeSlashes ?? true,
    compression: options.compression ?? "gzip",
    serverHeaderTransformation: options.serverHeaderTransformation ?? "overwrite",
    requestTimeoutMs: options.requestTimeoutMs === undefined ? 0 : options.requestTimeoutMs,
    streamIdleTimeoutMs: options.streamIdleTimeoutMs ?? null,
    maxConnectionDurationMs: options.maxConnectionDurationMs ?? null,
    delayedCloseTimeoutMs: options.delayedCloseTimeoutMs ?? null,
    connectionShutdownGracePeriodMs: options.connectionShutdownGracePeriodMs ?? null,
    connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
    allowChunkedLength: options.allowChunkedLength ?? true,
    numTrustedHops: options.numTrustedHops ?? 0,
    maxRequestsPerConnection: options.maxRequestsPerConnection ?? null,
    http2MaxConcurrentStreams: options.http2MaxConcurrentStreams ?? null,
    perConnectionBufferLimitBytes: options.perConnectionBufferLimitBytes ?? null,
    exactConnectionBalance: options.exactConnectionBalance ?? false,
    stripTrailingHostDot: options.stripTrailingHostDot ?? false,
    clusterMaxRequestsPerConnection: options.clusterMaxRequestsPerConnection ?? null,
    clusterPerConnectionBufferLimitBytes: options.clusterPerConnectionBufferLimitBytes ?? null,
    clusterCircuitBreakers: options.clusterCircuitBreakers ?? null,
    upstreamTls: options.upstreamTls ?? null,
    clusterDnsLookupFamily: options.clusterDnsLookupFamily ?? "auto",
    tlsMinimumProtocolVersion: options.tlsMinimumProtocolVersion ?? "1.2",
    tlsMaximumProtocolVersion: options.tlsMaximumProtocolVersion ?? "1.3",
    tlsCipherSuites: options.tlsCipherSuites ?? null,
    accessLogLevel: options.accessLogLevel ?? "info",
    accessLogFormatString: options.accessLogFormatString ?? null,
    accessLogJsonFields: options.accessLogJsonFields ?? null,
    socketTos: options.socketTos ?? 0,
    socketTrafficClass: options.socketTrafficClass ?? 0,
    globalRequestHeaders: options.globalRequestHeaders ?? null,
    globalResponseHeaders: options.globalResponseHeaders ?? null,
    globalHeadersApplyToIngress: options.globalHeadersApplyToIngress ?? false,
    rateLimitService: options.rateLimitService ?? null,
    tracing: options.tracing ?? null,
    httpVersions: options.httpVersions === undefined || options.httpVersions.length === 0 ? ["HTTP/1.1", "HTTP/2"] : options.httpVersions,
  };
}
