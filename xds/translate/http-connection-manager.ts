/**
 * The HTTP connection manager network filter shared by the plain-HTTP listener and every secure
 * virtual host's filter chain: routes come over RDS, HTTP filters as in http-filters.ts.
 */
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Filter } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import { FilterSchema } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import {
  HttpConnectionManager_CodecType,
  HttpConnectionManager_ForwardClientCertDetails,
  HttpConnectionManager_ServerHeaderTransformation,
  HttpConnectionManagerSchema,
  type HttpFilter,
  type HttpConnectionManager_SetCurrentClientCertDetailsSchema,
} from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { ExternalAuthorization, VirtualHostTls } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import { translateAccessLog } from "./access-log.js";
import { translateHttpFilters } from "./http-filters.js";
import { translateTracing } from "./tracing.js";
import type { ResolvedOptions, ServerHeaderTransformation, TimeoutMs } from "./options.js";
import { adsConfigSource, durationFromMs, typed } from "./proto.js";

/** Which client-certificate details a TLS host forwards upstream in x-forwarded-client-cert. */
export type ForwardClientCertificate = NonNullable<NonNullable<VirtualHostTls["clientValidation"]>["forwardClientCertificate"]>;

/** What differs between the HCMs this control plane emits. */
export interface HttpConnectionManagerParams {
  /** Stats prefix: the listener's name, as upstream Contour does. */
  readonly statPrefix: string;
  /** RDS name of the route configuration. */
  readonly routeConfigName: string;
  /** Set on secure hosts with client validation that forward the client certificate. */
  readonly forwardClientCertificate?: ForwardClientCertificate;
  /** The ext_authz filter's settings: a secure host's authorization, or the global one on plain HTTP. */
  readonly extAuthz?: ExternalAuthorization | undefined;
  /** HTTP filters of this host alone (a secure host's jwt_authn), placed before the router. */
  readonly hostHttpFilters?: readonly HttpFilter[];
  /** HTTP filters of this host alone placed first (a wildcard TLS host's misdirected-request check). */
  readonly leadingHttpFilters?: readonly HttpFilter[];
  /**
   * False when no route of this HCM rewrites cookies and none can without the HCM being rebuilt: a
   * secure host's own chain, whose routes are all its own. The Lua filter is then left out: each one
   * costs Envoy a Lua state per worker and the script's 2.5 KiB, which at 2,000 TLS hosts was half of
   * the TLS listener's 8 MiB and of the time Envoy took to apply it (`node dist/bench/envoy-cold.js`).
   * Shared HCMs (plain HTTP, Gateway listeners, the fallback certificate) keep it: adding it there
   * later would change a listener every host shares.
   */
  readonly cookieRewrite?: boolean;
}

/** The envoy.filters.network.http_connection_manager filter for one listener or filter chain. */
export function translateHttpConnectionManager(params: HttpConnectionManagerParams, options: ResolvedOptions): Filter {
  const xfcc = params.forwardClientCertificate;
  const hcm = typed(HttpConnectionManagerSchema, {
    statPrefix: params.statPrefix,
    codecType: codecFor(options.httpVersions),
    routeSpecifier: {
      case: "rds",
      value: { configSource: adsConfigSource(), routeConfigName: params.routeConfigName },
    },
    httpFilters: translateHttpFilters(options, {
      extAuthz: params.extAuthz,
      ...(params.hostHttpFilters === undefined ? {} : { hostFilters: params.hostHttpFilters }),
      ...(params.leadingHttpFilters === undefined ? {} : { leadingFilters: params.leadingHttpFilters }),
      ...(params.cookieRewrite === false ? { cookieRewrite: false } : {}),
    }),
    commonHttpProtocolOptions: {
      idleTimeout: durationFromMs(options.connectionIdleTimeoutMs),
      // Unlike Envoy's other timeouts, 0 here would not mean "none": disabled is left out, as upstream does.
      ...(options.maxConnectionDurationMs ? { maxConnectionDuration: durationFromMs(options.maxConnectionDurationMs) } : {}),
      ...(options.maxRequestsPerConnection === null ? {} : { maxRequestsPerConnection: options.maxRequestsPerConnection }),
    },
    httpProtocolOptions: { acceptHttp10: true, allowChunkedLength: options.allowChunkedLength },
    ...(options.http2MaxConcurrentStreams === null ? {} : { http2ProtocolOptions: { maxConcurrentStreams: options.http2MaxConcurrentStreams } }),
    // Envoy sits at the edge: the peer address is the client; X-Forwarded-For is trusted only from
    // the proxies the operator says are in front (network.num-trusted-hops).
    useRemoteAddress: true,
    xffNumTrustedHops: options.numTrustedHops,
    stripTrailingHostDot: options.stripTrailingHostDot,
    // Routes match on the normalised path so /a/../b cannot reach a route meant to be shadowed.
    normalizePath: true,
    mergeSlashes: options.mergeSlashes,
    serverHeaderTransformation: SERVER_HEADER[options.serverHeaderTransformation],
    // 0 disables Envoy's whole-request timeout; per-route timeouts govern instead.
    ...timeout("requestTimeout", options.requestTimeoutMs),
    ...timeout("streamIdleTimeout", options.streamIdleTimeoutMs),
    ...timeout("drainTimeout", options.connectionShutdownGracePeriodMs),
    ...timeout("delayedCloseTimeout", options.delayedCloseTimeoutMs),
    preserveExternalRequestId: true,
    accessLog: translateAccessLog(options),
    ...tracingOf(options),
    ...(xfcc === undefined
      ? {}
      : {
          forwardClientCertDetails: HttpConnectionManager_ForwardClientCertDetails.SANITIZE_SET,
          setCurrentClientCertDetails: clientCertDetails(xfcc),
        }),
  });
  return create(FilterSchema, { name: EnvoyExtension.httpConnectionManager, configType: { case: "typedConfig", value: hcm } });
}

function tracingOf(options: ResolvedOptions): { tracing?: NonNullable<ReturnType<typeof translateTracing>> } {
  const tracing = translateTracing(options);
  return tracing === undefined ? {} : { tracing };
}

/** One version: that codec only; both: Envoy detects the protocol (upstream's CodecForVersions). */
function codecFor(versions: ResolvedOptions["httpVersions"]): HttpConnectionManager_CodecType {
  const set = new Set(versions);
  if (set.size !== 1) return HttpConnectionManager_CodecType.AUTO;
  return set.has("HTTP/2") ? HttpConnectionManager_CodecType.HTTP2 : HttpConnectionManager_CodecType.HTTP1;
}

const SERVER_HEADER: Readonly<Record<ServerHeaderTransformation, HttpConnectionManager_ServerHeaderTransformation>> = {
  overwrite: HttpConnectionManager_ServerHeaderTransformation.OVERWRITE,
  append_if_absent: HttpConnectionManager_ServerHeaderTransformation.APPEND_IF_ABSENT,
  pass_through: HttpConnectionManager_ServerHeaderTransformation.PASS_THROUGH,
};

// null: the field is left out and Envoy's own default applies.
function timeout<K extends string>(field: K, ms: TimeoutMs): Partial<Record<K, ReturnType<typeof durationFromMs>>> {
  return ms === null ? {} : ({ [field]: durationFromMs(ms) } as Record<K, ReturnType<typeof durationFromMs>>);
}

function clientCertDetails(xfcc: ForwardClientCertificate): MessageInitShape<typeof HttpConnectionManager_SetCurrentClientCertDetailsSchema> {
  return { subject: xfcc.subject, cert: xfcc.cert, chain: xfcc.chain, dns: xfcc.dns, uri: xfcc.uri };
}
