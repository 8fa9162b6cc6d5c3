// HTTPRoute (gateway.networking.k8s.io/v1, bundle v1.6.1), field names as upstream's apis/v1 httproute_types.go.
import type { BackendObjectReference, BackendRef, CommonRouteSpec, Fraction, GatewayApiObject, LocalObjectReference, RouteStatus, SessionPersistence } from "./common.js";

/** An HTTPRoute: HTTP routing rules attached to parents. */
export type HTTPRoute = GatewayApiObject<HTTPRouteSpec, RouteStatus>;

/** What an HTTPRoute asks for. */
export interface HTTPRouteSpec extends CommonRouteSpec {
  readonly hostnames?: readonly string[];
  readonly rules?: readonly HTTPRouteRule[];
}

/** One rule: matches, filters and backends. */
export interface HTTPRouteRule {
  readonly name?: string;
  readonly matches?: readonly HTTPRouteMatch[];
  readonly filters?: readonly HTTPRouteFilter[];
  readonly backendRefs?: readonly HTTPBackendRef[];
  readonly timeouts?: HTTPRouteTimeouts;
  readonly retry?: HTTPRouteRetry;
  readonly sessionPersistence?: SessionPersistence;
}

/** Gateway API durations, such as "10s" or "1h30m500ms". */
export interface HTTPRouteTimeouts {
  readonly request?: string;
  readonly backendRequest?: string;
}

/** Retries of a rule. */
export interface HTTPRouteRetry {
  readonly codes?: readonly number[];
  readonly attempts?: number;
  readonly backoff?: string;
}

/** Path match kinds. */
export const PATH_MATCH_TYPES = ["Exact", "PathPrefix", "RegularExpression"] as const;

/** A path match; default PathPrefix "/". */
export interface HTTPPathMatch {
  readonly type?: (typeof PATH_MATCH_TYPES)[number];
  readonly value?: string;
}

/** A header match; default Exact. */
export interface HTTPHeaderMatch {
  readonly type?: "Exact" | "RegularExpression";
  readonly name: string;
  readonly value: string;
}

/** A query parameter match; default Exact. */
export interface HTTPQueryParamMatch {
  readonly type?: "Exact" | "RegularExpression";
  readonly name: string;
  readonly value: string;
}

/** HTTP methods a route may match. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] as const;

/** Conditions a request must meet, all of them. */
export interface HTTPRouteMatch {
  readonly path?: HTTPPathMatch;
  readonly headers?: readonly HTTPHeaderMatch[];
  readonly queryParams?: readonly HTTPQueryParamMatch[];
  readonly method?: string;
}

/** Filter kinds. */
export const HTTP_ROUTE_FILTER_TYPES = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "RequestMirror", "CORS", "ExternalAuth", "ExtensionRef"] as const;

/** A filter; the field named by type carries its settings. */
export interface HTTPRouteFilter {
  readonly type: string;
  readonly requestHeaderModifier?: HTTPHeaderFilter;
  readonly responseHeaderModifier?: HTTPHeaderFilter;
  readonly requestMirror?: HTTPRequestMirrorFilter;
  readonly requestRedirect?: HTTPRequestRedirectFilter;
  readonly urlRewrite?: HTTPURLRewriteFilter;
  readonly cors?: HTTPCORSFilter;
  readonly externalAuth?: HTTPExternalAuthFilter;
  readonly extensionRef?: LocalObjectReference;
}

/** A header name and value. */
export interface HTTPHeader {
  readonly name: string;
  readonly value: string;
}

/** Header changes. */
export interface HTTPHeaderFilter {
  readonly set?: readonly HTTPHeader[];
  readonly add?: readonly HTTPHeader[];
  readonly remove?: readonly string[];
}

/** A path change. */
export interface HTTPPathModifier {
  readonly type: "ReplaceFullPath" | "ReplacePrefixMatch";
  readonly replaceFullPath?: string;
  readonly replacePrefixMatch?: string;
}

/** A redirect answer. */
export interface HTTPRequestRedirectFilter {
  readonly scheme?: string;
  readonly hostname?: string;
  readonly path?: HTTPPathModifier;
  readonly port?: number;
  /** Default 302. */
  readonly statusCode?: number;
}

/** A rewrite of host or path before forwarding. */
export interface HTTPURLRewriteFilter {
  readonly hostname?: string;
  readonly path?: HTTPPathModifier;
}

/** A copy of requests sent to another backend, all of them or a share. */
export interface HTTPRequestMirrorFilter {
  readonly backendRef: BackendObjectReference;
  readonly percent?: number;
  readonly fraction?: Fraction;
}

/** Cross-origin resource sharing. */
export interface HTTPCORSFilter {
  readonly allowOrigins?: readonly string[];
  readonly allowCredentials?: boolean;
  readonly allowMethods?: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  /** Seconds; default 5. */
  readonly maxAge?: number;
}

/** External authorization (not supported by this controller: refused with UnsupportedValue). */
export interface HTTPExternalAuthFilter {
  readonly protocol?: "GRPC" | "HTTP";
  readonly backendRef?: BackendObjectReference;
  readonly grpc?: { readonly allowedHeaders?: readonly string[] };
  readonly http?: { readonly path?: string; readonly allowedHeaders?: readonly string[]; readonly allowedResponseHeaders?: readonly string[] };
  readonly forwardBody?: { readonly maxSize?: number };
}

/** A backend of a rule with filters of its own. */
export interface HTTPBackendRef extends BackendRef {
  readonly filters?: readonly HTTPRouteFilter[];
}
