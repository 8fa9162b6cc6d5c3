// HTTPProxy (projectcontour.io/v1): the whole upstream v1 API as TypeScript. Shapes match
// crds/projectcontour.io_httpproxies.yaml (crds.test.ts checks both ways); a field the schema
// requires is required here too. Enumerations are exported as value lists: the schema uses them.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { DetailedCondition } from "./detailed-condition.js";

/** An HTTPProxy object. */
export interface HTTPProxy extends KubernetesObject {
  readonly spec: HTTPProxySpec;
  readonly status?: HTTPProxyStatus;
}

/** What an HTTPProxy asks for. A virtualhost makes it a root; otherwise it must be included. */
export interface HTTPProxySpec {
  readonly virtualhost?: VirtualHost;
  /** HTTP routes; ignored when tcpproxy is set. */
  readonly routes?: readonly Route[];
  readonly tcpproxy?: TCPProxy;
  /** Other HTTPProxies whose routes are appended under the given conditions. */
  readonly includes?: readonly Include[];
  /** The ingress class; the kubernetes.io/ingress.class annotation, when present, wins. */
  readonly ingressClassName?: string;
}

// ---------------------------------------------------------------------------------------------
// Enumerations

/** Backend protocols a service may be reached with. */
export const UPSTREAM_PROTOCOLS = ["h2", "h2c", "tls"] as const;
/** h2 (HTTP/2 over TLS), h2c (cleartext HTTP/2) or tls (HTTP/1.1 over TLS). */
export type UpstreamProtocol = (typeof UPSTREAM_PROTOCOLS)[number];

/** Load-balancing strategies. */
export const LOAD_BALANCER_STRATEGIES = ["RoundRobin", "WeightedLeastRequest", "Random", "Cookie", "RequestHash"] as const;
/** A load-balancing strategy; RoundRobin is the default. */
export type LoadBalancerStrategy = (typeof LOAD_BALANCER_STRATEGIES)[number];

/** Conditions a retry policy may retry on: Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on values. */
export const RETRY_ON_VALUES = [
  "5xx",
  "gateway-error",
  "reset",
  "reset-before-request",
  "connect-failure",
  "envoy-ratelimited",
  "retriable-4xx",
  "refused-stream",
  "retriable-status-codes",
  "retriable-headers",
  "http3-post-connect-failure",
  "cancelled",
  "deadline-exceeded",
  "internal",
  "resource-exhausted",
  "unavailable",
] as const;
/** One retry condition. */
export type RetryOn = (typeof RETRY_ON_VALUES)[number];

/** Status codes of a redirect. */
export const REDIRECT_RESPONSE_CODES = [301, 302, 303, 307, 308] as const;
/** 301, 302, 303, 307 or 308. */
export type RedirectResponseCode = (typeof REDIRECT_RESPONSE_CODES)[number];

/** Schemes a redirect may switch to. */
export const REDIRECT_SCHEMES = ["http", "https"] as const;
/** http or https. */
export type RedirectScheme = (typeof REDIRECT_SCHEMES)[number];

/** When an internal redirect may change scheme. */
export const CROSS_SCHEME_REDIRECTS = ["Always", "Never", "SafeOnly"] as const;
/** Always, Never (default) or SafeOnly (an https request may be redirected to http or https, an http one only to http). */
export type CrossSchemeRedirect = (typeof CROSS_SCHEME_REDIRECTS)[number];

/** Which address an IP filter looks at. */
export const IP_FILTER_SOURCES = ["Peer", "Remote"] as const;
/** Peer: the connection's address; Remote: the client's, after PROXY protocol and X-Forwarded-For. */
export type IPFilterSource = (typeof IP_FILTER_SOURCES)[number];

/** Periods of a local rate limit. */
export const RATE_LIMIT_UNITS = ["second", "minute", "hour"] as const;
/** second, minute or hour. */
export type RateLimitUnit = (typeof RATE_LIMIT_UNITS)[number];

/** SameSite values a cookie may be rewritten to. */
export const COOKIE_SAME_SITE_VALUES = ["Strict", "Lax", "None"] as const;
/** Strict, Lax or None. */
export type CookieSameSite = (typeof COOKIE_SAME_SITE_VALUES)[number];

/** DNS address families for fetching a remote JWKS. */
export const DNS_LOOKUP_FAMILIES = ["auto", "v4", "v6"] as const;
/** auto (IPv6 then IPv4), v4 or v6. */
export type DNSLookupFamily = (typeof DNS_LOOKUP_FAMILIES)[number];

// ---------------------------------------------------------------------------------------------
// Includes and match conditions

/** Another HTTPProxy whose routes are included, with conditions prepended to each of them. */
export interface Include {
  readonly name: string;
  /** Defaults to the including HTTPProxy's namespace. */
  readonly namespace?: string;
  /** At most one prefix; exact and regex are not allowed on includes. */
  readonly conditions?: readonly MatchCondition[];
}

/** One request match; a list of them is ANDed. Set one of the fields. */
export interface MatchCondition {
  readonly prefix?: string;
  /** Not allowed on includes. */
  readonly exact?: string;
  /** Not allowed on includes. */
  readonly regex?: string;
  readonly header?: HeaderMatchCondition;
  readonly queryParameter?: QueryParameterMatchCondition;
}

/** A header match: name plus one of the matchers. */
export interface HeaderMatchCondition {
  /** Case-insensitive header name. */
  readonly name: string;
  readonly present?: boolean;
  readonly notpresent?: boolean;
  readonly contains?: string;
  readonly notcontains?: string;
  /** Case-insensitive string matching (no effect on regex). */
  readonly ignoreCase?: boolean;
  readonly exact?: string;
  readonly notexact?: string;
  readonly regex?: string;
  /** For negative matchers only: a missing header counts as an empty value. */
  readonly treatMissingAsEmpty?: boolean;
}

/** A query parameter match: name plus one of the matchers. */
export interface QueryParameterMatchCondition {
  readonly name: string;
  readonly exact?: string;
  readonly prefix?: string;
  readonly suffix?: string;
  readonly regex?: string;
  readonly contains?: string;
  /** Case-insensitive string matching (no effect on regex). */
  readonly ignoreCase?: boolean;
  readonly present?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Virtual host

/** The host of a root HTTPProxy and the policies that apply to all of its routes. */
export interface VirtualHost {
  /** Lower-case DNS name, optionally starting with "*.". */
  readonly fqdn: string;
  readonly tls?: TLS;
  /** External authorization server; requires TLS. */
  readonly authorization?: AuthorizationServer;
  readonly corsPolicy?: CORSPolicy;
  readonly rateLimitPolicy?: RateLimitPolicy;
  readonly jwtProviders?: readonly JWTProvider[];
  /** Only these sources are allowed; routes may override. Exclusive with ipDenyPolicy. */
  readonly ipAllowPolicy?: readonly IPFilterPolicy[];
  /** These sources are denied; routes may override. Exclusive with ipAllowPolicy. */
  readonly ipDenyPolicy?: readonly IPFilterPolicy[];
}

/** TLS of a virtual host: a certificate Secret, or passthrough to the backend (not both). */
export interface TLS {
  /** "name" or "namespace/name" (the latter needs a TLSCertificateDelegation). */
  readonly secretName?: string;
  /** "1.2" (default) or "1.3". */
  readonly minimumProtocolVersion?: string;
  /** "1.2" or "1.3" (default). */
  readonly maximumProtocolVersion?: string;
  readonly passthrough?: boolean;
  readonly clientValidation?: DownstreamValidation;
  /** Serve the fallback certificate to clients that send no SNI. */
  readonly enableFallbackCertificate?: boolean;
}

/** Client certificate validation on a virtual host. */
export interface DownstreamValidation {
  /** Secret with ca.crt: "name" or "namespace/name". */
  readonly caSecret?: string;
  /** Request certificates but do not verify them (for an external authorization server to do so). */
  readonly skipClientCertValidation?: boolean;
  readonly forwardClientCertificate?: ClientCertificateDetails;
  /** Secret with crl.pem: "name" or "namespace/name". */
  readonly crlSecret?: string;
  /** Check only the leaf certificate against the CRL. */
  readonly crlOnlyVerifyLeafCert?: boolean;
  /** Accept connections that present no client certificate. */
  readonly optionalClientCertificate?: boolean;
}

/** Parts of the client certificate forwarded in x-forwarded-client-cert. */
export interface ClientCertificateDetails {
  readonly subject?: boolean;
  readonly cert?: boolean;
  readonly chain?: boolean;
  readonly dns?: boolean;
  readonly uri?: boolean;
}

/** An external authorization server (an ExtensionService) for a virtual host. */
export interface AuthorizationServer {
  readonly extensionRef?: ExtensionServiceReference;
  /** Default policy; routes may override. */
  readonly authPolicy?: AuthorizationPolicy;
  /** Go duration or "infinity". */
  readonly responseTimeout?: string;
  /** Forward requests when the server does not answer. */
  readonly failOpen?: boolean;
  readonly withRequestBody?: AuthorizationServerBufferSettings;
}

/** Names an ExtensionService. */
export interface ExtensionServiceReference {
  /** Default projectcontour.io/v1alpha1. */
  readonly apiVersion?: string;
  /** Defaults to the referring object's namespace. */
  readonly namespace?: string;
  readonly name?: string;
}

/** Authorization settings of a scope (virtual host or route). */
export interface AuthorizationPolicy {
  readonly disabled?: boolean;
  /** Sent to the authorization server; inner scopes override matching keys. */
  readonly context?: Readonly<Record<string, string>>;
}

/** Buffering of the request body for the authorization server. */
export interface AuthorizationServerBufferSettings {
  /** Default 1024. */
  readonly maxRequestBytes?: number;
  readonly allowPartialMessage?: boolean;
  readonly packAsBytes?: boolean;
}

/** Cross-origin resource sharing on a virtual host. */
export interface CORSPolicy {
  readonly allowCredentials?: boolean;
  /** "*", an exact origin "scheme://host[:port]", or a regex. */
  readonly allowOrigin: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  /** Go duration, or "0" to disable preflight caching. */
  readonly maxAge?: string;
  readonly allowPrivateNetwork?: boolean;
}

/** Allows or denies one CIDR (or bare IP). */
export interface IPFilterPolicy {
  readonly source: IPFilterSource;
  readonly cidr: string;
}

/** A JWT provider of a virtual host. */
export interface JWTProvider {
  readonly name: string;
  /** Applies to every route that does not opt out; at most one provider is the default. */
  readonly default?: boolean;
  readonly issuer?: string;
  readonly audiences?: readonly string[];
  readonly remoteJWKS: RemoteJWKS;
  /** Pass the token on to the backend. */
  readonly forwardJWT?: boolean;
}

/** Where a JWKS is fetched from. */
export interface RemoteJWKS {
  readonly uri: string;
  readonly validation?: UpstreamValidation;
  /** Go duration; default 1s. */
  readonly timeout?: string;
  /** Go duration; default 5m. */
  readonly cacheDuration?: string;
  readonly dnsLookupFamily?: DNSLookupFamily;
}

// ---------------------------------------------------------------------------------------------
// Rate limiting

/** Local and/or global rate limiting of a virtual host or route. */
export interface RateLimitPolicy {
  readonly local?: LocalRateLimitPolicy;
  readonly global?: GlobalRateLimitPolicy;
}

/** A token bucket in each Envoy. */
export interface LocalRateLimitPolicy {
  /** At least 1. */
  readonly requests: number;
  readonly unit: RateLimitUnit;
  readonly burst?: number;
  /** 400–599; default 429. */
  readonly responseStatusCode?: number;
  readonly responseHeadersToAdd?: readonly HeaderValue[];
}

/** Descriptors sent to the external rate limit service. */
export interface GlobalRateLimitPolicy {
  /** Opt out of the default global policy of the Contour configuration. */
  readonly disabled?: boolean;
  readonly descriptors?: readonly RateLimitDescriptor[];
}

/** A list of key-value generators. */
export interface RateLimitDescriptor {
  readonly entries: readonly RateLimitDescriptorEntry[];
}

/** One key-value generator: set exactly one field. */
export interface RateLimitDescriptorEntry {
  readonly genericKey?: GenericKeyDescriptor;
  readonly requestHeader?: RequestHeaderDescriptor;
  readonly requestHeaderValueMatch?: RequestHeaderValueMatchDescriptor;
  readonly remoteAddress?: RemoteAddressDescriptor;
}

/** A static key and value. */
export interface GenericKeyDescriptor {
  /** Default "generic_key". */
  readonly key?: string;
  readonly value: string;
}

/** The value of a request header, under a fixed key (no entry when the header is absent). */
export interface RequestHeaderDescriptor {
  readonly headerName: string;
  readonly descriptorKey: string;
}

/** Key "header_match" with a fixed value, generated when the headers match (or do not). */
export interface RequestHeaderValueMatchDescriptor {
  readonly headers?: readonly HeaderMatchCondition[];
  /** Default true. */
  readonly expectMatch?: boolean;
  readonly value: string;
}

/** Key "remote_address" with the client address; no settings. */
export type RemoteAddressDescriptor = Readonly<Record<string, never>>;

// ---------------------------------------------------------------------------------------------
// Routes

/** A set of match conditions and what to do with matching requests. */
export interface Route {
  /** ANDed; at most one of prefix, exact or regex. */
  readonly conditions?: readonly MatchCondition[];
  readonly services?: readonly HTTPProxyService[];
  readonly enableWebsockets?: boolean;
  /** Serve over plain HTTP even though the virtual host has TLS. */
  readonly permitInsecure?: boolean;
  /** Overrides the virtual host's authorization policy. */
  readonly authPolicy?: AuthorizationPolicy;
  readonly timeoutPolicy?: TimeoutPolicy;
  readonly retryPolicy?: RetryPolicy;
  readonly healthCheckPolicy?: HTTPHealthCheckPolicy;
  readonly loadBalancerPolicy?: LoadBalancerPolicy;
  readonly pathRewritePolicy?: PathRewritePolicy;
  /** May rewrite Host from a request header with "%REQ(X-Header-Name)%". */
  readonly requestHeadersPolicy?: HeadersPolicy;
  /** Host cannot be set here. */
  readonly responseHeadersPolicy?: HeadersPolicy;
  /** Cookie names must be unique in the list. */
  readonly cookieRewritePolicies?: readonly CookieRewritePolicy[];
  readonly rateLimitPolicy?: RateLimitPolicy;
  readonly requestRedirectPolicy?: HTTPRequestRedirectPolicy;
  readonly directResponsePolicy?: HTTPDirectResponsePolicy;
  readonly internalRedirectPolicy?: HTTPInternalRedirectPolicy;
  readonly jwtVerificationPolicy?: JWTVerificationPolicy;
  /** Replaces the virtual host's IP filters for this route. */
  readonly ipAllowPolicy?: readonly IPFilterPolicy[];
  /** Replaces the virtual host's IP filters for this route. */
  readonly ipDenyPolicy?: readonly IPFilterPolicy[];
}

/** Route timeouts: Go durations, or "infinity"/"infinite" for none. */
export interface TimeoutPolicy {
  /** Whole response; Envoy's default 15s. */
  readonly response?: string;
  /** No activity on the stream. */
  readonly idle?: string;
  /** Idle upstream connection; Envoy's default 1h. */
  readonly idleConnection?: string;
}

/** Retries of a route. */
export interface RetryPolicy {
  /** -1 disables retries; 0 or unset means Envoy's default of 1. Defaulted to 1 by the API server. */
  readonly count?: number;
  /** Go duration or "infinity". */
  readonly perTryTimeout?: string;
  readonly retryOn?: readonly RetryOn[];
  /** Used with retryOn "retriable-status-codes". */
  readonly retriableStatusCodes?: readonly number[];
}

/** Active HTTP health checking of a route's services. */
export interface HTTPHealthCheckPolicy {
  readonly path: string;
  /** Default "contour-envoy-healthcheck". */
  readonly host?: string;
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly unhealthyThresholdCount?: number;
  readonly healthyThresholdCount?: number;
  /** Healthy status ranges; default just 200. */
  readonly expectedStatuses?: readonly HTTPStatusRange[];
}

/** A half-open range [start, end) of HTTP status codes. */
export interface HTTPStatusRange {
  readonly start: number;
  readonly end: number;
}

/** Active TCP health checking of a tcpproxy's services. */
export interface TCPHealthCheckPolicy {
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly unhealthyThresholdCount?: number;
  readonly healthyThresholdCount?: number;
}

/** How requests are spread over endpoints. */
export interface LoadBalancerPolicy {
  readonly strategy?: LoadBalancerStrategy;
  /** Used with strategy RequestHash. */
  readonly requestHashPolicies?: readonly RequestHashPolicy[];
}

/** One request attribute hashed for RequestHash load balancing: set exactly one option. */
export interface RequestHashPolicy {
  /** Stop at this policy when its attribute is present. */
  readonly terminal?: boolean;
  readonly headerHashOptions?: HeaderHashOptions;
  readonly queryParameterHashOptions?: QueryParameterHashOptions;
  readonly hashSourceIP?: boolean;
}

/** Hash a request header. */
export interface HeaderHashOptions {
  readonly headerName: string;
}

/** Hash a query parameter. */
export interface QueryParameterHashOptions {
  readonly parameterName: string;
}

/** Path rewriting after routing. */
export interface PathRewritePolicy {
  readonly replacePrefix?: readonly ReplacePrefix[];
}

/** Replace a routing prefix (or, without prefix, every prefix of the include chain). */
export interface ReplacePrefix {
  readonly prefix?: string;
  readonly replacement: string;
}

/** Header changes while proxying. */
export interface HeadersPolicy {
  readonly set?: readonly HeaderValue[];
  readonly remove?: readonly string[];
}

/** A header name and value. */
export interface HeaderValue {
  readonly name: string;
  readonly value: string;
}

/** Rewrites of Set-Cookie attributes for one cookie name. */
export interface CookieRewritePolicy {
  readonly name: string;
  readonly pathRewrite?: CookiePathRewrite;
  readonly domainRewrite?: CookieDomainRewrite;
  readonly secure?: boolean;
  readonly sameSite?: CookieSameSite;
}

/** New Path attribute. */
export interface CookiePathRewrite {
  readonly value: string;
}

/** New Domain attribute. */
export interface CookieDomainRewrite {
  readonly value: string;
}

/** Answer with a redirect instead of proxying. Path and prefix are exclusive. */
export interface HTTPRequestRedirectPolicy {
  readonly scheme?: RedirectScheme;
  /** No wildcards. */
  readonly hostname?: string;
  readonly port?: number;
  /** Default 302. */
  readonly statusCode?: RedirectResponseCode;
  /** Starts with "/". */
  readonly path?: string;
  /** Replaces the matched prefix; starts with "/". */
  readonly prefix?: string;
}

/** Answer directly instead of proxying. */
export interface HTTPDirectResponsePolicy {
  /** 200–599. */
  readonly statusCode: number;
  readonly body?: string;
}

/** Follow redirects inside Envoy rather than returning them. */
export interface HTTPInternalRedirectPolicy {
  readonly maxInternalRedirects?: number;
  /** Default just 302. */
  readonly redirectResponseCodes?: readonly RedirectResponseCode[];
  /** Default Never. */
  readonly allowCrossSchemeRedirect?: CrossSchemeRedirect;
  readonly denyRepeatedRouteRedirect?: boolean;
}

/** Which JWT provider a route requires; require and disabled are exclusive. */
export interface JWTVerificationPolicy {
  readonly require?: string;
  readonly disabled?: boolean;
}

// ---------------------------------------------------------------------------------------------
// TCP proxying and services

/** Plain TCP proxying of a (TLS) virtual host, to services or to an included HTTPProxy. */
export interface TCPProxy {
  /** Cookie and RequestHash cannot be used here. */
  readonly loadBalancerPolicy?: LoadBalancerPolicy;
  readonly services?: readonly HTTPProxyService[];
  readonly include?: TCPProxyInclude;
  /** Old, mistakenly plural spelling of include, still accepted. */
  readonly includes?: TCPProxyInclude;
  readonly healthCheckPolicy?: TCPHealthCheckPolicy;
}

/** The HTTPProxy holding the tcpproxy. */
export interface TCPProxyInclude {
  readonly name: string;
  /** Defaults to the including HTTPProxy's namespace. */
  readonly namespace?: string;
}

/** A Kubernetes Service port traffic goes to (upstream's `Service`). */
export interface HTTPProxyService {
  /** A Service in the HTTPProxy's namespace. */
  readonly name: string;
  /** 1–65535. */
  readonly port: number;
  /** Health checks go here instead of port. */
  readonly healthPort?: number;
  /** Overrides the Service's protocol annotations. */
  readonly protocol?: UpstreamProtocol;
  /** Relative share of traffic; for a mirror, the mirrored percentage. */
  readonly weight?: number;
  /** Verify the backend's certificate (TLS protocols). */
  readonly validation?: UpstreamValidation;
  /** Receive a copy of the traffic; responses are discarded. */
  readonly mirror?: boolean;
  readonly requestHeadersPolicy?: HeadersPolicy;
  readonly responseHeadersPolicy?: HeadersPolicy;
  readonly cookieRewritePolicies?: readonly CookieRewritePolicy[];
  readonly slowStartPolicy?: SlowStartPolicy;
}

/** How a backend certificate is verified. */
export interface UpstreamValidation {
  /** Secret with ca.crt: "name" or "namespace/name". */
  readonly caSecret: string;
  /** Deprecated: use subjectNames (whose first entry must equal this). */
  readonly subjectName: string;
  /** Accepted subjectAltNames; the first must equal subjectName. */
  readonly subjectNames?: readonly string[];
}

/** Gradually raise traffic to new endpoints (RoundRobin and WeightedLeastRequest only). */
export interface SlowStartPolicy {
  /** Go duration. */
  readonly window: string;
  /** Decimal > 0; default "1.0" (linear). */
  readonly aggression?: string;
  /** 0–100; default 10. */
  readonly minWeightPercent?: number;
}

// ---------------------------------------------------------------------------------------------
// Status

/** What the controller reports about an HTTPProxy. */
export interface HTTPProxyStatus {
  /** "valid", "invalid", "orphaned", or "NotReconciled" before the controller has looked. */
  readonly currentStatus?: string;
  readonly description?: string;
  readonly loadBalancer?: LoadBalancerStatus;
  /** Contour maintains `Valid` and leaves other types alone. */
  readonly conditions?: readonly DetailedCondition[];
}

/** Where the proxy is reachable (core/v1 LoadBalancerStatus). */
export interface LoadBalancerStatus {
  readonly ingress?: readonly LoadBalancerIngress[];
}

/** One address of the load balancer. */
export interface LoadBalancerIngress {
  readonly ip?: string;
  readonly hostname?: string;
  /** "VIP" or "Proxy". */
  readonly ipMode?: string;
  readonly ports?: readonly PortStatus[];
}

/** A port of a load balancer address and its error, if any. */
export interface PortStatus {
  readonly port: number;
  /** TCP, UDP or SCTP. */
  readonly protocol: string;
  readonly error?: string;
}
