// TLSRoute, TCPRoute and UDPRoute: routes without requests. Each attaches to TLS, TCP or UDP
// listeners through the same parent resolution as HTTPRoute, resolves its backends through the same
// backend machinery (as plain TCP/UDP clusters), and becomes one stream per attached listener: for
// TLS selected by the SNI names it shares with the listener, for TCP and UDP the listener's whole
// traffic (the oldest route wins it; the others stay attached and accepted, as the spec's tests ask).
import type { BackendRef, ParentReference } from "../../crds/types/gateway-api/common.js";
import type { L4RouteRule, TCPRoute, TLSRoute, UDPRoute } from "../../crds/types/gateway-api/other-routes.js";
import type { Cluster, ExtensionClusterMember, SourceRef, WeightedCluster } from "../model/model.js";
import { serviceClusterName } from "../model/cluster-name.js";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "../services/service-cluster.js";
import type { Condition } from "../store/fragment.js";
import { listenerKey } from "./gateway-listener.js";
import { gatewayListenerName, l4RouteRuleName } from "./names.js";
import { compareText, condition, createDependencySet, entries, failure, timestampText, type Dependency, type GatewayObjects } from "./objects.js";
import type { RouteParentView } from "./reconcile-httproute.js";
import { resolveBackendRef } from "./route-backends.js";
import { resolveParentRef, type GatewayLookup } from "./route-parents.js";

/** The route kinds this module reconciles. */
export type L4RouteKind = "TLSRoute" | "TCPRoute" | "UDPRoute";

/** What an L4 route reconcile needs. */
export interface L4RouteOptions {
  readonly gateways: GatewayLookup;
  readonly controllerName?: string;
  readonly connectTimeoutMs?: number;
}

/** One route's stream on one Gateway listener, before the stage picks among routes. */
export interface L4Attachment {
  /** listenerKey of the Gateway listener. */
  readonly listener: string;
  /** The Envoy listener serving it. */
  readonly envoyListener: string;
  /** `tlsroute/<ns>/<name>/rule/<i>`. */
  readonly name: string;
  readonly source: SourceRef;
  /** RFC 3339 creation time, then namespace/name: the oldest route wins a contested listener or SNI name. */
  readonly created: string;
  /** TLS: the route's hostnames intersected with the listener's ("*" for any); empty for TCP and UDP. */
  readonly serverNames: readonly string[];
  readonly clusters: readonly WeightedCluster[];
}

/** What one TLSRoute, TCPRoute or UDPRoute reconcile produces. */
export interface L4RouteResult {
  readonly source: SourceRef;
  readonly parents: readonly RouteParentView[];
  readonly gateways: readonly { readonly namespace: string; readonly name: string }[];
  /** Keys of the listeners the route is attached to (for attachedRoutes), sorted. */
  readonly attachedListeners: readonly string[];
  readonly attachments: readonly L4Attachment[];
  readonly clusters: readonly Cluster[];
  readonly dependencies: readonly Dependency[];
}

type L4Route = TLSRoute | TCPRoute | UDPRoute;

/** A TLSRoute: SNI-selected streams on TLS listeners (passthrough or terminated by the listener's mode). */
export function reconcileTLSRoute(objects: GatewayObjects, route: TLSRoute, options: L4RouteOptions): L4RouteResult {
  return reconcileL4Route(objects, "TLSRoute", route, options);
}

/** A TCPRoute: a TCP listener's connections to weighted Services. */
export function reconcileTCPRoute(objects: GatewayObjects, route: TCPRoute, options: L4RouteOptions): L4RouteResult {
  return reconcileL4Route(objects, "TCPRoute", route, options);
}

/** A UDPRoute: a UDP listener's datagrams to weighted Services. */
export function reconcileUDPRoute(objects: GatewayObjects, route: UDPRoute, options: L4RouteOptions): L4RouteResult {
  return reconcileL4Route(objects, "UDPRoute", route, options);
}

/**
 * One L4 route on every listener it attaches to, with its status per parent: Accepted (Accepted,
 * NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname) and ResolvedRefs
 * (ResolvedRefs, BackendNotFound, RefNotPermitted, InvalidKind). Pure; never throws.
 */
export function reconcileL4Route(objects: GatewayObjects, kind: L4RouteKind, route: L4Route, options: L4RouteOptions): L4RouteResult {
  try {
    return reconcile(objects, kind, route, options);
  } catch (e) {
    const controllerName = options.controllerName ?? "projectcontour.io/gateway-controller";
    const parents = entries<ParentReference>(route.spec?.parentRefs).map((parentRef) => ({ parentRef, controllerName, conditions: [condition("Accepted", false, "UnsupportedValue", failure(e))] }));
    return { source: { kind, namespace: route.metadata?.namespace ?? "", name: route.metadata?.name ?? "" }, parents, gateways: [], attachedListeners: [], attachments: [], clusters: [], dependencies: [] };
  }
}

function reconcile(objects: GatewayObjects, kind: L4RouteKind, route: L4Route, options: L4RouteOptions): L4RouteResult {
  const namespace = route.metadata?.namespace ?? "";
  const name = route.metadata?.name ?? "";
  const source: SourceRef = { kind, namespace, name };
  const controllerName = options.controllerName ?? "projectcontour.io/gateway-controller";
  const deps = createDependencySet();
  const spec = route.spec as { readonly hostnames?: unknown } | undefined;
  const hostnames = kind === "TLSRoute" && Array.isArray(spec?.hostnames) ? spec.hostnames.filter((h): h is string => typeof h === "string") : [];

  const resolutions = entries<ParentReference>(route.spec?.parentRefs).map((ref, i) => ({ ref, r: resolveParentRef(objects, deps, options.gateways, { kind, namespace, hostnames }, ref, `spec.parentRefs[${i}]`) }));
  const anyOurs = resolutions.some(({ r }) => r.ours);

  // v1 allows one rule (maxItems 1): without requests, nothing tells two rules apart. More can come
  // only through v1alpha2 (maxItems 16); such a route is refused, naming the field, rather than
  // served by a rule picked at random.
  const rules = entries<L4RouteRule>(route.spec?.rules);
  const ruleProblem =
    rules.length === 0
      ? "spec.rules: a route needs a rule"
      : rules.length > 1
        ? `spec.rules: a ${kind} has exactly one rule (gateway.networking.k8s.io/v1 allows at most 1; nothing tells two rules of an L4 route apart), this one has ${rules.length}`
        : undefined;
  const ruleName = l4RouteRuleName(kind, namespace, name, 0);
  const clusters = new Map<string, Cluster>();
  let weighted: WeightedCluster[] = [];
  let refProblem: { reason: string; message: string } | undefined;
  if (anyOurs) {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const ctx = { objects, deps, namespace, routeKind: kind, transport: kind === "UDPRoute" ? ("UDP" as const) : ("TCP" as const), connectTimeoutMs };
    const resolved: { cluster: Cluster; weight: number }[] = [];
    let invalidWeight = 0;
    // Every rule's references are resolved for ResolvedRefs; only a lone rule carries traffic.
    for (const [i, rule] of rules.entries()) {
      for (const [j, ref] of entries<BackendRef>(rule.backendRefs).entries()) {
        const field = `spec.rules[${i}].backendRefs[${j}]`;
        const r = resolveBackendRef(ctx, ref, field);
        if (!r.ok) {
          refProblem ??= { reason: r.reason === "BackendTLSPolicyInvalid" ? "BackendNotFound" : r.reason, message: r.message };
          const w = ref.weight ?? 1;
          if (i === 0 && Number.isInteger(w) && w > 0) invalidWeight += w;
          continue;
        }
        const weight = ref.weight ?? 1;
        if (!Number.isInteger(weight) || weight < 0) {
          refProblem ??= { reason: "UnsupportedValue", message: `${field}.weight: ${weight} is not a non-negative integer` };
          continue;
        }
        if (i === 0) resolved.push({ cluster: streamCluster(r.cluster), weight });
      }
    }
    const udpCluster = kind === "UDPRoute" ? weightedUdpCluster(ruleName, resolved, connectTimeoutMs) : undefined;
    if (udpCluster !== undefined) {
      clusters.set(udpCluster.name, udpCluster);
      weighted = [{ cluster: udpCluster.name, weight: 1 }];
    } else {
      for (const { cluster, weight } of resolved) {
        clusters.set(cluster.name, cluster);
        weighted.push({ cluster: cluster.name, weight });
      }
      // The spec: connections meant for an invalid backend are rejected, in proportion to its weight.
      // A TCP proxy closes a connection sent to a cluster Envoy does not have. (No valid backend at
      // all: no clusters, and the stream closes every connection anyway. UDP: see weightedUdpCluster.)
      if (kind !== "UDPRoute" && invalidWeight > 0 && resolved.some((c) => c.weight > 0)) weighted.push({ cluster: invalidBackendsCluster(ruleName), weight: invalidWeight });
    }
  }

  const created = timestampText(route.metadata?.creationTimestamp);
  const attachments: L4Attachment[] = [];
  const attachedListeners = new Set<string>();
  const parents: RouteParentView[] = [];
  for (const { ref, r } of resolutions) {
    if (!r.ours) continue;
    const conditions: Condition[] = [];
    if (!r.attached) conditions.push(condition("Accepted", false, r.reason, r.message));
    else if (ruleProblem !== undefined) conditions.push(condition("Accepted", false, "UnsupportedValue", ruleProblem));
    else {
      conditions.push(condition("Accepted", true, "Accepted", "route is accepted"));
      for (const a of r.attachments) {
        const key = listenerKey(a.listener.source, a.listener.name);
        attachedListeners.add(key);
        attachments.push({
          listener: key,
          envoyListener: gatewayListenerName(a.listener.gateway.namespace, a.listener.gateway.name, a.listener.port),
          name: ruleName,
          source,
          created,
          serverNames: kind === "TLSRoute" ? [...a.hostnames].sort(compareText) : [],
          clusters: weighted,
        });
      }
    }
    conditions.push(refProblem === undefined ? condition("ResolvedRefs", true, "ResolvedRefs", "references are resolved") : condition("ResolvedRefs", false, refProblem.reason, refProblem.message));
    parents.push({ parentRef: ref, controllerName, conditions });
  }
  const gateways = new Map<string, { namespace: string; name: string }>();
  for (const { r } of resolutions) if (r.ours) gateways.set(`${r.gateway.namespace}/${r.gateway.name}`, r.gateway);
  return {
    source,
    parents,
    gateways: [...gateways.entries()].sort(([a], [b]) => compareText(a, b)).map(([, g]) => g),
    attachedListeners: [...attachedListeners].sort(),
    attachments: dedupe(attachments),
    clusters: attachments.length > 0 ? [...clusters.values()].sort((a, b) => compareText(a.name, b.name)) : [],
    dependencies: deps.sorted(),
  };
}

/**
 * The cluster of a stream: the Service port's, spoken to as plain bytes. What a Service says about
 * HTTP (appProtocol h2c, websockets, upstream TLS annotations) does not apply to a byte stream, and
 * upstream TLS would double-encrypt a passed-through TLS stream.
 */
function streamCluster(c: Cluster): Cluster {
  const { name: _name, upstreamValidation: _v, backendTls: _b, sni: _s, ...rest } = c;
  const plain: Omit<Cluster, "name"> = { ...rest, protocol: "http1" };
  // Upstream's TCPRoute/TLSRoute clusters carry no protocol and the ExternalName as SNI; a stream
  // cluster equal to an HTTP route's plain cluster may share its name: Envoy gets the same cluster.
  return { name: serviceClusterName(plain, plain.externalName ?? ""), ...plain };
}

/**
 * The cluster of a UDPRoute rule with several weighted backends, or undefined when at most one
 * backend has a weight: Envoy's UDP proxy routes each session to one cluster, so the backends
 * become one cluster named after the rule, each Service port a locality weighted by its weight
 * (two references to one Service port add up). A zero weight gets no traffic: left out. Envoy's
 * locality weighting gives the share of an empty locality to the others, so the share of a backend
 * without endpoints, or of an invalid backendRef (left out), goes to the valid ones, not dropped.
 */
function weightedUdpCluster(ruleName: string, resolved: readonly { cluster: Cluster; weight: number }[], connectTimeoutMs: number): Cluster | undefined {
  const members = new Map<string, ExtensionClusterMember>();
  for (const { cluster, weight } of resolved) {
    if (weight === 0) continue;
    const before = members.get(cluster.endpoints);
    members.set(cluster.endpoints, { service: cluster.service, endpoints: cluster.endpoints, weight: weight + (before?.weight ?? 0), locality: cluster.endpoints });
  }
  const list = [...members.values()].sort((a, b) => compareText(a.endpoints, b.endpoints));
  const [first] = list;
  if (first === undefined || list.length < 2) return undefined;
  return { name: ruleName, service: first.service, endpoints: ruleName, protocol: "http1", loadBalancer: "RoundRobin", connectTimeoutMs, weightedMembers: list };
}

/**
 * The cluster name a TLS or TCP stream sends the share of its invalid backendRefs to: never served,
 * so Envoy's TCP proxy closes those connections; named after the rule, so a config dump says why.
 */
export function invalidBackendsCluster(ruleName: string): string {
  return `${ruleName}/invalid-backends`;
}

/** Two parentRefs reaching one listener give it the stream once. */
function dedupe(list: readonly L4Attachment[]): L4Attachment[] {
  const byKey = new Map<string, L4Attachment>();
  for (const a of list) byKey.set(a.listener, a);
  return [...byKey.entries()].sort(([a], [b]) => compareText(a, b)).map(([, a]) => a);
}

/** Orders attachments oldest route first (creation time, then namespace/name): the first wins a contested listener or SNI name. */
export function olderAttachment(a: Pick<L4Attachment, "created" | "source">, b: Pick<L4Attachment, "created" | "source">): number {
  if (a.created !== b.created) return compareText(a.created, b.created);
  return compareText(`${a.source.namespace}/${a.source.name}`, `${b.source.namespace}/${b.source.name}`);
}
