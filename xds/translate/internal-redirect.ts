/**
 * A route's internal redirect policy (HTTPProxy internalRedirectPolicy), as upstream Contour builds
 * it: Envoy follows the listed 3xx answers itself; cross-scheme targets are allowed always, never, or
 * only from HTTPS (the safe_cross_scheme predicate); previous_routes refuses a target route the
 * request has already been redirected from.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TypedExtensionConfigSchema } from "../gen/envoy/config/core/v3/extension_pb.js";
import type { InternalRedirectPolicySchema } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { PreviousRoutesConfigSchema } from "../gen/envoy/extensions/internal_redirect/previous_routes/v3/previous_routes_config_pb.js";
import { SafeCrossSchemeConfigSchema } from "../gen/envoy/extensions/internal_redirect/safe_cross_scheme/v3/safe_cross_scheme_config_pb.js";
import type { InternalRedirect } from "../../controllers/model/model.js";
import { typed } from "./proto.js";

/** Envoy's names of the two predicates (upstream's too). */
const SAFE_CROSS_SCHEME = "envoy.internal_redirect_predicates.safe_cross_scheme";
const PREVIOUS_ROUTES = "envoy.internal_redirect_predicates.previous_routes";

/** The codes Envoy can follow; any other is left out (the CRD admits no other). */
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** The Envoy InternalRedirectPolicy of a model policy. */
export function translateInternalRedirect(p: InternalRedirect): MessageInitShape<typeof InternalRedirectPolicySchema> {
  const predicates: MessageInitShape<typeof TypedExtensionConfigSchema>[] = [];
  if (p.crossScheme === "safeOnly") predicates.push({ name: SAFE_CROSS_SCHEME, typedConfig: typed(SafeCrossSchemeConfigSchema, {}) });
  if (p.denyRepeatedRouteRedirect) predicates.push({ name: PREVIOUS_ROUTES, typedConfig: typed(PreviousRoutesConfigSchema, {}) });
  return {
    // 0 leaves Envoy's default (1), as upstream's UInt32OrNil does.
    ...(p.maxInternalRedirects > 0 ? { maxInternalRedirects: p.maxInternalRedirects } : {}),
    redirectResponseCodes: p.redirectResponseCodes.filter((c) => REDIRECT_CODES.has(c)),
    predicates,
    allowCrossSchemeRedirect: p.crossScheme !== "never",
  };
}
