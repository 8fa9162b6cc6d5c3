import type { LabelSelector } from "../../crds/types/gateway-api/common.js";
import type { RouteGroupKind } from "../../crds/types/gateway-api/gateway.js";
import type { SourceRef } from "../model/model.js";
import type { Condition } from "../store/fragment.js";

/**
 * One accepted listener of a Gateway (its own, or one of an attached ListenerSet) as routing and
 * translation need it. Every Gateway listener with the same port shares one Envoy listener on the
 * port allocated for (Gateway, port) (see allocateGatewayPorts): HTTP listeners become virtual hosts
 * of its route configuration, HTTPS listeners and TLSRoutes filter chains chosen by SNI, a TCP
 * listener its oldest TCPRoute's chain; a UDP listener gets a UDP Envoy listener of its own.
 */
export interface GatewayListener {
  readonly gateway: { readonly namespace: string; readonly name: string };
  /** The object that declared it: the Gateway or a ListenerSet. */
  readonly source: SourceRef;
  /** Section name (routes name it in parentRefs[].sectionName). */
  readonly name: string;
  readonly port: number;
  readonly protocol: "HTTP" | "HTTPS" | "TLS" | "TCP" | "UDP";
  /** TLS listeners: whether the stream is passed through to the backend or terminated here. */
  readonly tlsMode?: "Passthrough" | "Terminate";
  readonly hostname?: string;
  /** False when accepted but not servable (an HTTPS listener without a usable certificate): routes attach, nothing is served. */
  readonly programmed: boolean;
  readonly tls?: {
    /** Names of TlsSecrets in the fragment's secrets. */
    readonly certificates: readonly string[];
    readonly clientValidation?: { readonly caSecret: string; readonly optional: boolean };
  };
  readonly allowedRoutes: {
    readonly from: "All" | "Same" | "Selector" | "None";
    readonly selector?: LabelSelector;
    /** The declaring object's namespace, which "Same" means. */
    readonly namespace: string;
    readonly kinds: readonly string[];
  };
}

/** A listener's status before routes are counted (attachedRoutes is filled in by withAttachedRoutes). */
export interface ListenerStatusView {
  readonly name: string;
  readonly supportedKinds: readonly RouteGroupKind[];
  readonly conditions: readonly Condition[];
}

/** A listener's status as written: with the number of routes attached to it. */
export interface ListenerStatusOut extends ListenerStatusView {
  readonly attachedRoutes: number;
}

/** The key of a listener for route counts: `<kind>/<namespace>/<name>/<section>` of its declaring object. */
export function listenerKey(source: SourceRef, sectionName: string): string {
  return `${source.kind}/${source.namespace}/${source.name}/${sectionName}`;
}

/** Listener statuses with attachedRoutes from route counts keyed by listenerKey. */
export function withAttachedRoutes(source: SourceRef, views: readonly ListenerStatusView[], counts: ReadonlyMap<string, number>): ListenerStatusOut[] {
  return views.map((v) => ({ ...v, attachedRoutes: counts.get(listenerKey(source, v.name)) ?? 0 }));
}

/**
 * The hostnames each HTTP or HTTPS listener must answer for even without routes: its own hostname
 * (or "*"). Served as empty virtual hosts (404), they keep a request for a more specific listener's
 * hostname from falling through to a wider listener's routes (listener isolation). Keyed by
 * listenerKey, sorted.
 */
export function listenerOwnHostnames(model: readonly GatewayListener[]): { readonly listener: string; readonly fqdn: string }[] {
  return model
    .filter((l) => l.protocol === "HTTP" || l.protocol === "HTTPS")
    .map((l) => ({ listener: listenerKey(l.source, l.name), fqdn: l.hostname ?? "*" }))
    .sort((a, b) => (a.listener < b.listener ? -1 : a.listener > b.listener ? 1 : 0));
}
