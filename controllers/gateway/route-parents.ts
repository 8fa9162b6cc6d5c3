import type { V1Namespace } from "@kubernetes/client-node";
import type { ParentReference } from "../../crds/types/gateway-api/common.js";
import { GATEWAY_GROUP } from "../../crds/types/gateway-api/common.js";
import type { ListenerSet } from "../../crds/types/gateway-api/gateway.js";
import { quote } from "../store/conditions.js";
import type { GatewayListener } from "./gateway-listener.js";
import { routeHostnamesOnListener } from "./hostnames.js";
import { parseLabelSelector } from "./label-selector.js";
import type { DependencySet, GatewayObjects } from "./objects.js";
import type { GatewayResult } from "./reconcile-gateway.js";

/** Finds the reconcile result of a Gateway by namespace and name (the pipeline keeps them). */
export type GatewayLookup = (namespace: string, name: string) => GatewayResult | undefined;

/** One listener a route attached to, with the hostnames it serves there. */
export interface Attachment {
  readonly listener: GatewayListener;
  /** Route hostnames intersected with the listener's; "*" for any. */
  readonly hostnames: readonly string[];
  /** Every accepted listener of the Gateway on the same port (for listener isolation). */
  readonly siblings: readonly GatewayListener[];
}

/** What one parentRef came to: not ours (no status), or attached, or refused with a reason. */
export type ParentResolution =
  | { readonly ours: false }
  | { readonly ours: true; readonly gateway: GatewayName; readonly attached: true; readonly attachments: readonly Attachment[] }
  | { readonly ours: true; readonly gateway: GatewayName; readonly attached: false; readonly reason: "NoMatchingParent" | "NotAllowedByListeners" | "NoMatchingListenerHostname"; readonly message: string };

/** The Gateway a parentRef leads to (itself, or a ListenerSet's parent). */
export interface GatewayName {
  readonly namespace: string;
  readonly name: string;
}

/** The route being attached, as parent resolution needs it. */
export interface RouteIdentity {
  readonly kind: string;
  readonly namespace: string;
  readonly hostnames: readonly string[];
}

/**
 * Resolves one parentRef of a route: the Gateway (its own listeners) or ListenerSet (that set's
 * listeners) it names, narrowed by sectionName and port (NoMatchingParent), by each listener's
 * allowedRoutes kinds and namespaces (NotAllowedByListeners) and by hostname intersection
 * (NoMatchingListenerHostname). Parents of other controllers, and missing ones, are not ours.
 */
export function resolveParentRef(objects: GatewayObjects, deps: DependencySet, gateways: GatewayLookup, route: RouteIdentity, ref: ParentReference, field: string): ParentResolution {
  const group = ref.group ?? GATEWAY_GROUP;
  const kind = ref.kind ?? "Gateway";
  if (group !== GATEWAY_GROUP || (kind !== "Gateway" && kind !== "ListenerSet")) return { ours: false };
  const namespace = ref.namespace ?? route.namespace;
  deps.add(kind, namespace, ref.name);
  let gwNamespace = namespace;
  let gwName = ref.name;
  if (kind === "ListenerSet") {
    const ls = objects.get<ListenerSet>("ListenerSet", namespace, ref.name);
    if (ls === undefined) return { ours: false };
    gwNamespace = ls.spec?.parentRef?.namespace ?? namespace;
    gwName = ls.spec?.parentRef?.name ?? "";
    deps.add("Gateway", gwNamespace, gwName);
  }
  const gw = gateways(gwNamespace, gwName);
  if (gw === undefined || !gw.ours) return { ours: false };
  const gateway: GatewayName = { namespace: gwNamespace, name: gwName };
  const refuse = (reason: "NoMatchingParent" | "NotAllowedByListeners" | "NoMatchingListenerHostname", message: string): ParentResolution => ({ ours: true, gateway, attached: false, reason, message });
  const shown = quote(`${namespace}/${ref.name}`, 128);
  if (!gw.accepted) return refuse("NoMatchingParent", `${field}: Gateway ${quote(`${gwNamespace}/${gwName}`)} is not accepted`);

  let candidates = gw.model.filter((l) => l.source.kind === kind && l.source.namespace === namespace && l.source.name === ref.name);
  if (ref.sectionName !== undefined) {
    candidates = candidates.filter((l) => l.name === ref.sectionName);
    if (candidates.length === 0) return refuse("NoMatchingParent", `${field}.sectionName: ${kind} ${shown} has no accepted listener named ${quote(ref.sectionName)}`);
  }
  if (ref.port !== undefined) {
    candidates = candidates.filter((l) => l.port === ref.port);
    if (candidates.length === 0) return refuse("NoMatchingParent", `${field}.port: ${kind} ${shown} has no accepted listener${ref.sectionName !== undefined ? ` named ${quote(ref.sectionName)}` : ""} on port ${ref.port}`);
  }
  if (candidates.length === 0) return refuse("NoMatchingParent", `${field}: ${kind} ${shown} has no accepted listener`);

  const allowed = candidates.filter((l) => l.allowedRoutes.kinds.includes(route.kind) && namespaceAllowed(objects, deps, l, route.namespace));
  if (allowed.length === 0) return refuse("NotAllowedByListeners", `${field}: no listener of ${kind} ${shown} allows ${route.kind}s from namespace ${quote(route.namespace)}`);
  const attachments: Attachment[] = [];
  for (const l of allowed) {
    const hostnames = routeHostnamesOnListener(l.hostname, route.hostnames);
    if (hostnames.length === 0) continue;
    const siblings = gw.model.filter((s) => s.port === l.port);
    attachments.push({ listener: l, hostnames, siblings });
  }
  if (attachments.length === 0) return refuse("NoMatchingListenerHostname", `spec.hostnames: no hostname intersects the hostname of a listener of ${kind} ${shown}`);
  return { ours: true, gateway, attached: true, attachments };
}

function namespaceAllowed(objects: GatewayObjects, deps: DependencySet, l: GatewayListener, routeNamespace: string): boolean {
  switch (l.allowedRoutes.from) {
    case "All":
      return true;
    case "Same":
      return routeNamespace === l.allowedRoutes.namespace;
    case "Selector": {
      deps.add("Namespace", "", routeNamespace);
      const parsed = parseLabelSelector(l.allowedRoutes.selector);
      return parsed.ok && parsed.matches(objects.get<V1Namespace>("Namespace", "", routeNamespace)?.metadata?.labels);
    }
    default:
      return false;
  }
}
