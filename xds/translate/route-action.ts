/**
 * What a matched route does in Envoy: forward to clusters (with timeouts, retries, mirroring,
 * hashing, rewrites, websockets), redirect, or answer directly.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type {
  RedirectActionSchema,
  RouteAction_HashPolicySchema,
  RouteAction_RequestMirrorPolicySchema,
  RouteActionSchema,
  RouteSchema,
  WeightedCluster_ClusterWeightSchema,
} from "../gen/envoy/config/route/v3/route_components_pb.js";
import { RedirectAction_RedirectResponseCode } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { FractionalPercent_DenominatorType } from "../gen/envoy/type/v3/percent_pb.js";
import type { HashPolicy, RouteAction, WeightedCluster } from "../../controllers/model/model.js";
import { hasHeaderPolicy, translateHeaderPolicies } from "./headers.js";
import { translateInternalRedirect } from "./internal-redirect.js";
import { durationFromMs, durationFromSeconds, inlineString } from "./proto.js";
import { normaliseWeights } from "./weights.js";

type ForwardAction = Extract<RouteAction, { kind: "forward" }>;
type RedirectModel = Extract<RouteAction, { kind: "redirect" }>;
type DirectModel = Extract<RouteAction, { kind: "direct" }>;
type RouteActionInit = MessageInitShape<typeof RouteActionSchema>;
/** The action oneof of an Envoy Route. */
export type RouteActionOneof = MessageInitShape<typeof RouteSchema>["action"];

const REDIRECT_CODES: Record<RedirectModel["statusCode"], RedirectAction_RedirectResponseCode> = {
  301: RedirectAction_RedirectResponseCode.MOVED_PERMANENTLY,
  302: RedirectAction_RedirectResponseCode.FOUND,
  303: RedirectAction_RedirectResponseCode.SEE_OTHER,
  307: RedirectAction_RedirectResponseCode.TEMPORARY_REDIRECT,
  308: RedirectAction_RedirectResponseCode.PERMANENT_REDIRECT,
};

/** A mirror fraction: whole percents exactly, anything finer in millionths. */
function mirrorPolicy(mirror: { readonly cluster: string; readonly percent: number }): MessageInitShape<typeof RouteAction_RequestMirrorPolicySchema> {
  const percent = Math.min(100, Math.max(0, mirror.percent));
  const fraction = Number.isInteger(percent)
    ? { numerator: percent, denominator: FractionalPercent_DenominatorType.HUNDRED }
    : { numerator: Math.round(percent * 10_000), denominator: FractionalPercent_DenominatorType.MILLION };
  return { cluster: mirror.cluster, runtimeFraction: { defaultValue: fraction } };
}

function hashPolicy(policy: HashPolicy): MessageInitShape<typeof RouteAction_HashPolicySchema> {
  switch (policy.kind) {
    case "header":
      return { policySpecifier: { case: "header", value: { headerName: policy.name } }, terminal: policy.terminal };
    case "query":
      return { policySpecifier: { case: "queryParameter", value: { name: policy.name } }, terminal: policy.terminal };
    case "sourceIp":
      return { policySpecifier: { case: "connectionProperties", value: { sourceIp: true } }, terminal: policy.terminal };
    case "cookie":
      return { policySpecifier: { case: "cookie", value: { name: policy.name, ttl: durationFromSeconds(policy.ttlSeconds), path: policy.path } } };
  }
}

/** One destination of a split, with its own header mutations. */
function clusterWeight(c: WeightedCluster): MessageInitShape<typeof WeightedCluster_ClusterWeightSchema> {
  const m = translateHeaderPolicies(c.requestHeaders, c.responseHeaders);
  return {
    name: c.cluster,
    weight: c.weight,
    requestHeadersToAdd: m.requestHeadersToAdd,
    requestHeadersToRemove: m.requestHeadersToRemove,
    responseHeadersToAdd: m.responseHeadersToAdd,
    responseHeadersToRemove: m.responseHeadersToRemove,
    ...(m.hostRewrite === undefined ? {} : { hostRewriteSpecifier: { case: "hostRewriteLiteral", value: m.hostRewrite } }),
  };
}

function clusterSpecifier(action: ForwardAction): RouteActionInit["clusterSpecifier"] {
  const [only] = action.clusters;
  // One destination without its own header policy is a plain cluster (upstream's "single simple
  // cluster"); anything else needs weighted_clusters, even with one entry, to carry its headers.
  if (only !== undefined && action.clusters.length === 1 && !hasHeaderPolicy(only.requestHeaders) && !hasHeaderPolicy(only.responseHeaders)) {
    return { case: "cluster", value: only.cluster };
  }
  return {
    case: "weightedClusters",
    value: {
      // No total_weight: Envoy ≥ 1.30 sums the weights itself, so they need not add up to 100.
      clusters: normaliseWeights(action.clusters).map(clusterWeight),
    },
  };
}

/** RE2 text matching `s` literally. */
function re2Literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
}

/**
 * A prefix rewrite ending in "/" of a route matching whole path segments (Gateway API
 * ReplacePrefixMatch): Envoy's prefix_rewrite would keep the "/" that follows the prefix and give
 * "//rest", so the prefix and the slashes after it are replaced as one by a regex rewrite.
 */
function segmentPrefixRewrite(prefix: string, replacement: string): RouteActionInit["regexRewrite"] {
  const trimmed = prefix.replace(/\/+$/u, "");
  const substitution = (replacement.endsWith("/") ? replacement : `${replacement}/`).replaceAll("\\", "\\\\");
  return { pattern: { regex: `^${re2Literal(trimmed)}/*` }, substitution };
}

/**
 * The retry policy of a forwarded request. A per-try timeout (Gateway API timeouts.backendRequest)
 * lives in Envoy's retry policy, so a route with one and no retry gets a policy that retries on
 * nothing. A back-off base sets Envoy's maximum to its default of ten times the base.
 */
function retryPolicy(action: ForwardAction): Pick<RouteActionInit, "retryPolicy"> {
  const { retry, timeout } = action;
  if (retry === undefined || retry.retryOn === "") {
    const perTry = timeout?.backendRequestMs ?? 0;
    return perTry > 0 ? { retryPolicy: { numRetries: 0, perTryTimeout: durationFromMs(perTry) } } : {};
  }
  const backoff = retry.backoffBaseMs ?? 0;
  return {
    retryPolicy: {
      retryOn: retry.retryOn,
      retriableStatusCodes: [...retry.retriableStatusCodes],
      ...(retry.numRetries > 0 ? { numRetries: retry.numRetries } : {}),
      ...(retry.perTryTimeoutMs > 0 ? { perTryTimeout: durationFromMs(retry.perTryTimeoutMs) } : {}),
      ...(backoff > 0 ? { retryBackOff: { baseInterval: durationFromMs(backoff), maxInterval: durationFromMs(backoff * 10) } } : {}),
    },
  };
}

function forwardAction(action: ForwardAction, hostRewrite: string | undefined, hostRewriteHeader: string | undefined, segmentPrefix: string | undefined): RouteActionInit {
  const { timeout } = action;
  const viaRegex = segmentPrefix !== undefined && action.prefixRewrite !== undefined && (action.prefixRewrite.endsWith("/") || segmentPrefix.replace(/\/+$/u, "") === "");
  return {
    clusterSpecifier: clusterSpecifier(action),
    // Unset timeouts keep Envoy's defaults (15 s response, no idle); 0 disables them.
    ...(timeout?.responseMs == null ? {} : { timeout: durationFromMs(timeout.responseMs) }),
    ...(timeout?.idleMs == null ? {} : { idleTimeout: durationFromMs(timeout.idleMs) }),
    ...retryPolicy(action),
    requestMirrorPolicies: (action.mirror ?? []).map(mirrorPolicy),
    prefixRewrite: viaRegex ? "" : (action.prefixRewrite ?? ""),
    ...(viaRegex && segmentPrefix !== undefined && action.prefixRewrite !== undefined ? { regexRewrite: segmentPrefixRewrite(segmentPrefix, action.prefixRewrite) } : {}),
    // Gateway API ReplaceFullPath: the whole path (Envoy leaves the query string alone). Anchored, so
    // the pattern matches once and not again on the empty string at the end.
    ...(action.fullPathRewrite === undefined ? {} : { regexRewrite: { pattern: { regex: "^.*$" }, substitution: action.fullPathRewrite } }),
    hashPolicy: (action.hashPolicy ?? []).map(hashPolicy),
    // Upgrades are allowed per route, so one websocket route does not open upgrades for all.
    upgradeConfigs: action.websocket ? [{ upgradeType: "websocket" }] : [],
    ...(action.internalRedirect === undefined ? {} : { internalRedirectPolicy: translateInternalRedirect(action.internalRedirect) }),
    ...((action.hostRewrite ?? hostRewrite) !== undefined
      ? { hostRewriteSpecifier: { case: "hostRewriteLiteral", value: (action.hostRewrite ?? hostRewrite) as string } }
      : hostRewriteHeader !== undefined
        ? { hostRewriteSpecifier: { case: "hostRewriteHeader", value: hostRewriteHeader } }
        : {}),
  };
}

function redirectAction(action: RedirectModel): MessageInitShape<typeof RedirectActionSchema> {
  const path: MessageInitShape<typeof RedirectActionSchema>["pathRewriteSpecifier"] =
    action.path !== undefined && action.path !== ""
      ? { case: "pathRedirect", value: action.path }
      : action.prefix !== undefined && action.prefix !== ""
        ? { case: "prefixRewrite", value: action.prefix }
        : undefined;
  return {
    ...(action.scheme === undefined ? {} : { schemeRewriteSpecifier: { case: "schemeRedirect", value: action.scheme } }),
    hostRedirect: action.host ?? "",
    portRedirect: action.port ?? 0,
    ...(path === undefined ? {} : { pathRewriteSpecifier: path }),
    responseCode: REDIRECT_CODES[action.statusCode],
  };
}

function directAction(action: DirectModel): RouteActionOneof {
  // Envoy rejects statuses outside 200-599, and with them the whole route configuration (every
  // host's routes): a bad status costs only its own route, answering 500.
  const status = Number.isInteger(action.status) && action.status >= 200 && action.status <= 599 ? action.status : 500;
  return {
    case: "directResponse",
    value: { status, ...(action.body === undefined || action.body === "" ? {} : { body: inlineString(action.body) }) },
  };
}

/** The redirect the plain-HTTP listener answers with for routes of a host that requires TLS. */
export function httpsUpgradeAction(): RouteActionOneof {
  return { case: "redirect", value: { schemeRewriteSpecifier: { case: "httpsRedirect", value: true } } };
}

/**
/**
 * The Envoy action of a model route action; hostRewrite (a literal Host, which wins, as upstream has
 * it) and hostRewriteHeader (Host taken from a request header) come from the route's Host policy.
 * segmentPrefix: the route's segment-prefix match when its prefix rewrite has Gateway API semantics.
 */
export function translateRouteAction(action: RouteAction, hostRewrite: string | undefined, hostRewriteHeader?: string, segmentPrefix?: string): RouteActionOneof {
  switch (action.kind) {
    case "forward":
      return { case: "route", value: forwardAction(action, hostRewrite, hostRewriteHeader, segmentPrefix) };
    case "redirect":
      return { case: "redirect", value: redirectAction(action) };
    case "direct":
      return directAction(action);
  }
}
