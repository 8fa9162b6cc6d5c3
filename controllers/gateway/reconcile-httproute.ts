import type { HTTPRoute, HTTPRouteRule } from "../../crds/types/gateway-api/httproute.js";
import type { ParentReference } from "../../crds/types/gateway-api/common.js";
import type { Cluster, Route, RouteAction, RouteMatch, SourceRef, TlsSecret, VirtualHost } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "../services/service-cluster.js";
import { compareText, condition, createDependencySet, entries, failure, timestampText, type Dependency, type GatewayObjects } from "./objects.js";
import { listenerKey, type GatewayListener } from "./gateway-listener.js";
import { claimedByMoreSpecific } from "./hostnames.js";
import { gatewayListenerName, httpRouteRouteName } from "./names.js";
import { resolveParentRef, type Attachment, type GatewayLookup } from "./route-parents.js";
import { compareRank, grpcRouteRank, routeRank, type GrpcMatchRank } from "./route-rank.js";
import { buildRule, droppedRulesMessage, type BuiltRule, type RuleOutputs } from "./route-rules.js";
import type { BackendTlsLookup } from "./route-backends.js";

/** What the HTTPRoute reconcile needs. */
export interface HTTPRouteOptions {
  /** Results of the Gateway reconciles, by namespace and name. */
  readonly gateways: GatewayLookup;
  /** Written into every parent status (default projectcontour.io/gateway-controller). */
  readonly controllerName?: string;
  readonly connectTimeoutMs?: number;
  readonly backendTls?: BackendTlsLookup;
  /** The kind being reconciled: a GRPCRoute is reconciled as the HTTPRoute it amounts to (reconcile-grpcroute.ts). */
  readonly kind?: "HTTPRoute" | "GRPCRoute";
  /** GRPCRoute: the precedence of match j of rule i, from the gRPC method and headers (not from the path it became). */
  readonly grpcMatchRank?: (rule: number, match: number) => GrpcMatchRank | undefined;
}

/** The status of one parentRef. */
export interface RouteParentView {
  readonly parentRef: ParentReference;
  readonly controllerName: string;
  readonly conditions: readonly Condition[];
}

/** Routes for one hostname on one Gateway listener. */
export interface ListenerVirtualHost {
  /** listenerKey of the Gateway listener. */
  readonly listener: string;
  /** Name of the Envoy listener serving it (gateway/<ns>/<name>/<port>). */
  readonly envoyListener: string;
  readonly virtualHost: VirtualHost;
}

/** What one HTTPRoute reconcile contributes. */
export interface HTTPRouteResult {
  readonly source: SourceRef;
  /** One entry per parentRef that names a Gateway or ListenerSet of ours, in parentRefs order. */
  readonly parents: readonly RouteParentView[];
  /** The Gateways of ours the parentRefs lead to (a ListenerSet's parent for a ListenerSet), sorted: a BackendTLSPolicy's ancestors. */
  readonly gateways: readonly { readonly namespace: string; readonly name: string }[];
  /** Keys of the listeners the route is attached to (for attachedRoutes), sorted. */
  readonly attachedListeners: readonly string[];
  readonly virtualHosts: readonly ListenerVirtualHost[];
  readonly clusters: readonly Cluster[];
  readonly secrets: readonly TlsSecret[];
  readonly dependencies: readonly Dependency[];
}

/**
 * One HTTPRoute's routes on every listener it attaches to and its status per parent: Accepted
 * (Accepted, NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname, UnsupportedValue,
 * IncompatibleFilters), ResolvedRefs (ResolvedRefs, BackendNotFound, RefNotPermitted, InvalidKind,
 * UnsupportedProtocol) and PartiallyInvalid when some rules were dropped. Routes are named
 * httproute/<ns>/<name>/rule/<i>/match/<j> and ranked by the spec's precedence (routeRank). A
 * hostname a more specific listener on the same port serves is left to that listener (isolation).
 */
export function reconcileHTTPRoute(objects: GatewayObjects, route: HTTPRoute, options: HTTPRouteOptions): HTTPRouteResult {
  try {
    return reconcile(objects, route, options);
  } catch (e) {
    // Only a bug or input the schema forbids gets here: the route serves nothing and its parents are told.
    const controllerName = options.controllerName ?? "projectcontour.io/gateway-controller";
    const parents = entries<ParentReference>(route.spec?.parentRefs).map((parentRef) => ({ parentRef, controllerName, conditions: [condition("Accepted", false, "UnsupportedValue", failure(e))] }));
    return { source: { kind: options.kind ?? "HTTPRoute", namespace: route.metadata?.namespace ?? "", name: route.metadata?.name ?? "" }, parents, gateways: [], attachedListeners: [], virtualHosts: [], clusters: [], secrets: [], dependencies: [] };
  }
}

function reconcile(objects: GatewayObjects, route: HTTPRoute, options: HTTPRouteOptions): HTTPRouteResult {
  const namespace = route.metadata?.namespace ?? "";
  const name = route.metadata?.name ?? "";
  const kind = options.kind ?? "HTTPRoute";
  const source: SourceRef = { kind, namespace, name };
  const controllerName = options.controllerName ?? "projectcontour.io/gateway-controller";
  const deps = createDependencySet();
  const hostnames = (Array.isArray(route.spec?.hostnames) ? route.spec.hostnames : []).filter((h): h is string => typeof h === "string");

  const resolutions = entries<ParentReference>(route.spec?.parentRefs).map((ref, i) => ({ ref, r: resolveParentRef(objects, deps, options.gateways, { kind, namespace, hostnames }, ref, `spec.parentRefs[${i}]`) }));
  const attached = resolutions.some(({ r }) => r.ours && r.attached);
  const anyOurs = resolutions.some(({ r }) => r.ours);

  const out: RuleOutputs = { clusters: new Map(), secrets: new Map(), refProblems: [] };
  const ctx = { objects, deps, namespace, routeKind: kind, http2: kind === "GRPCRoute", connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, ...(options.backendTls !== undefined ? { backendTls: options.backendTls } : {}) };
  // Rules are resolved for a route with a parent of ours, attached or not, so ResolvedRefs tells the truth; only an attached one contributes clusters.
  const given = entries<HTTPRouteRule>(route.spec?.rules);
  const specRules = given.length > 0 ? given : [{}];
  const built: BuiltRule[] = anyOurs ? specRules.map((rule, i) => buildRule(ctx, out, rule, i)) : [];
  const good = built.filter((b): b is Extract<BuiltRule, { ok: true }> => b.ok);
  const dropped = built.filter((b): b is Extract<BuiltRule, { ok: false }> => !b.ok);

  const created = timestampText(route.metadata?.creationTimestamp);
  const vhosts: ListenerVirtualHost[] = [];
  const attachedListeners = new Set<string>();
  const parents: RouteParentView[] = [];
  for (const { ref, r } of resolutions) {
    if (!r.ours) continue;
    const conditions: Condition[] = [];
    if (!r.attached) conditions.push(condition("Accepted", false, r.reason, r.message));
    else if (good.length === 0) {
      const first = dropped[0];
      conditions.push(condition("Accepted", false, first?.reason ?? "UnsupportedValue", first?.message ?? "no rule is valid"));
    } else {
      conditions.push(condition("Accepted", true, "Accepted", "route is accepted"));
      for (const a of r.attachments) {
        attachedListeners.add(listenerKey(a.listener.source, a.listener.name));
        vhosts.push(...listenerVirtualHosts(a, good, { source, created }, options.grpcMatchRank));
      }
    }
    const refProblem = out.refProblems[0];
    conditions.push(refProblem === undefined ? condition("ResolvedRefs", true, "ResolvedRefs", "references are resolved") : condition("ResolvedRefs", false, refProblem.reason, refProblem.message));
    if (r.attached && good.length > 0 && dropped.length > 0) conditions.push(condition("PartiallyInvalid", true, "UnsupportedValue", droppedRulesMessage(dropped)));
    parents.push({ parentRef: ref, controllerName, conditions });
  }
  const byName = <T extends { readonly name: string }>(m: ReadonlyMap<string, T>): T[] => [...m.values()].sort((a, b) => compareText(a.name, b.name));
  const gateways = new Map<string, { namespace: string; name: string }>();
  for (const { r } of resolutions) if (r.ours) gateways.set(`${r.gateway.namespace}/${r.gateway.name}`, r.gateway);
  return {
    source,
    parents,
    gateways: [...gateways.entries()].sort(([a], [b]) => compareText(a, b)).map(([, g]) => g),
    attachedListeners: [...attachedListeners].sort(),
    virtualHosts: mergeVirtualHosts(vhosts),
    clusters: attached ? byName(out.clusters) : [],
    secrets: attached ? byName(out.secrets) : [],
    dependencies: deps.sorted(),
  };
}

function listenerVirtualHosts(a: Attachment, rules: readonly Extract<BuiltRule, { ok: true }>[], id: { source: SourceRef; created: string }, grpcMatchRank: HTTPRouteOptions["grpcMatchRank"]): ListenerVirtualHost[] {
  const l = a.listener;
  const siblings = a.siblings.filter((s) => s !== l).map((s) => s.hostname);
  const routes: Route[] = [];
  const rankOf = (rule: number, j: number, m: { readonly match: RouteMatch; readonly hasMethod: boolean }): string => {
    const at = { created: id.created, namespace: id.source.namespace, name: id.source.name, rule, matchIndex: j };
    const grpc = grpcMatchRank?.(rule, j);
    return grpc === undefined ? routeRank({ match: m.match, hasMethod: m.hasMethod, ...at }) : grpcRouteRank(grpc, at);
  };
  for (const rule of rules) {
    for (const [j, m] of rule.matches.entries()) {
      const f = rule.filters;
      routes.push({
        source: id.source,
        name: httpRouteRouteName(id.source.namespace, id.source.name, rule.index, j, id.source.kind),
        rank: rankOf(rule.index, j, m),
        match: m.match,
        action: ruleAction(rule, l),
        httpsRedirect: false,
        ...(f.requestHeaders !== undefined ? { requestHeaders: f.requestHeaders } : {}),
        ...(f.responseHeaders !== undefined ? { responseHeaders: f.responseHeaders } : {}),
        ...(f.cors !== undefined ? { cors: f.cors } : {}),
      });
    }
  }
  routes.sort(compareRank);
  const key = listenerKey(l.source, l.name);
  const envoyListener = gatewayListenerName(l.gateway.namespace, l.gateway.name, l.port);
  return a.hostnames.filter((h) => !claimedByMoreSpecific(h, l.hostname, siblings)).map((fqdn) => ({ listener: key, envoyListener, virtualHost: { fqdn, routes } }));
}

function ruleAction(rule: Extract<BuiltRule, { ok: true }>, l: GatewayListener): RouteAction {
  const redirect = rule.filters.redirect;
  if (redirect !== undefined) {
    const { schemeSet, port, ...rest } = redirect;
    // The spec's port rule: an explicit port; else the scheme's well-known port; else the listener's port.
    const effective = port ?? (schemeSet ? (redirect.scheme === "https" ? 443 : 80) : l.port);
    return { ...rest, port: effective };
  }
  if (rule.unservable || rule.clusters.length === 0) return { kind: "direct", status: 500 };
  const f = rule.filters;
  return {
    kind: "forward",
    clusters: rule.clusters,
    ...(rule.invalidWeight > 0 ? { invalidWeight: rule.invalidWeight } : {}),
    websocket: rule.websocket,
    ...(rule.mirrors.length > 0 ? { mirror: rule.mirrors } : {}),
    ...(rule.timeout !== undefined ? { timeout: rule.timeout } : {}),
    ...(rule.retry !== undefined ? { retry: rule.retry } : {}),
    ...(f.prefixRewrite !== undefined ? { prefixRewrite: f.prefixRewrite } : {}),
    ...(f.fullPathRewrite !== undefined ? { fullPathRewrite: f.fullPathRewrite } : {}),
    ...(f.hostRewrite !== undefined ? { hostRewrite: f.hostRewrite } : {}),
  };
}

/** One virtual host per (listener, fqdn): two parentRefs reaching one listener give it the routes once. */
function mergeVirtualHosts(vhosts: readonly ListenerVirtualHost[]): ListenerVirtualHost[] {
  const byKey = new Map<string, ListenerVirtualHost>();
  for (const v of vhosts) byKey.set(`${v.listener}\n${v.virtualHost.fqdn}`, v);
  return [...byKey.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
}
