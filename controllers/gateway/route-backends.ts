import type { V1Service, V1ServicePort } from "@kubernetes/client-node";
import type { BackendObjectReference } from "../../crds/types/gateway-api/common.js";
import { GATEWAY_GROUP } from "../../crds/types/gateway-api/common.js";
import type { HTTPRouteFilter } from "../../crds/types/gateway-api/httproute.js";
import type { Cluster, TlsSecret, WeightedCluster } from "../model/model.js";
import { serviceClusterName } from "../model/cluster-name.js";
import { lookupServicePort } from "../services/service-lookup.js";
import { serviceCluster } from "../services/service-cluster.js";
import { quote } from "../store/conditions.js";
import type { DependencySet, GatewayObjects } from "./objects.js";
import { referencePermitted } from "./reference-grants.js";
import { headersPolicy } from "./route-filters.js";

/** The TLS a BackendTLSPolicy asks for towards one Service port (see resolveBackendTls). */
export interface BackendTlsSettings {
  readonly tls: NonNullable<Cluster["backendTls"]>;
  readonly secrets: readonly TlsSecret[];
}

/** Finds the BackendTLSPolicy settings for a Service port, if a policy targets it. */
export type BackendTlsLookup = (namespace: string, service: string, port: V1ServicePort) => BackendTlsSettings | { readonly invalid: string } | undefined;

/** What resolving backends needs. */
export interface BackendContext {
  readonly objects: GatewayObjects;
  readonly deps: DependencySet;
  /** Namespace of the route. */
  readonly namespace: string;
  readonly connectTimeoutMs: number;
  readonly backendTls?: BackendTlsLookup;
  /** Kind of the referring route, for ReferenceGrants; default HTTPRoute. */
  readonly routeKind?: string;
  /** The protocol of the Service ports the route can use (UDPRoute: UDP); default TCP. */
  readonly transport?: "TCP" | "UDP";
  /** The route speaks HTTP/2 to its backends whatever their appProtocol (GRPCRoute: gRPC needs it). */
  readonly http2?: boolean;
}

/** A resolved backend: its cluster and how traffic reaches it, or the ResolvedRefs reason it failed with. */
export type BackendResolution =
  | { readonly ok: true; readonly cluster: Cluster; readonly websocket: boolean; readonly secrets: readonly TlsSecret[] }
  | { readonly ok: false; readonly reason: "BackendNotFound" | "RefNotPermitted" | "InvalidKind" | "UnsupportedProtocol"; readonly message: string }
  /** The reference is fine but its BackendTLSPolicy is not: the share answers 500, and the policy's status says why. */
  | { readonly ok: false; readonly reason: "BackendTLSPolicyInvalid"; readonly message: string };

/**
 * Resolves a backendRef (or a mirror's) to a Service port's cluster, checking kind (core Service
 * only: InvalidKind), ReferenceGrant for another namespace (RefNotPermitted), the Service and port
 * (BackendNotFound) and the port's appProtocol: kubernetes.io/h2c is cleartext HTTP/2,
 * kubernetes.io/ws a WebSocket, kubernetes.io/wss a WebSocket over TLS; any other kubernetes.io/
 * protocol is UnsupportedProtocol. A BackendTLSPolicy on the port makes the cluster TLS.
 */
export function resolveBackendRef(ctx: BackendContext, ref: BackendObjectReference, field: string): BackendResolution {
  const group = ref.group ?? "";
  const kind = ref.kind ?? "Service";
  if (group !== "" || kind !== "Service") return { ok: false, reason: "InvalidKind", message: `${field}: ${quote(`${group}/${kind}`)} is not a supported backend kind; only core Services are` };
  const namespace = ref.namespace ?? ctx.namespace;
  if (!referencePermitted(ctx.objects, ctx.deps, { group: GATEWAY_GROUP, kind: ctx.routeKind ?? "HTTPRoute", namespace: ctx.namespace }, { group: "", kind: "Service", namespace, name: ref.name })) {
    return { ok: false, reason: "RefNotPermitted", message: `${field}: Service ${quote(`${namespace}/${ref.name}`, 128)} is in another namespace and no ReferenceGrant permits it` };
  }
  if (ref.port === undefined) return { ok: false, reason: "BackendNotFound", message: `${field}.port must be set for a Service` };
  const found = lookupServicePort(ctx.objects, namespace, ref.name, { number: ref.port }, field, [ctx.transport ?? "TCP"]);
  ctx.deps.add(found.dependency.kind, found.dependency.namespace, found.dependency.name);
  if (!found.ok) return { ok: false, reason: found.condition.reason === "UnsupportedServiceProtocol" ? "UnsupportedProtocol" : "BackendNotFound", message: found.condition.message };
  return clusterFor(ctx, found.service, found.port, field);
}

function clusterFor(ctx: BackendContext, service: V1Service, port: V1ServicePort, field: string): BackendResolution {
  const app = port.appProtocol ?? "";
  let protocol: Cluster["protocol"] | undefined;
  let websocket = false;
  if (app === "kubernetes.io/h2c") protocol = "h2c";
  else if (app === "kubernetes.io/ws") websocket = true;
  else if (app === "kubernetes.io/wss") {
    websocket = true;
    protocol = "tls";
  } else if (app.startsWith("kubernetes.io/")) {
    return { ok: false, reason: "UnsupportedProtocol", message: `${field}: appProtocol ${quote(app)} of port ${port.port} is not supported` };
  }
  const base = serviceCluster(service, port, { connectTimeoutMs: ctx.connectTimeoutMs }).value;
  if (ctx.http2 === true && protocol === undefined && base.protocol === "http1") protocol = "h2c";
  // A policy created, changed or deleted later changes this cluster: depend on the namespace's policies.
  if (ctx.backendTls !== undefined) ctx.deps.add("BackendTLSPolicy", base.service.namespace, "*");
  const found = ctx.backendTls?.(base.service.namespace, base.service.name, port);
  if (found !== undefined && "invalid" in found) return { ok: false, reason: "BackendTLSPolicyInvalid", message: `${field}: ${found.invalid}` };
  const tls = found;
  const { name: _unused, ...settings } = base;
  const merged: Omit<Cluster, "name"> = {
    ...settings,
    ...(protocol !== undefined ? { protocol } : {}),
    ...(tls !== undefined ? { protocol: protocol === "h2c" ? "h2" : "tls", backendTls: tls.tls } : {}),
  };
  return { ok: true, cluster: { name: serviceClusterName(merged, ""), ...merged }, websocket, secrets: tls?.secrets ?? [] };
}

/** A backend's own filters: only header modifiers are supported per backend. */
export function backendFilters(filters: readonly HTTPRouteFilter[], field: string): { readonly ok: true; readonly value: Pick<WeightedCluster, "requestHeaders" | "responseHeaders"> } | { readonly ok: false; readonly message: string } {
  const out: { requestHeaders?: WeightedCluster["requestHeaders"]; responseHeaders?: WeightedCluster["responseHeaders"] } = {};
  for (const [i, f] of filters.entries()) {
    const at = `${field}[${i}]`;
    if (f.type === "RequestHeaderModifier" || f.type === "ResponseHeaderModifier") {
      const req = f.type === "RequestHeaderModifier";
      const h = headersPolicy(req ? f.requestHeaderModifier : f.responseHeaderModifier, `${at}.${req ? "requestHeaderModifier" : "responseHeaderModifier"}`);
      if (!h.ok) return h;
      if (req) out.requestHeaders = h.value;
      else out.responseHeaders = h.value;
    } else {
      return { ok: false, message: `${at}.type: ${quote(f.type)} is not supported on a backendRef; only RequestHeaderModifier and ResponseHeaderModifier are` };
    }
  }
  return { ok: true, value: out };
}
