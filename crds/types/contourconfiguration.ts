// ContourConfiguration (projectcontour.io/v1alpha1): the settings of `contour serve` read from the
// cluster (`--contour-config-name`). Shapes match crds/projectcontour.io_contourconfigurations.yaml,
// which is upstream v1.33.6's schema field for field (apis/projectcontour/v1alpha1/contourconfig.go).
import type { KubernetesObject } from "@kubernetes/client-node";
import type { DetailedCondition } from "./detailed-condition.js";
import type { AuthorizationServer, GlobalRateLimitPolicy } from "./httpproxy.js";

/** A ContourConfiguration object. */
export interface ContourConfiguration extends KubernetesObject {
  readonly spec: ContourConfigurationSpec;
  readonly status?: ContourConfigurationStatus;
}

/** Namespace and name of an object the configuration refers to. */
export interface ConfigNamespacedName {
  readonly name: string;
  readonly namespace: string;
}

/** An address and port to listen on. */
export interface ConfigHealth {
  readonly address?: string;
  readonly port?: number;
}

/** TLS files of a metrics listener. */
export interface ConfigMetricsTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** The metrics listener. */
export interface ConfigMetrics {
  readonly address?: string;
  readonly port?: number;
  readonly tls?: ConfigMetricsTls;
}

/** TLS versions and TLS 1.2 ciphers (of the listeners, or towards backends). */
export interface ConfigEnvoyTls {
  readonly minimumProtocolVersion?: string;
  readonly maximumProtocolVersion?: string;
  readonly cipherSuites?: readonly string[];
}

/** Envoy's HTTP or HTTPS listener. */
export interface ConfigEnvoyListener {
  readonly address?: string;
  readonly port?: number;
  readonly accessLog?: string;
}

/** Values of every Envoy listener. */
export interface ConfigEnvoyListenerConfig {
  readonly useProxyProtocol?: boolean;
  readonly compression?: { readonly algorithm?: "gzip" | "brotli" | "zstd" | "disabled" };
  readonly disableAllowChunkedLength?: boolean;
  readonly disableMergeSlashes?: boolean;
  readonly serverHeaderTransformation?: string;
  readonly connectionBalancer?: string;
  readonly maxRequestsPerConnection?: number;
  readonly "per-connection-buffer-limit-bytes"?: number;
  readonly tls?: ConfigEnvoyTls;
  readonly socketOptions?: { readonly tos?: number; readonly trafficClass?: number };
  readonly maxRequestsPerIOCycle?: number;
  readonly httpMaxConcurrentStreams?: number;
  readonly maxConnectionsPerListener?: number;
}

/** Envoy's access log. */
export interface ConfigEnvoyLogging {
  readonly accessLogFormat?: string;
  readonly accessLogFormatString?: string;
  readonly accessLogJSONFields?: readonly string[];
  readonly accessLogLevel?: string;
}

/** Timeouts, each a Go duration or "infinity" (connectTimeout: a duration only). */
export interface ConfigTimeouts {
  readonly requestTimeout?: string;
  readonly connectionIdleTimeout?: string;
  readonly streamIdleTimeout?: string;
  readonly maxConnectionDuration?: string;
  readonly delayedCloseTimeout?: string;
  readonly connectionShutdownGracePeriod?: string;
  readonly connectTimeout?: string;
}

/** Default circuit-breaker thresholds of every Service cluster. */
export interface ConfigCircuitBreakers {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
  readonly perHostMaxConnections?: number;
}

/** Values of every upstream cluster. */
export interface ConfigCluster {
  readonly dnsLookupFamily?: string;
  readonly maxRequestsPerConnection?: number;
  readonly "per-connection-buffer-limit-bytes"?: number;
  readonly circuitBreakers?: ConfigCircuitBreakers;
  readonly upstreamTLS?: ConfigEnvoyTls;
}

/** Network values. */
export interface ConfigNetwork {
  readonly numTrustedHops?: number;
  readonly adminPort?: number;
  readonly stripTrailingHostDot?: boolean;
}

/** What Envoy is configured with. */
export interface ConfigEnvoy {
  readonly listener?: ConfigEnvoyListenerConfig;
  readonly service?: ConfigNamespacedName;
  readonly http?: ConfigEnvoyListener;
  readonly https?: ConfigEnvoyListener;
  readonly health?: ConfigHealth;
  readonly metrics?: ConfigMetrics;
  readonly clientCertificate?: ConfigNamespacedName;
  readonly logging?: ConfigEnvoyLogging;
  readonly defaultHTTPVersions?: readonly string[];
  readonly timeouts?: ConfigTimeouts;
  readonly cluster?: ConfigCluster;
  readonly network?: ConfigNetwork;
  readonly omEnforcedHealth?: ConfigHealth;
}

/** Headers set and removed on every route. */
export interface ConfigHeadersPolicy {
  readonly set?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

/** A custom tag of trace spans. */
export interface ConfigCustomTag {
  readonly tagName: string;
  readonly literal?: string;
  readonly requestHeaderName?: string;
}

/** Every setting a ContourConfiguration may hold. */
export interface ContourConfigurationSpec {
  readonly xdsServer?: {
    readonly address?: string;
    readonly port?: number;
    readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string; readonly insecure?: boolean };
  };
  readonly ingress?: { readonly classNames?: readonly string[]; readonly statusAddress?: string };
  readonly debug?: { readonly address?: string; readonly port?: number };
  readonly health?: ConfigHealth;
  readonly envoy?: ConfigEnvoy;
  readonly gateway?: { readonly gatewayRef: ConfigNamespacedName };
  readonly httpproxy?: { readonly disablePermitInsecure?: boolean; readonly rootNamespaces?: readonly string[]; readonly fallbackCertificate?: ConfigNamespacedName };
  readonly enableExternalNameService?: boolean;
  readonly globalExtAuth?: AuthorizationServer;
  readonly rateLimitService?: {
    readonly extensionService: ConfigNamespacedName;
    readonly domain?: string;
    readonly failOpen?: boolean;
    readonly enableXRateLimitHeaders?: boolean;
    readonly enableResourceExhaustedCode?: boolean;
    readonly defaultGlobalRateLimitPolicy?: GlobalRateLimitPolicy;
  };
  readonly policy?: { readonly requestHeaders?: ConfigHeadersPolicy; readonly responseHeaders?: ConfigHeadersPolicy; readonly applyToIngress?: boolean };
  readonly metrics?: ConfigMetrics;
  readonly tracing?: {
    readonly includePodDetail?: boolean;
    readonly serviceName?: string;
    readonly overallSampling?: string;
    readonly maxPathTagLength?: number;
    readonly customTags?: readonly ConfigCustomTag[];
    readonly extensionService: ConfigNamespacedName;
  };
  readonly featureFlags?: readonly string[];
}

/** What the controller reports: one `Valid` condition (normal-true), others left alone. */
export interface ContourConfigurationStatus {
  readonly conditions?: readonly DetailedCondition[];
}
