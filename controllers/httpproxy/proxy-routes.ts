/**
 * The routes of one HTTPProxy and of everything it includes, as upstream's computeRoutes builds them.
 * Problems are reported on the proxy that has them. As upstream, a problem with a route (its
 * conditions, a policy, a service that cannot be used at all) drops every route of its proxy, while an
 * unresolved service drops only itself (a route left without any answers 503) and a missing include
 * only its subtree (answered with 502 under the include's conditions).
 */
import { uint32Problem, weightSumProblem } from "../validation/envoy-ranges.js";
import type { HTTPProxy, Include, MatchCondition, Route as SpecRoute } from "../../crds/types/httpproxy.js";
import type { Route, RouteAction, RouteMatch, SourceRef, WeightedCluster } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { formatKey, type ObjectKey } from "../source/object-cache.js";
import { internalRedirect } from "./internal-redirect.js";
import { routeAuthorization } from "./authorization.js";
import { quote } from "../store/conditions.js";
import { wildcardAuthorityMatch } from "../ingress/host-name.js";
import {
  conditionsOf,
  emptyHeaderConditions,
  headerConditionsProblem,
  includeConditionsKey,
  includeConditionsProblem,
  mergeMatch,
  pathConditionsProblem,
  queryConditionsProblem,
} from "./match-conditions.js";
import { headersPolicy, hostRewriteOf } from "./headers-policy.js";
import { ipFilter } from "./ip-filter.js";
import { routeJwtProvider } from "./jwt-providers.js";
import { MAX_INCLUDE_DEPTH, MAX_VISITS_PER_PROXY } from "./limits.js";
import { listLimitProblem } from "./list-limits.js";
import { Area, proxyError, proxyWarning, type AreaName } from "./proxy-conditions.js";
import { cookieRewrites } from "./cookie-rewrite.js";
import { localRateLimit } from "./rate-limit.js";
import { globalRateLimit, optsOut } from "./global-rate-limit.js";
import { directResponse, httpHealthCheck, loadBalancing, requestRedirect, retryPolicy, timeoutPolicy } from "./route-policies.js";
import { prefixRewriteOf, expandPrefixRewrites } from "./prefix-rewrite.js";
import { flag, list, obj, str } from "./spec-values.js";
import { resolveService } from "./upstream-services.js";
import { isRootProxy, lookupProxy, proxyKey, type WalkContext } from "./walk-context.js";

/**
 * Routes of `proxy` under the include conditions accumulated so far; `chain` is the include path from
 * the root (for cycle detection and messages).
 */
export function computeRoutes(ctx: WalkContext, proxy: HTTPProxy, conditions: readonly MatchCondition[], chain: readonly ObjectKey[]): Route[] {
  const key = proxyKey(proxy);
  ctx.reports.visit(key);
  if (chain.some((k) => k.namespace === key.namespace && k.name === key.name)) {
    const path = [...chain, key].map((k) => `${k.namespace}/${k.name}`).join(" -> ");
    ctx.reports.add(key, proxyError(Area.Include, "IncludeCreatesCycle", `spec.includes: include creates an include cycle: ${path}`));
    return [];
  }
  if (chain.length >= MAX_INCLUDE_DEPTH) {
    ctx.reports.add(key, proxyError(Area.Include, "IncludeTooDeep", `spec.includes: more than ${MAX_INCLUDE_DEPTH} levels of includes below the root`));
    return [];
  }
  // The root's lists were checked before its walk began; an included proxy's are checked here.
  const tooLong = chain.length > 0 ? listLimitProblem(proxy.spec) : undefined;
  if (tooLong !== undefined) {
    ctx.reports.add(key, proxyError(Area.Spec, "ListTooLong", tooLong));
    return [];
  }
  const here = [...chain, key];
  const routes: Route[] = [...includedRoutes(ctx, proxy, key, conditions, here)];
  const spec = obj<{ routes?: unknown }>(proxy.spec);
  const own = list<unknown>(spec?.routes);
  for (let j = 0; j < own.length; j++) {
    const built = buildRoute(ctx, key, conditions, obj<SpecRoute>(own[j]) ?? {}, `spec.routes[${j}]`);
    // Upstream's `return nil`: one bad route and none of this proxy's routes are served.
    if (built === undefined) return [];
    routes.push(...built);
  }
  return expandPrefixRewrites(routes);
}

function includedRoutes(ctx: WalkContext, proxy: HTTPProxy, key: ObjectKey, conditions: readonly MatchCondition[], chain: readonly ObjectKey[]): Route[] {
  const routes: Route[] = [];
  const seen = new Set<string>();
  const includes = list<unknown>(obj<{ includes?: unknown }>(proxy.spec)?.includes);
  includes.forEach((raw, i) => {
    const field = `spec.includes[${i}]`;
    const inc = obj<Include>(raw) ?? ({} as Include);
    const conds = conditionsOf(inc.conditions);
    const pathProblem = includeConditionsProblem(conds) ?? pathConditionsProblem(conds);
    if (pathProblem !== undefined) return void ctx.reports.add(key, proxyError(Area.Include, "PathMatchConditionsNotValid", `${field}.conditions: include: ${pathProblem}`));
    const headerProblem = headerConditionsProblem(conds);
    if (headerProblem !== undefined) return void ctx.reports.add(key, proxyError(Area.Route, "HeaderMatchConditionsNotValid", `${field}.conditions: ${headerProblem}`));
    const queryProblem = queryConditionsProblem(conds);
    if (queryProblem !== undefined) return void ctx.reports.add(key, proxyError(Area.Route, "QueryParameterMatchConditionsNotValid", `${field}.conditions: ${queryProblem}`));
    const condKey = includeConditionsKey(conds);
    if (condKey !== undefined) {
      if (seen.has(condKey)) return void ctx.reports.add(key, proxyError(Area.Include, "DuplicateMatchConditions", `${field}.conditions: duplicate conditions defined on an include`));
      seen.add(condKey);
    }
    const name = str(inc.name) ?? "";
    const namespace = str(inc.namespace) || key.namespace;
    const child = lookupProxy(ctx, namespace, name);
    if (child === undefined || isRootProxy(child)) {
      if (child === undefined) ctx.reports.add(key, proxyError(Area.Include, "IncludeNotFound", `${field}: include ${namespace}/${name} not found`));
      else ctx.reports.add(key, proxyError(Area.Include, "RootIncludesRoot", `${field}: root httpproxy cannot include another root httpproxy (${namespace}/${name})`));
      // The include's requests answer 502 rather than falling through to a shorter prefix.
      if (conds.length > 0) routes.push(...badGateway(ctx, key, [...conditions, ...conds]));
      return undefined;
    }
    const visitKey = formatKey({ kind: "HTTPProxy", namespace, name });
    const visits = (ctx.visits.get(visitKey) ?? 0) + 1;
    ctx.visits.set(visitKey, visits);
    if (visits > MAX_VISITS_PER_PROXY) {
      return void ctx.reports.add(key, proxyError(Area.Include, "TooManyInclusions", `${field}: ${namespace}/${name} is included more than ${MAX_VISITS_PER_PROXY} times below one root`));
    }
    routes.push(...computeRoutes(ctx, child, [...conditions, ...conds], chain));
    return undefined;
  });
  return routes;
}

function badGateway(ctx: WalkContext, key: ObjectKey, conds: readonly MatchCondition[]): Route[] {
  const merged = mergeMatch(conds);
  if ("problem" in merged) return [];
  return [{ source: sourceOf(key), match: withWildcard(ctx, merged.match), action: { kind: "direct", status: 502 }, httpsRedirect: false }];
}

/** The model routes of one spec route (two when a prefix rewrite is expanded), or undefined when the route is invalid. */
function buildRoute(ctx: WalkContext, key: ObjectKey, conditions: readonly MatchCondition[], r: SpecRoute, field: string): Route[] | undefined {
  const fail = (area: AreaName, reason: string, message: string): undefined => void ctx.reports.add(key, proxyError(area, reason, `${field}${message}`));
  const warn = (area: AreaName, message: string): void => ctx.reports.add(key, proxyWarning(area, "IgnoredField", `${field}${message}`));

  const services = list<unknown>(r.services);
  const actions = (services.length > 0 ? 1 : 0) + (r.requestRedirectPolicy !== undefined ? 1 : 0) + (r.directResponsePolicy !== undefined ? 1 : 0);
  if (actions !== 1) return fail(Area.Route, "RouteActionCountNotValid", ": must set exactly one of route.services or route.requestRedirectPolicy or route.directResponsePolicy");
  const own = conditionsOf(r.conditions);
  const pathProblem = pathConditionsProblem(own);
  if (pathProblem !== undefined) return fail(Area.Route, "PathMatchConditionsNotValid", `.conditions: route: ${pathProblem}`);
  const all = [...conditions, ...own];
  const headerProblem = headerConditionsProblem(all);
  if (headerProblem !== undefined) return fail(Area.Route, "HeaderMatchConditionsNotValid", `.conditions: ${headerProblem}`);
  const queryProblem = queryConditionsProblem(all);
  if (queryProblem !== undefined) return fail(Area.Route, "QueryParameterMatchConditionsNotValid", `.conditions: ${queryProblem}`);
  for (const name of emptyHeaderConditions(own)) warn(Area.Route, `.conditions: the header condition on ${quote(name)} sets no match; ignored`);
  const merged = mergeMatch(all);
  if ("problem" in merged) return fail(Area.Route, "PathMatchConditionsNotValid", `.conditions: route: ${merged.problem}`);

  const dynamic = { CONTOUR_NAMESPACE: key.namespace };
  const requestHeaders = headersPolicy(r.requestHeadersPolicy, { allowHost: true, allowHostFromHeader: true, dynamic });
  if (!requestHeaders.ok) return fail(Area.Route, "RequestHeadersPolicyInvalid", `.requestHeadersPolicy: ${requestHeaders.problem} on request headers`);
  const responseHeaders = headersPolicy(r.responseHeadersPolicy, { allowHost: false, dynamic });
  if (!responseHeaders.ok) return fail(Area.Route, "ResponseHeaderPolicyInvalid", `.responseHeadersPolicy: ${responseHeaders.problem} on response headers`);
  const timeouts = timeoutPolicy(r.timeoutPolicy, `${field}.timeoutPolicy`);
  if (!timeouts.ok) return fail(Area.Route, "TimeoutPolicyNotValid", `: route.timeoutPolicy failed to parse: ${timeouts.problem}`);
  const warnings: Condition[] = [];
  const rateLimit = localRateLimit(r.rateLimitPolicy, `${field}.rateLimitPolicy`);
  if (!rateLimit.ok) return fail(Area.Route, "RateLimitPolicyNotValid", `: route.rateLimitPolicy is invalid: ${rateLimit.problem}`);
  const globalLimit = globalRateLimit(r.rateLimitPolicy, `${field}.rateLimitPolicy`);
  if (!globalLimit.ok) return fail(Area.Route, "RateLimitPolicyNotValid", `: route.rateLimitPolicy is invalid: ${globalLimit.problem}`);
  const balancing = loadBalancing(r.loadBalancerPolicy, `${field}.loadBalancerPolicy`, warnings);
  const retryResult = retryPolicy(r.retryPolicy, `${field}.retryPolicy`, warnings);
  if (!retryResult.ok) return fail(Area.Route, "RetryPolicyNotValid", `: route.retryPolicy is invalid: ${retryResult.problem}`);
  const retry = retryResult.value;
  const redirect = requestRedirect(r.requestRedirectPolicy, `${field}.requestRedirectPolicy`);
  if (!redirect.ok) return fail(Area.Route, "RequestRedirectPolicy", `: route.requestRedirectPolicy is invalid: ${redirect.problem}`);
  const direct = directResponse(r.directResponsePolicy, `${field}.directResponsePolicy`);
  if (!direct.ok) return fail(Area.Route, "DirectResponsePolicyNotValid", `: route.directResponsePolicy is invalid: ${direct.problem}`);
  const rewrite = prefixRewriteOf(r.pathRewritePolicy, merged.match.path, `${field}.pathRewritePolicy`);
  if (!rewrite.ok) return fail(Area.PrefixReplace, rewrite.reason, `: ${rewrite.problem}`);
  const health = httpHealthCheck(r.healthCheckPolicy, `${field}.healthCheckPolicy`);
  if (!health.ok) return fail(Area.Route, "HealthCheckPolicyInvalid", `: ${health.problem}`);
  const jwt = routeJwtProvider(r.jwtVerificationPolicy, ctx.defaultJwtProvider, field);
  if (!jwt.ok) return void ctx.reports.add(key, jwt.condition);
  const filter = ipFilter(r.ipAllowPolicy, r.ipDenyPolicy, field);
  if (!filter.ok) {
    for (const e of filter.errors) ctx.reports.add(key, e);
    return undefined;
  }
  for (const c of warnings) ctx.reports.add(key, c);
  const cookies = cookieRewrites(r.cookieRewritePolicies, "route");
  if (!cookies.ok) return fail(Area.Route, "CookieRewritePoliciesInvalid", `.cookieRewritePolicies: ${cookies.problem}`);
  const redirects = internalRedirect(r.internalRedirectPolicy);
  if (!redirects.ok) return fail(Area.Route, "InternalRedirectPolicyNotValid", `.internalRedirectPolicy.${redirects.problem}`);

  const clusters: WeightedCluster[] = [];
  let mirror: { cluster: string; percent: number } | undefined;
  for (let k = 0; k < services.length; k++) {
    const sf = `${field}.services[${k}]`;
    const resolved = resolveService(
      { cache: ctx.cache, namespace: key.namespace, connectTimeoutMs: ctx.connectTimeoutMs, clientCertificate: ctx.clientCertificate, dependencies: ctx.dependencies, enableExternalNameService: ctx.enableExternalNameService === true },
      services[k],
      sf,
      {
        loadBalancer: balancing.strategy,
        headerPolicies: true,
        ...(health.value !== undefined ? { healthCheck: health.value } : {}),
        ...(timeouts.value.idleConnectionMs !== undefined ? { idleConnectionTimeoutMs: timeouts.value.idleConnectionMs } : {}),
        ...(hostRewriteOf(requestHeaders.policy) !== undefined ? { routeHostRewrite: hostRewriteOf(requestHeaders.policy) } : {}),
      },
    );
    if (resolved.kind === "fatal") {
      ctx.reports.add(key, resolved.condition);
      return undefined;
    }
    if (resolved.kind === "unresolved") {
      ctx.reports.add(key, resolved.condition);
      continue;
    }
    for (const w of resolved.warnings) ctx.reports.add(key, w);
    const serviceCookies = cookieRewrites(obj<{ cookieRewritePolicies?: unknown }>(services[k])?.cookieRewritePolicies, "service");
    if (!serviceCookies.ok) return fail(Area.Route, "CookieRewritePoliciesInvalid", `.services[${k}].cookieRewritePolicies: ${serviceCookies.problem}`);
    ctx.clusters.set(resolved.cluster.name, resolved.cluster);
    for (const s of resolved.secrets) ctx.secrets.set(s.name, s);
    const entry = obj<{ weight?: unknown; mirror?: unknown }>(services[k]);
    const weight = typeof entry?.weight === "number" && Number.isFinite(entry.weight) && entry.weight > 0 ? Math.floor(entry.weight) : 0;
    const weightProblem = uint32Problem(weight);
    if (weightProblem !== undefined) return fail(Area.Service, "WeightOutOfRange", `.services[${k}].weight: ${weightProblem}`);
    if (flag(entry?.mirror)) {
      if (mirror !== undefined) return fail(Area.Service, "OnlyOneMirror", ": only one service per route may be nominated as mirror");
      // Upstream: an omitted (zero) weight mirrors everything.
      mirror = { cluster: resolved.cluster.name, percent: weight === 0 ? 100 : Math.min(weight, 100) };
      continue;
    }
    clusters.push({
      cluster: resolved.cluster.name,
      weight,
      ...(resolved.requestHeaders !== undefined ? { requestHeaders: resolved.requestHeaders } : {}),
      ...(resolved.responseHeaders !== undefined ? { responseHeaders: resolved.responseHeaders } : {}),
      ...(serviceCookies.value !== undefined ? { cookieRewrites: serviceCookies.value } : {}),
    });
  }

  const sumProblem = weightSumProblem(clusters.map((c) => c.weight));
  if (sumProblem !== undefined) return fail(Area.Service, "WeightOutOfRange", `.services: ${sumProblem}`);

  let action: RouteAction;
  if (redirect.value !== undefined) action = redirect.value;
  else if (direct.value !== undefined) action = direct.value;
  else if (clusters.length === 0) action = { kind: "direct", status: 503 };
  else {
    action = {
      kind: "forward",
      clusters,
      ...(mirror !== undefined ? { mirror: [mirror] } : {}),
      ...(timeouts.value.route !== undefined ? { timeout: timeouts.value.route } : {}),
      ...(retry !== undefined ? { retry } : {}),
      websocket: flag(r.enableWebsockets),
      ...(rewrite.value !== undefined ? { prefixRewrite: rewrite.value } : {}),
      ...(balancing.hashPolicy !== undefined ? { hashPolicy: balancing.hashPolicy } : {}),
      ...(redirects.value !== undefined ? { internalRedirect: redirects.value } : {}),
    };
  }
  const route: Route = {
    source: sourceOf(key),
    match: withWildcard(ctx, merged.match),
    action,
    httpsRedirect: ctx.enforceTls && !(flag(r.permitInsecure) && !ctx.disablePermitInsecure),
    ...(requestHeaders.policy !== undefined ? { requestHeaders: requestHeaders.policy } : {}),
    ...(responseHeaders.policy !== undefined ? { responseHeaders: responseHeaders.policy } : {}),
    ...(rateLimit.value !== undefined ? { rateLimit: rateLimit.value } : {}),
    ...(globalLimit.value !== undefined ? { globalRateLimit: globalLimit.value } : {}),
    ...(optsOut(r.rateLimitPolicy) ? { ignoreVirtualHostGlobalRateLimit: true } : {}),
    ...(filter.filter !== undefined ? { ipFilter: filter.filter } : {}),
    ...authOf(routeAuthorization(ctx.auth, r.authPolicy)),
    ...(jwt.provider !== undefined ? { jwtProvider: jwt.provider } : {}),
    ...(cookies.value !== undefined && action.kind === "forward" ? { cookieRewrites: cookies.value } : {}),
  };
  return [route];
}

function authOf(auth: Route["auth"]): Pick<Route, "auth"> {
  return auth === undefined ? {} : { auth };
}

/** Upstream's wildcardDomainHeaderMatch: "*.example.com" stands for exactly one label. */
function withWildcard(ctx: WalkContext, match: RouteMatch): RouteMatch {
  if (!ctx.fqdn.startsWith("*.")) return match;
  return { ...match, headers: [...match.headers, wildcardAuthorityMatch(ctx.fqdn)] };
}

function sourceOf(key: ObjectKey): SourceRef {
  return { kind: "HTTPProxy", namespace: key.namespace, name: key.name };
}
