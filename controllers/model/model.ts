/**
 * The routing model: plain, serialisable data that reconcilers produce and xds/translate turns into
 * Envoy resources. It knows nothing of Envoy's protos and nothing of Kubernetes' API machinery,
 * so golden files of it stay readable and both sides can be tested alone.
 */

/** Identifies the Kubernetes object a piece of the model came from. */
export interface SourceRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** How a route matches a request path. */
export type PathMatch =
  | { readonly kind: "prefix"; readonly value: string; readonly segment: boolean }
  | { readonly kind: "exact"; readonly value: string }
  | { readonly kind: "regex"; readonly value: string };

/** A request header condition. */
export interface HeaderMatch {
  readonly name: string;
  readonly kind: "present" | "exact" | "contains" | "regex";
  readonly value?: string;
  readonly invert: boolean;
  readonly ignoreCase: boolean;
  /** An inverted match also applies when the header is missing (read as ""); only set on inverted matches. */
  readonly treatMissingAsEmpty?: boolean;
}

/** A query-parameter condition. */
export interface QueryParamMatch {
  readonly name: string;
  readonly kind: "present" | "exact" | "prefix" | "suffix" | "contains" | "regex";
  readonly value?: string;
  readonly ignoreCase: boolean;
}

/** Everything a route looks at to decide whether it applies. */
export interface RouteMatch {
  readonly path: PathMatch;
  readonly headers: readonly HeaderMatch[];
  readonly queryParams: readonly QueryParamMatch[];
}

/** Retry settings for a forwarded request. */
export interface RetryPolicy {
  readonly retryOn: string;
  readonly numRetries: number;
  /** Milliseconds; 0 means Envoy's default. */
  readonly perTryTimeoutMs: number;
  readonly retriableStatusCodes: readonly number[];
  /** Base interval of the retry back-off in milliseconds (Gateway API retry.backoff); undefined: Envoy's 25 ms. */
  readonly backoffBaseMs?: number;
}

/** Timeouts of a forwarded request, in milliseconds; null leaves Envoy's default, 0 disables. */
export interface TimeoutPolicy {
  readonly responseMs: number | null;
  readonly idleMs: number | null;
  /** Timeout of each request to a backend (Gateway API timeouts.backendRequest: Envoy's per-try timeout). */
  readonly backendRequestMs?: number;
}

/** Header additions and removals. */
export interface HeadersPolicy {
  readonly set: readonly { readonly name: string; readonly value: string }[];
  readonly remove: readonly string[];
  /** Values appended to a header, keeping those already there (Gateway API header filters' add). */
  readonly add?: readonly { readonly name: string; readonly value: string }[];
  /** Rewrites Host from this request header (HTTPProxy route Host `%REQ(X-Name)%`); a Host in set wins. */
  readonly hostRewriteHeader?: string;
}

/** Which redirects Envoy follows itself, as upstream's dag.InternalRedirectPolicy. */
export interface InternalRedirect {
  /** 0: Envoy's default (1). */
  readonly maxInternalRedirects: number;
  /** Empty: Envoy's default (302 only). */
  readonly redirectResponseCodes: readonly number[];
  readonly crossScheme: "always" | "never" | "safeOnly";
  readonly denyRepeatedRouteRedirect: boolean;
}

/** One weighted destination of a forwarded route. */
export interface WeightedCluster {
  /** Name of a Cluster in Model.clusters. */
  readonly cluster: string;
  readonly weight: number;
  readonly requestHeaders?: HeadersPolicy;
  readonly responseHeaders?: HeadersPolicy;
  /** Set-Cookie rewrites of responses from this service (merged over the route's, attribute by attribute). */
  readonly cookieRewrites?: readonly CookieRewrite[];
}

/** One cookie's Set-Cookie rewrite (HTTPProxy cookieRewritePolicies): each attribute given replaces the backend's. */
export interface CookieRewrite {
  readonly name: string;
  readonly path?: string;
  readonly domain?: string;
  /** true adds Secure, false removes it. */
  readonly secure?: boolean;
  readonly sameSite?: "Strict" | "Lax" | "None";
}

/** What a matched route does. */
export type RouteAction =
  | {
      readonly kind: "forward";
      readonly clusters: readonly WeightedCluster[];
      /**
       * Weight of backends that could not be resolved (Gateway API): that share of requests must
       * be answered with 500, beside the clusters' shares. Absent or 0: none.
       */
      readonly invalidWeight?: number;
      readonly mirror?: readonly { readonly cluster: string; readonly percent: number }[];
      readonly timeout?: TimeoutPolicy;
      readonly retry?: RetryPolicy;
      readonly websocket: boolean;
      readonly prefixRewrite?: string;
      /** Replaces the whole path before forwarding (Gateway API URLRewrite ReplaceFullPath). */
      readonly fullPathRewrite?: string;
      /** Replaces the Host header before forwarding (Gateway API URLRewrite hostname). */
      readonly hostRewrite?: string;
      readonly hashPolicy?: readonly HashPolicy[];
      /** Redirects Envoy follows itself instead of answering them (HTTPProxy internalRedirectPolicy). */
      readonly internalRedirect?: InternalRedirect;
    }
  | {
      readonly kind: "redirect";
      readonly scheme?: "http" | "https";
      readonly host?: string;
      readonly port?: number;
      readonly path?: string;
      readonly prefix?: string;
      readonly statusCode: 301 | 302 | 303 | 307 | 308;
    }
  | { readonly kind: "direct"; readonly status: number; readonly body?: string };

/** Request hashing for consistent-hash load balancing. */
export type HashPolicy =
  | { readonly kind: "header"; readonly name: string; readonly terminal: boolean }
  | { readonly kind: "query"; readonly name: string; readonly terminal: boolean }
  | { readonly kind: "sourceIp"; readonly terminal: boolean }
  | { readonly kind: "cookie"; readonly name: string; readonly ttlSeconds: number; readonly path: string };

/** CORS for a virtual host (Envoy's cors filter). Origins are exact strings or, with regex: true, RE2 patterns. */
export interface CorsPolicy {
  readonly allowOrigin: readonly { readonly value: string; readonly regex: boolean }[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  /** Seconds; undefined leaves Envoy's default. */
  readonly maxAgeSeconds?: number;
  readonly allowPrivateNetwork: boolean;
}

/** A local (per-Envoy) token-bucket rate limit, for a virtual host or a route. */
export interface LocalRateLimit {
  /** Tokens added per fill interval, and the bucket size (burst = maxTokens - tokensPerFill). */
  readonly tokensPerFill: number;
  readonly maxTokens: number;
  readonly fillIntervalMs: number;
  /** Status returned when limited; 429 by default. */
  readonly responseStatus: number;
  readonly responseHeaders: readonly { readonly name: string; readonly value: string }[];
}

/**
 * One entry of a global rate limit descriptor: how Envoy makes one key/value pair of the descriptor it
 * sends to the rate limit service (HTTPProxy rateLimitPolicy.global, Envoy's rate limit actions).
 */
export type GlobalRateLimitEntry =
  | { readonly kind: "genericKey"; readonly key?: string; readonly value: string }
  | { readonly kind: "requestHeader"; readonly headerName: string; readonly descriptorKey: string }
  | { readonly kind: "headerValueMatch"; readonly headers: readonly HeaderMatch[]; readonly expectMatch: boolean; readonly value: string }
  | { readonly kind: "remoteAddress" };

/** Descriptors sent to the global rate limit service for a virtual host or a route. */
export interface GlobalRateLimit {
  readonly descriptors: readonly { readonly entries: readonly GlobalRateLimitEntry[] }[];
}

/** Client IP filtering: allow lists pass only matching clients; deny lists refuse them. */
export interface IpFilter {
  readonly action: "allow" | "deny";
  readonly rules: readonly {
    /** "peer": the connection's address; "remote": the client address after X-Forwarded-For handling. */
    readonly source: "peer" | "remote";
    /** CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32; a bare address means /32 or /128. */
    readonly cidr: string;
  }[];
}

/** Active health checking of a cluster's endpoints. */
export type HealthCheck =
  | {
      readonly kind: "http";
      readonly path: string;
      readonly host: string;
      readonly intervalMs: number;
      readonly timeoutMs: number;
      readonly unhealthyThreshold: number;
      readonly healthyThreshold: number;
      /** Status ranges [start, end) that count as healthy; default 200-299. */
      readonly expectedStatuses?: readonly { readonly start: number; readonly end: number }[];
    }
  | {
      readonly kind: "tcp";
      readonly intervalMs: number;
      readonly timeoutMs: number;
      readonly unhealthyThreshold: number;
      readonly healthyThreshold: number;
    };

/** A route inside a virtual host. */
export interface Route {
  readonly source: SourceRef;
  /** Set-Cookie rewrites of this route's responses (HTTPProxy cookieRewritePolicies). */
  readonly cookieRewrites?: readonly CookieRewrite[];
  /** Envoy route name pointing back to its source, e.g. `httproute/<ns>/<name>/rule/<i>/match/<j>`. */
  readonly name?: string;
  /**
   * A sort key whose code-unit order is the route's precedence within its virtual host; set by
   * reconcilers whose API defines precedence across objects (Gateway API). Routes with a rank sort
   * by it; of two routes with one match the lower rank is served.
   */
  readonly rank?: string;
  /** CORS for this route alone (Gateway API CORS filter), overriding the virtual host's. */
  readonly cors?: CorsPolicy;
  readonly match: RouteMatch;
  readonly action: RouteAction;
  /** On the plain-HTTP listener of a TLS host: answer with a redirect to HTTPS instead. */
  readonly httpsRedirect: boolean;
  readonly requestHeaders?: HeadersPolicy;
  readonly responseHeaders?: HeadersPolicy;
  /** Overrides the virtual host's rate limit for this route. */
  readonly rateLimit?: LocalRateLimit;
  /** Descriptors this route sends to the global rate limit service. */
  readonly globalRateLimit?: GlobalRateLimit;
  /** The virtual host's global rate limit descriptors are not sent for this route (its `global.disabled`). */
  readonly ignoreVirtualHostGlobalRateLimit?: boolean;
  /** Overrides the virtual host's IP filter for this route. */
  readonly ipFilter?: IpFilter;
  /** Name of one of the secure virtual host's jwtProviders whose JWT this route requires (HTTPS only). */
  readonly jwtProvider?: string;
  /** External authorization of this route, when its HCM has the ext_authz filter (ExtAuthzPerRoute). */
  readonly auth?: RouteAuthorization;
}

/** A route's external authorization: switched off, or checked with these context extensions. */
export interface RouteAuthorization {
  readonly disabled: boolean;
  /** Sent to the authorization server as context_extensions (the virtual host's merged with the route's). */
  readonly context?: Readonly<Record<string, string>>;
}

/** The ext_authz filter of an HCM (upstream's dag.ExternalAuthorization): a gRPC call to an ExtensionService. */
export interface ExternalAuthorization {
  /** The ExtensionService's cluster, `extension/<namespace>/<name>`. */
  readonly cluster: string;
  /** The gRPC authority: the ExtensionService's validation subjectName, else the cluster name with "/" made ".". */
  readonly authority: string;
  /** Requests pass when the server cannot be reached or errs. */
  readonly failOpen: boolean;
  /** Timeout of each check; null leaves Envoy's default, 0 disables it. */
  readonly responseTimeoutMs: number | null;
  /** Buffer the request body and send it along. */
  readonly withRequestBody?: { readonly maxRequestBytes: number; readonly allowPartialMessage: boolean; readonly packAsBytes: boolean };
}

/**
 * A cluster Envoy resolves by DNS itself (STRICT_DNS, or LOGICAL_DNS for lookup family "all"),
 * named as upstream's DNSNameCluster: `dnsname/<scheme>/<host>`. Used for remote JWKS.
 */
export interface DnsNameCluster {
  readonly name: string;
  readonly scheme: "http" | "https";
  readonly address: string;
  readonly port: number;
  /** Undefined: the config file's cluster.dns-lookup-family (upstream's default "auto"). */
  readonly dnsLookupFamily?: "auto" | "v4" | "v6" | "all";
  /** https only: the CA secret (in Model.secrets) and name the server's certificate must hold; absent: not verified. */
  readonly upstreamValidation?: { readonly caSecret: string; readonly subjectName: string };
}

/** A JWT provider of a secure virtual host (Envoy's jwt_authn JwtProvider with a remote JWKS). */
export interface JwtProvider {
  readonly name: string;
  /** Empty: the token's iss is not checked. */
  readonly issuer: string;
  /** Empty: the token's aud is not checked. */
  readonly audiences: readonly string[];
  readonly forwardJwt: boolean;
  readonly remoteJwks: {
    readonly uri: string;
    readonly timeoutMs: number;
    /** Undefined: Envoy's default (5 minutes). */
    readonly cacheDurationMs?: number;
    readonly cluster: DnsNameCluster;
  };
}

/** TLS settings of a secure virtual host. */
export interface VirtualHostTls {
  /** Name of a TlsSecret in Model.secrets. */
  readonly secret: string;
  /**
   * Further TlsSecrets served beside `secret` (a Gateway listener's other certificateRefs), in order:
   * Envoy picks per handshake by the client's SNI against each certificate's names, then its key type.
   */
  readonly additionalSecrets?: readonly string[];
  readonly minimumProtocolVersion: "1.2" | "1.3";
  readonly maximumProtocolVersion: "1.2" | "1.3";
  readonly clientValidation?: {
    /** Name of a CA secret in Model.secrets, absent when validation is skipped. */
    readonly caSecret?: string;
    readonly optional: boolean;
    readonly skipVerification: boolean;
    readonly forwardClientCertificate?: { readonly subject: boolean; readonly cert: boolean; readonly chain: boolean; readonly dns: boolean; readonly uri: boolean };
    /** Revoked client certificates (PEM X509 CRLs, inlined in the listener as upstream); onlyLeaf checks only the client's own certificate. */
    readonly crl?: { readonly pem: string; readonly onlyLeaf: boolean };
  };
  /** Name of a TlsSecret in Model.secrets: the operator's fallback certificate, which also serves this host to clients without a matching SNI. */
  readonly fallbackCertificate?: string;
}

/** A host name and its routes, on the HTTP listener and, with tls, on the HTTPS listener. */
export interface VirtualHost {
  /** Exact host or a leading wildcard such as "*.example.com"; "*" for the default host. */
  readonly fqdn: string;
  readonly routes: readonly Route[];
  readonly tls?: VirtualHostTls;
  readonly cors?: CorsPolicy;
  readonly rateLimit?: LocalRateLimit;
  /** Descriptors every request to this host sends to the global rate limit service. */
  readonly globalRateLimit?: GlobalRateLimit;
  readonly ipFilter?: IpFilter;
  /** External authorization on this host's HTTPS filter chain (secure hosts only). */
  readonly authorization?: ExternalAuthorization;
  /** JWT verification of a secure host (sorted by name); routes opt in by jwtProvider. */
  readonly jwtProviders?: readonly JwtProvider[];
}

/** A TCP proxy reached by SNI on the HTTPS listener (TLS passthrough or termination). */
export interface TcpProxyHost {
  readonly fqdn: string;
  readonly source: SourceRef;
  /** Absent for passthrough: Envoy forwards the TLS stream untouched. */
  readonly tls?: VirtualHostTls;
  readonly clusters: readonly WeightedCluster[];
}

/** Connection-level settings of an upstream cluster (from Service annotations and route policy). */
export interface Cluster {
  /** Stable name: `<namespace>/<service>/<port>/<hash of options>`. */
  readonly name: string;
  readonly service: { readonly namespace: string; readonly name: string; readonly port: number; readonly portName: string };
  /** The EDS name whose ClusterLoadAssignment carries this Service port's endpoints. */
  readonly endpoints: string;
  readonly protocol: "http1" | "h2" | "h2c" | "tls";
  readonly loadBalancer: "RoundRobin" | "WeightedLeastRequest" | "Random" | "RingHash" | "Cookie" | "RequestHash";
  readonly circuitBreakers?: {
    readonly maxConnections?: number;
    readonly maxPendingRequests?: number;
    readonly maxRequests?: number;
    readonly maxRetries?: number;
    /** Connections to each endpoint at most (ExtensionService circuitBreakerPolicy). */
    readonly perHostMaxConnections?: number;
  };
  readonly connectTimeoutMs: number;
  readonly upstreamValidation?: {
    readonly caSecret: string;
    readonly subjectName: string;
    /** Names of which the certificate must hold one (the first is subjectName); absent: subjectName alone. */
    readonly subjectNames?: readonly string[];
  };
  /**
   * TLS to the backend from a Gateway API BackendTLSPolicy: SNI, the CA (a CA secret, or the
   * system trust store), the names the certificate must hold (the SNI when empty), and the
   * Gateway's client certificate, if any.
   */
  readonly backendTls?: {
    readonly sni: string;
    /** Name of a CA secret in Model.secrets; absent with systemCa. */
    readonly caSecret?: string;
    readonly systemCa: boolean;
    readonly subjectAltNames: readonly { readonly type: "Hostname" | "URI"; readonly value: string }[];
    /** Name of a TlsSecret in Model.secrets (Gateway spec.tls.backend.clientCertificateRef). */
    readonly clientCertificate?: string;
  };
  readonly sni?: string;
  /** Name of a TlsSecret in Model.secrets: the certificate Envoy presents to a TLS backend (upstream's `tls.envoy-client-certificate`). */
  readonly clientCertificate?: string;
  readonly healthCheck?: HealthCheck;
  /** An ExternalName Service's DNS name: Envoy resolves it itself (STRICT_DNS, port service.port) instead of EDS. */
  readonly externalName?: string;
  /** Ramp-up of traffic to new endpoints (RoundRobin and WeightedLeastRequest only; HTTPProxy slowStartPolicy). */
  readonly slowStart?: { readonly windowMs: number; readonly aggression: number; readonly minWeightPercent: number };
  /** Milliseconds an idle upstream connection is kept; undefined leaves Envoy's default (1 h). */
  readonly idleConnectionTimeoutMs?: number;
  /**
   * Set on the cluster of an ExtensionService (`extension/<namespace>/<name>`): its EDS resource
   * (`endpoints`, named like the cluster) joins the endpoints of several weighted Service ports,
   * and `service` is only the first of them.
   */
  readonly extension?: ExtensionClusterSettings;
  /**
   * Set on the cluster of a Gateway UDPRoute rule with several weighted backends
   * (`udproute/<ns>/<name>/rule/<i>`): its EDS resource (`endpoints`, named like the cluster) has
   * one locality per Service port, weighted by its backendRef weight (every weight > 0), and
   * Envoy picks the locality by weight for each session (Envoy's UDP proxy routes to one cluster).
   */
  readonly weightedMembers?: readonly ExtensionClusterMember[];
}

/** One weighted Service port of a cluster joining several (an ExtensionService's, a UDPRoute rule's). */
export interface ExtensionClusterMember {
  readonly service: { readonly namespace: string; readonly name: string; readonly port: number; readonly portName: string };
  /** The EDS name of this Service port's own endpoints (edsName), read to fill the cluster's. */
  readonly endpoints: string;
  /** Relative share: Envoy's locality load-balancing weight; 0 means equal shares (upstream's default). */
  readonly weight: number;
  /**
   * The locality's region in EDS (a weighted UDPRoute rule's members: the member's EDS name). Envoy
   * merges localities that compare equal, weights and all, so weighted members need distinct ones.
   */
  readonly locality?: string;
}

/** What an ExtensionService adds to its cluster, for xds/translate and the filters that call it. */
export interface ExtensionClusterSettings {
  readonly source: SourceRef;
  /** The Service ports whose endpoints make up the cluster, in the order of spec.services. */
  readonly members: readonly ExtensionClusterMember[];
  /**
   * timeoutPolicy.response in milliseconds: the timeout of each call from ext_authz or the rate
   * limit filter; null leaves the caller's default, 0 disables it ("infinity").
   */
  readonly responseTimeoutMs: number | null;
}

/** A Kubernetes TLS Secret (certificate and key) or a CA bundle, served to Envoy through SDS. */
export interface TlsSecret {
  /** Stable name: `<namespace>/<name>/<hash of content>`. */
  readonly name: string;
  readonly source: SourceRef;
  readonly certificateChain?: string;
  readonly privateKey?: string;
  readonly caCertificate?: string;
}

/**
 * One Gateway API listener inside a Gateway port's Envoy listener: for HTTP its virtual hosts join
 * the port's one route configuration; for HTTPS it is a filter chain of its own, chosen by SNI.
 */
export interface GatewayListenerChain {
  /** `<kind>/<namespace>/<name>/<section>` of the declaring object (listenerKey). */
  readonly key: string;
  /** The listener's hostname; undefined matches every server name. */
  readonly hostname?: string;
  /** HTTPS: the TLS settings (certificate secrets in Model.secrets). */
  readonly tls?: VirtualHostTls;
  /** Virtual hosts by hostname, each holding the routes attached to this listener; sorted by fqdn. */
  readonly virtualHosts: readonly VirtualHost[];
}

/** The Envoy listener of one (Gateway, port) on the Envoy port allocated to it. */
export interface GatewayEnvoyListener {
  /** `gateway/<namespace>/<name>/<port>`: the Envoy listener and its route configurations' prefix. */
  readonly name: string;
  readonly source: SourceRef;
  /** The allocated Envoy port. */
  readonly port: number;
  /** HTTPS also when TLS listeners share the port (both are told apart by SNI); UDP is a listener of its own. */
  readonly protocol: "HTTP" | "HTTPS" | "TLS" | "TCP" | "UDP";
  /** The Gateway listeners on this port, sorted by key. */
  readonly chains: readonly GatewayListenerChain[];
  /** TLS, TCP and UDP listeners' streams (TLSRoute, TCPRoute, UDPRoute), sorted by name; absent for HTTP alone. */
  readonly streams?: readonly GatewayStream[];
}

/**
 * Where the connections (or datagrams) of a TLS, TCP or UDP Gateway listener go: one route's
 * weighted backends. A TLS stream is chosen by SNI and is passed through, or terminated with the
 * listener's certificate; a TCP or UDP listener has one stream (its oldest route's).
 */
export interface GatewayStream {
  /** `tlsroute/<ns>/<name>/rule/<i>` (or tcproute/, udproute/): the filter chain's name. */
  readonly name: string;
  readonly source: SourceRef;
  /** listenerKey of the Gateway listener it is attached to. */
  readonly listener: string;
  /** TLS: the server names that select it, sorted; empty for TCP and UDP. */
  readonly serverNames: readonly string[];
  /** TLS Terminate: the listener's certificate; absent for passthrough, TCP and UDP. */
  readonly tls?: VirtualHostTls;
  /**
   * Weighted backends; empty when none resolved (connections are refused). TLS and TCP: the share
   * of invalid backendRefs goes to a cluster name that is never served (`<name>/invalid-backends`),
   * so Envoy closes those connections, as the spec asks.
   */
  readonly clusters: readonly WeightedCluster[];
}

/** The whole routing model: what every Envoy should serve. Lists are sorted by name or fqdn. */
export interface Model {
  readonly virtualHosts: readonly VirtualHost[];
  readonly tcpProxies: readonly TcpProxyHost[];
  readonly clusters: readonly Cluster[];
  readonly secrets: readonly TlsSecret[];
  /** Gateway API listeners, sorted by name; absent when no Gateway is served (ingress_http/ingress_https are unaffected). */
  readonly gatewayListeners?: readonly GatewayEnvoyListener[];
  /** The config file's globalExtAuth: the ext_authz filter of the plain-HTTP listener; absent when not configured. */
  readonly globalAuthorization?: ExternalAuthorization;
}
