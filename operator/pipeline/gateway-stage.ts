// The Gateway API stage of the pipeline: GatewayClasses, Gateways (+ ListenerSets), HTTPRoutes and
// BackendTLSPolicies reconciled by the pure core (controllers/gateway), the per-Gateway Envoy ports
// allocated, and the result turned into Gateway listeners of the model, the Services the leader
// owns and the status views. Pure: the same cache gives the same state on every replica.
// computeGatewayState reconciles everything; gateway-incremental.ts keeps route results and redoes
// only what a change reaches, with the same result.
import type { KubernetesObject, V1EndpointSlice, V1Service } from "@kubernetes/client-node";
import type { Gateway, GatewayClass, GatewayStatusAddress, HTTPRoute, GRPCRoute, BackendTLSPolicy, ParentReference, TCPRoute, TLSRoute, UDPRoute } from "../../crds/types/gateway-api/index.js";
import {
  allocateGatewayPorts,
  allocationsFromServices,
  backendTlsLookup,
  countAttachedRoutes,
  desiredGatewayService,
  gatewayAddresses,
  loadBalancerProblem,
  gatewayListenerName,
  gatewayServiceName,
  listenerKey,
  policyAncestors,
  reconcileBackendTLSPolicy,
  reconcileGateway,
  reconcileGatewayClass,
  reconcileHTTPRoute,
  reconcileGRPCRoute,
  reconcileL4Route,
  olderAttachment,
  staleGatewayServices,
  type BackendTlsPolicyResult,
  type GatewayClassResult,
  type GatewayObjects,
  type GatewayResult,
  type HTTPRouteResult,
  type L4Attachment,
  type L4RouteKind,
  type L4RouteResult,
  type PortAllocation,
  type PortRange,
} from "../../controllers/gateway/index.js";
import type { Cluster, GatewayEnvoyListener, GatewayListenerChain, GatewayStream, Route, TlsSecret, VirtualHost, VirtualHostTls } from "../../controllers/model/model.js";
import type { GatewayListener } from "../../controllers/gateway/index.js";
import type { TlsSecretValidator } from "../../controllers/secrets/tls-secret-validation.js";
import type { ObjectCache } from "../../controllers/source/object-cache.js";
import { withBackendClientCertificate } from "./gateway-backend-certificate.js";
import { staticGatewayView, type GatewayRef } from "./gateway-static-mode.js";

/** What the Gateway stage needs from the configuration. */
export interface GatewayStageOptions {
  /** GatewayClass spec.controllerName that selects us (--gateway-controller-name). */
  readonly controllerName: string;
  /** Envoy ports handed to Gateway listeners. */
  readonly portRange: PortRange;
  /** Labels of the Envoy pods (kept in desiredGatewayService's shape; the owned Services get no selector, see below). */
  readonly envoySelector: Readonly<Record<string, string>>;
  /**
   * The Service in front of Envoy (--envoy-service-*): its ready endpoints are the endpoints of every
   * owned Gateway Service. A Service selects pods of its own namespace only, and the Envoy fleet lives
   * in another, so the owned Services have no selector and the leader writes their EndpointSlices.
   */
  readonly envoyService: { readonly namespace: string; readonly name: string };
  readonly validateTlsSecret?: TlsSecretValidator;
  /**
   * Static mode (the config file's gateway.gatewayRef): only this Gateway is served, whatever its
   * class, and no GatewayClass is reconciled (see gateway-static-mode.ts).
   */
  readonly gatewayRef?: GatewayRef;
  /** Connect timeout of the routes' clusters (upstream's `timeouts.connect-timeout`); unset: 2 s. */
  readonly connectTimeoutMs?: number;
}

/** One Gateway of ours, reconciled. */
export interface ServedGateway {
  readonly gateway: Gateway;
  readonly result: Extract<GatewayResult, { ours: true }>;
  readonly addresses: readonly GatewayStatusAddress[];
}

/** Everything the stage computed from one state of the cache. */
export interface GatewayState {
  readonly classes: readonly { readonly gatewayClass: GatewayClass; readonly result: Extract<GatewayClassResult, { ours: true }> }[];
  readonly gateways: readonly ServedGateway[];
  readonly routes: readonly { readonly route: HTTPRoute; readonly result: HTTPRouteResult }[];
  readonly grpcRoutes: readonly { readonly route: GRPCRoute; readonly result: HTTPRouteResult }[];
  /** TLSRoutes, TCPRoutes and UDPRoutes. */
  readonly streamRoutes: readonly { readonly kind: L4RouteKind; readonly route: TLSRoute | TCPRoute | UDPRoute; readonly result: L4RouteResult }[];
  /** BackendTLSPolicies and the Gateways they report status for (those of routes using a target). */
  readonly policies: readonly { readonly policy: BackendTLSPolicy; readonly result: BackendTlsPolicyResult; readonly ancestors: readonly ParentReference[] }[];
  /** Attached routes per listenerKey. */
  readonly attachedRoutes: ReadonlyMap<string, number>;
  readonly listeners: readonly GatewayEnvoyListener[];
  readonly clusters: readonly Cluster[];
  readonly secrets: readonly TlsSecret[];
  /** The Services the leader must hold, and the owned ones to delete. */
  readonly services: readonly V1Service[];
  /** The EndpointSlices of those Services (the Envoy endpoints on the allocated ports). */
  readonly endpointSlices: readonly V1EndpointSlice[];
  readonly staleServices: readonly V1Service[];
}

/** The state when no Gateway API object exists. */
export const EMPTY_GATEWAY_STATE: GatewayState = { classes: [], gateways: [], routes: [], grpcRoutes: [], streamRoutes: [], policies: [], attachedRoutes: new Map(), listeners: [], clusters: [], secrets: [], services: [], endpointSlices: [], staleServices: [] };


/** Kinds whose change may change the stage's result. */
export const GATEWAY_STAGE_INPUTS: ReadonlySet<string> = new Set(["GatewayClass", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute", "ReferenceGrant", "BackendTLSPolicy", "ConfigMap", "Service", "Secret", "Namespace"]);

const byName = <T extends { readonly name: string }>(items: Iterable<T>): T[] => {
  const m = new Map<string, T>();
  for (const i of items) if (!m.has(i.name)) m.set(i.name, i);
  return [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
};

/** The Gateway-level part of the stage: classes, Gateways and BackendTLSPolicies, which every route reconcile reads. */
export interface GatewayTop {
  readonly objects: GatewayObjects;
  readonly classes: GatewayState["classes"];
  readonly gateways: readonly ServedGateway[];
  readonly gatewayIndex: ReadonlyMap<string, Extract<GatewayResult, { ours: true }>>;
  readonly policyObjects: readonly BackendTLSPolicy[];
  readonly policies: readonly BackendTlsPolicyResult[];
  readonly backendTls: ReturnType<typeof backendTlsLookup>;
}

/** The objects the stage reads: the cache, or in static mode the one named Gateway's view of it. */
export function stageObjects(cache: ObjectCache, options: GatewayStageOptions): GatewayObjects {
  const cached = cache as unknown as GatewayObjects;
  return options.gatewayRef === undefined ? cached : staticGatewayView(cached, options.gatewayRef, options.controllerName);
}

/** Reconciles the GatewayClasses, Gateways and BackendTLSPolicies; undefined when there is no class and no Gateway. */
export function reconcileGatewayTop(objects: GatewayObjects, options: GatewayStageOptions): GatewayTop | undefined {
  const gatewayClasses = objects.list<GatewayClass>("GatewayClass");
  if (gatewayClasses.length === 0 && objects.list("Gateway").length === 0) return undefined;
  const controllerName = options.controllerName;
  const classes = gatewayClasses.flatMap((gatewayClass) => {
    const result = reconcileGatewayClass(objects, gatewayClass, { controllerName });
    return result.ours ? [{ gatewayClass, result }] : [];
  });
  const gateways: ServedGateway[] = [];
  for (const gateway of objects.list<Gateway>("Gateway")) {
    const service = objects.get<V1Service>("Service", gateway.metadata?.namespace ?? "", gatewayServiceName(gateway.metadata?.name ?? ""));
    const addresses = gatewayAddresses(service);
    const problem = loadBalancerProblem(service);
    const result = reconcileGateway(objects, gateway, {
      controllerName,
      ...(addresses.length > 0 ? { assignedAddresses: addresses } : {}),
      ...(problem !== undefined ? { loadBalancerProblem: problem } : {}),
      ...(options.validateTlsSecret === undefined ? {} : { validateTlsSecret: options.validateTlsSecret }),
    });
    if (result.ours) gateways.push({ gateway, result, addresses });
  }
  const gatewayIndex = new Map(gateways.map((g) => [`${g.result.source.namespace}/${g.result.source.name}`, g.result] as const));
  const policyObjects = objects.list<BackendTLSPolicy>("BackendTLSPolicy");
  const policies = policyObjects.map((p) => reconcileBackendTLSPolicy(objects, p));
  return { objects, classes, gateways, gatewayIndex, policyObjects, policies, backendTls: backendTlsLookup(policies) };
}

/** Reconciles one HTTPRoute against the Gateway-level results. */
export function reconcileStageHTTPRoute(top: GatewayTop, route: HTTPRoute, options: GatewayStageOptions): HTTPRouteResult {
  return reconcileHTTPRoute(top.objects, route, {
    gateways: (ns, name) => top.gatewayIndex.get(`${ns}/${name}`),
    controllerName: options.controllerName,
    backendTls: top.backendTls,
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
  });
}

/** Reconciles the GRPCRoutes and the TLS, TCP and UDP routes (few, next to HTTPRoutes: always all of them). */
export function reconcileOtherRoutes(top: GatewayTop, options: GatewayStageOptions): Pick<GatewayState, "grpcRoutes" | "streamRoutes"> {
  const { objects, backendTls } = top;
  const controllerName = options.controllerName;
  const gateways = (ns: string, name: string) => top.gatewayIndex.get(`${ns}/${name}`);
  const grpcRoutes = objects.list<GRPCRoute>("GRPCRoute").map((route) => ({ route, result: reconcileGRPCRoute(objects, route, { gateways, controllerName, backendTls }) }));
  const streamRoutes = (["TLSRoute", "TCPRoute", "UDPRoute"] as const).flatMap((kind) =>
    objects.list<TLSRoute | TCPRoute | UDPRoute>(kind).map((route) => ({ kind, route, result: reconcileL4Route(objects, kind, route, { gateways, controllerName }) })),
  );
  return { grpcRoutes, streamRoutes };
}

/** Computes the Gateway stage from the cache, every object reconciled (the reference the incremental stage must equal). */
export function computeGatewayState(cache: ObjectCache, options: GatewayStageOptions): GatewayState {
  const top = reconcileGatewayTop(stageObjects(cache, options), options);
  if (top === undefined) return EMPTY_GATEWAY_STATE;
  const routes = top.objects.list<HTTPRoute>("HTTPRoute").map((route) => ({ route, result: reconcileStageHTTPRoute(top, route, options) }));
  return assembleGatewayState(top, routes, reconcileOtherRoutes(top, options), options);
}

/** The stage's state from reconciled Gateways and routes: ports allocated, Envoy listeners, clusters, secrets, Services. */
export function assembleGatewayState(top: GatewayTop, routes: GatewayState["routes"], other: Pick<GatewayState, "grpcRoutes" | "streamRoutes">, options: GatewayStageOptions): GatewayState {
  const { objects, classes, gateways, policies, policyObjects } = top;
  const { grpcRoutes, streamRoutes } = other;
  const httpResults = [...routes.map((r) => r.result), ...grpcRoutes.map((r) => r.result)];
  const streams = streamRoutes.flatMap((r) => r.result.attachments);

  // Envoy ports: one per (Gateway, port) of an accepted Gateway, kept stable through the owned Services.
  const accepted = gateways.filter((g) => g.result.accepted);
  const claims = accepted.flatMap((g) => [...new Set(g.result.model.map((l) => l.port))].map((port) => ({ gateway: `${g.result.source.namespace}/${g.result.source.name}`, port })));
  const allServices = objects.list<V1Service>("Service");
  const allocation = allocateGatewayPorts(claims, allocationsFromServices(allServices), options.portRange);
  const routeClusters = new Map([...httpResults.flatMap((r) => r.clusters), ...streamRoutes.flatMap((r) => r.result.clusters)].map((c) => [c.name, c] as const));
  // Clusters with a Gateway's backend client certificate, beside the shared ones (see withBackendClientCertificate).
  const variants = new Map<string, Cluster>();
  const listeners = accepted.flatMap((g) => envoyListeners(g, allocation.allocations, httpResults, streams, routeClusters, variants));
  const services = accepted.map((g) => withoutSelector(desiredGatewayService(g.gateway, g.result, allocation.allocations, { envoySelector: options.envoySelector })));
  const envoyEndpoints = readyEnvoyAddresses(objects.list<V1EndpointSlice>("EndpointSlice", options.envoyService.namespace), options.envoyService.name);
  const served = new Set(accepted.map((g) => `${g.result.source.namespace}/${g.result.source.name}`));
  return {
    classes,
    gateways,
    routes,
    grpcRoutes,
    streamRoutes,
    policies: policies.map((result, i) => ({ policy: policyObjects[i] as BackendTLSPolicy, result, ancestors: policyAncestors(result.named, httpResults) })),
    attachedRoutes: countAttachedRoutes([...httpResults, ...streamRoutes.map((r) => r.result)]),
    listeners,
    clusters: byName([...routeClusters.values(), ...variants.values()]),
    secrets: byName([...gateways.flatMap((g) => g.result.secrets), ...httpResults.flatMap((r) => r.secrets)]),
    services,
    endpointSlices: services.map((svc) => gatewayEndpointSlice(svc, envoyEndpoints)),
    staleServices: staleGatewayServices(allServices, served),
  };
}

/**
 * The Envoy listeners of one Gateway: one per allocated port (HTTP; HTTPS and TLS by SNI; TCP), a
 * chain per programmed HTTP or HTTPS Gateway listener and a stream per TLS or TCP route on it, and
 * a UDP listener of its own (`<name>/udp`) for a UDP Gateway listener on the port.
 */
function envoyListeners(
  g: ServedGateway,
  allocations: readonly PortAllocation[],
  routes: readonly HTTPRouteResult[],
  streams: readonly L4Attachment[],
  clusters: ReadonlyMap<string, Cluster>,
  variants: Map<string, Cluster>,
): GatewayEnvoyListener[] {
  const { namespace, name } = g.result.source;
  const out: GatewayEnvoyListener[] = [];
  for (const a of allocations) {
    if (a.gateway !== `${namespace}/${name}`) continue;
    const onPort = g.result.model.filter((l) => l.port === a.port && l.programmed);
    const envoyName = gatewayListenerName(namespace, name, a.port);
    const stream = onPort.filter((l) => l.protocol !== "UDP");
    const first = stream[0];
    if (first !== undefined) {
      const http = stream.filter((l) => l.protocol === "HTTP" || l.protocol === "HTTPS");
      const chains = http.map((l) => httpChain(l, routes, g, clusters, variants)).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      const l4 = streamsOf(stream.filter((l) => l.protocol === "TLS" || l.protocol === "TCP"), streams);
      const protocol = first.protocol === "HTTP" ? "HTTP" : first.protocol === "TCP" ? "TCP" : http.length > 0 ? "HTTPS" : "TLS";
      out.push({ name: envoyName, source: g.result.source, port: a.envoyPort, protocol, chains, ...(l4.length > 0 ? { streams: l4 } : {}) });
    }
    const udp = onPort.filter((l) => l.protocol === "UDP");
    if (udp.length > 0) out.push({ name: `${envoyName}/udp`, source: g.result.source, port: a.envoyPort, protocol: "UDP", chains: [], streams: streamsOf(udp, streams) });
  }
  return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** The chain of an HTTP or HTTPS Gateway listener: its virtual hosts and, for HTTPS, its TLS. */
function httpChain(l: GatewayListener, routes: readonly HTTPRouteResult[], g: ServedGateway, clusters: ReadonlyMap<string, Cluster>, variants: Map<string, Cluster>): GatewayListenerChain {
  const key = listenerKey(l.source, l.name);
  const hosts = new Map<string, Route[]>();
  // The listener's own hostname answers (404) even without routes: a more specific listener's
  // host must never fall through to a wider listener's routes.
  hosts.set(l.hostname ?? "*", []);
  for (const r of routes) {
    for (const v of r.virtualHosts) {
      if (v.listener !== key) continue;
      const served = withBackendClientCertificate(v.virtualHost.routes, g.result.backendClientCertificate, clusters, variants);
      hosts.set(v.virtualHost.fqdn, [...(hosts.get(v.virtualHost.fqdn) ?? []), ...served]);
    }
  }
  const virtualHosts: VirtualHost[] = [...hosts.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([fqdn, rs]) => ({ fqdn, routes: rs }));
  const tls = listenerTls(l);
  return { key, ...(l.hostname === undefined ? {} : { hostname: l.hostname }), ...(tls === undefined ? {} : { tls }), virtualHosts };
}

/** The TLS a terminating listener (HTTPS, TLS Terminate) serves with: every certificate that resolved, in order. */
function listenerTls(l: GatewayListener): VirtualHostTls | undefined {
  const [cert, ...more] = l.tls?.certificates ?? [];
  if (cert === undefined) return undefined;
  return {
    secret: cert,
    ...(more.length > 0 ? { additionalSecrets: more } : {}),
    minimumProtocolVersion: "1.2",
    maximumProtocolVersion: "1.3",
    // AllowInsecureFallback: a client without a certificate, or with one the CA does not vouch for, is
    // let in (the chain is still checked, and the result forwarded).
    ...(l.tls?.clientValidation === undefined
      ? {}
      : { clientValidation: { caSecret: l.tls.clientValidation.caSecret, optional: l.tls.clientValidation.optional, skipVerification: l.tls.clientValidation.optional } }),
  };
}

/**
 * The streams of TLS, TCP or UDP Gateway listeners. TLS: each SNI name goes to the oldest route
 * claiming it on the port ("*" means any name: no server names); TCP and UDP: the oldest route on
 * the listener takes all of it. Passed through, or terminated with the listener's certificate.
 */
function streamsOf(listeners: readonly GatewayListener[], streams: readonly L4Attachment[]): GatewayStream[] {
  const byKey = new Map(listeners.map((l) => [listenerKey(l.source, l.name), l] as const));
  const mine = streams.filter((s) => byKey.has(s.listener)).sort(olderAttachment);
  const taken = new Set<string>();
  const out: GatewayStream[] = [];
  for (const s of mine) {
    const l = byKey.get(s.listener);
    if (l === undefined) continue;
    if (l.protocol !== "TLS") {
      if (taken.has(s.listener)) continue;
      taken.add(s.listener);
      out.push({ name: s.name, source: s.source, listener: s.listener, serverNames: [], clusters: s.clusters });
      continue;
    }
    const names = s.serverNames.filter((n) => !taken.has(n));
    if (names.length === 0) continue;
    for (const n of names) taken.add(n);
    const tls = l.tlsMode === "Terminate" ? listenerTls(l) : undefined;
    if (l.tlsMode === "Terminate" && tls === undefined) continue;
    out.push({ name: s.name, source: s.source, listener: s.listener, serverNames: names.filter((n) => n !== "*"), ...(tls === undefined ? {} : { tls }), clusters: s.clusters });
  }
  const key = (s: GatewayStream): string => `${s.name}\n${s.listener}`;
  return out.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

function withoutSelector(svc: V1Service): V1Service {
  const { selector: _selector, ...spec } = svc.spec ?? {};
  return { ...svc, spec };
}

/** The ready addresses of the Envoy Service's EndpointSlices, sorted and unique. */
function readyEnvoyAddresses(slices: readonly V1EndpointSlice[], service: string): string[] {
  const out = new Set<string>();
  for (const s of slices) {
    if (s.metadata?.labels?.["kubernetes.io/service-name"] !== service || s.addressType !== "IPv4") continue;
    for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false) for (const a of e.addresses) out.add(a);
  }
  return [...out].sort();
}

/** Label of the EndpointSlices a controller other than kube-controller-manager keeps. */
export const ENDPOINTSLICE_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
/** Its value on ours. */
export const ENDPOINTSLICE_MANAGER = "contour";

/** The EndpointSlice of an owned Service: every Envoy address, each Service port's allocated Envoy port under the port's name. */
function gatewayEndpointSlice(svc: V1Service, addresses: readonly string[]): V1EndpointSlice {
  const name = svc.metadata?.name ?? "";
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      namespace: svc.metadata?.namespace ?? "",
      name,
      labels: { "kubernetes.io/service-name": name, [ENDPOINTSLICE_MANAGED_BY]: ENDPOINTSLICE_MANAGER, ...(svc.metadata?.labels ?? {}) },
      ...(svc.metadata?.ownerReferences === undefined ? {} : { ownerReferences: svc.metadata.ownerReferences }),
    },
    addressType: "IPv4",
    endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
    ports: (svc.spec?.ports ?? []).map((p) => ({ name: p.name ?? "", port: Number(p.targetPort), protocol: p.protocol ?? "TCP" })),
  };
}

/** A Kubernetes object's "namespace/name". */
export function objectName(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}
