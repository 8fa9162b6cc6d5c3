/**
 * External authorization in Envoy terms, as upstream's FilterExternalAuthz and routeAuthz*: the
 * envoy.filters.http.ext_authz filter calling an ExtensionService's cluster over gRPC (envoy_grpc,
 * transport API v3), and the ExtAuthzPerRoute of each route (disabled, or the context extensions
 * sent with each check).
 */
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { ApiVersion } from "../gen/envoy/config/core/v3/config_source_pb.js";
import { ExtAuthzPerRouteSchema, ExtAuthzSchema } from "../gen/envoy/extensions/filters/http/ext_authz/v3/ext_authz_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { HttpFilterSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { StatusCode } from "../gen/envoy/type/v3/http_status_pb.js";
import type { ExternalAuthorization, Route } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import { durationFromMs, typed } from "./proto.js";

/** The ext_authz HTTP filter of an HCM whose requests are checked by `auth`. */
export function translateExtAuthzFilter(auth: ExternalAuthorization): HttpFilter {
  const config = typed(ExtAuthzSchema, {
    services: {
      case: "grpcService",
      value: {
        targetSpecifier: { case: "envoyGrpc", value: { clusterName: auth.cluster, authority: auth.authority } },
        // null: no timeout field, Envoy's default; 0 ("infinity") is sent as 0s, which Envoy reads as none.
        ...(auth.responseTimeoutMs === null ? {} : { timeout: durationFromMs(auth.responseTimeoutMs) }),
      },
    },
    // As upstream: a check may change headers the route was chosen by, so routes are matched again.
    clearRouteCache: true,
    failureModeAllow: auth.failOpen,
    // A server that errs or cannot be reached: 403, as upstream (Envoy's default would be 403 too, stated for clarity).
    statusOnError: { code: StatusCode.Forbidden },
    metadataContextNamespaces: [],
    includePeerCertificate: true,
    transportApiVersion: ApiVersion.V3,
    ...(auth.withRequestBody === undefined
      ? {}
      : {
          withRequestBody: {
            maxRequestBytes: auth.withRequestBody.maxRequestBytes,
            allowPartialMessage: auth.withRequestBody.allowPartialMessage,
            packAsBytes: auth.withRequestBody.packAsBytes,
          },
        }),
  });
  return create(HttpFilterSchema, { name: EnvoyExtension.extAuthz, configType: { case: "typedConfig", value: config } });
}

/** The per-route config that switches the check off. */
export function extAuthzDisabled(): Any {
  return typed(ExtAuthzPerRouteSchema, { override: { case: "disabled", value: true } });
}

/**
 * A route's ExtAuthzPerRoute, or none. A plain-HTTP route that only redirects to HTTPS is never
 * checked (upstream): the request is answered before anything reaches a backend.
 */
export function routeExtAuthzConfig(route: Route, redirectsToHttps: boolean): Any | undefined {
  if (redirectsToHttps) return extAuthzDisabled();
  const auth = route.auth;
  // As upstream, a requestRedirectPolicy route carries no per-route settings: the host's apply.
  if (auth === undefined || route.action.kind === "redirect") return undefined;
  if (auth.disabled) return extAuthzDisabled();
  if (auth.context === undefined || Object.keys(auth.context).length === 0) return undefined;
  return typed(ExtAuthzPerRouteSchema, { override: { case: "checkSettings", value: { contextExtensions: { ...auth.context } } } });
}
