// Writes the status of GatewayClasses, Gateways, ListenerSets and routes (HTTP, TLS, TCP, UDP) of ours, as the Gateway
// stage computed it. One registry entry per kind ({kind, plural, views}) and one loop for all of
// them. Only the leader writes; a status equal to what the informer cache holds, or to what this
// process last asked for, is not written again.
import type { KubernetesObject } from "@kubernetes/client-node";
import { GATEWAY_GROUP } from "../../crds/types/gateway-api/common.js";
import { gatewayClassStatus, gatewayStatus, httpRouteStatus, listenerSetStatus, type StatusStamp } from "../../controllers/gateway/index.js";
import { canonicalJson } from "../../controllers/model/names.js";
import type { WatchedKind } from "../../controllers/source/object-cache.js";
import type { GatewayState } from "../pipeline/gateway-stage.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { Clock } from "../runtime/clock.js";
import { systemClock } from "../runtime/clock.js";
import type { StatusWriter } from "../status/index.js";
import { semanticEqual } from "../status/semantic-equal.js";

/** The status of one object, given its current status and the stamp of this write. */
interface StatusItem {
  readonly namespace: string;
  readonly name: string;
  readonly view: (previous: unknown, stamp: StatusStamp) => unknown;
}

/** A kind whose status the Gateway stage computes. */
interface StatusKind {
  readonly kind: WatchedKind;
  readonly plural: string;
  readonly items: (state: GatewayState, controllerName: string) => StatusItem[];
}

const ident = (o: KubernetesObject): { namespace: string; name: string } => ({ namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "" });

/** Every kind the Gateway stage writes status for. */
export const GATEWAY_STATUS_KINDS: readonly StatusKind[] = [
  {
    kind: "GatewayClass",
    plural: "gatewayclasses",
    items: (state) => state.classes.map((c) => ({ namespace: "", name: c.gatewayClass.metadata?.name ?? "", view: (prev, stamp) => gatewayClassStatus(c.result, prev as never, stamp) })),
  },
  {
    kind: "Gateway",
    plural: "gateways",
    items: (state) => state.gateways.map((g) => ({ ...ident(g.gateway), view: (prev, stamp) => gatewayStatus(g.result, state.attachedRoutes, g.addresses, prev as never, stamp) })),
  },
  {
    kind: "ListenerSet",
    plural: "listenersets",
    items: (state) =>
      state.gateways.flatMap((g) => g.result.listenerSets.map((v) => ({ namespace: v.source.namespace, name: v.source.name, view: (prev: unknown, stamp: StatusStamp) => listenerSetStatus(v, state.attachedRoutes, prev as never, stamp) }))),
  },
  {
    kind: "HTTPRoute",
    plural: "httproutes",
    // A route none of whose parents is ours is another controller's business: never touched.
    items: (state, controllerName) =>
      state.routes.filter((r) => r.result.parents.length > 0).map((r) => ({ ...ident(r.route), view: (prev, stamp) => httpRouteStatus(r.result, controllerName, prev as never, stamp) })),
  },
  {
    kind: "GRPCRoute",
    plural: "grpcroutes",
    items: (state, controllerName) =>
      state.grpcRoutes.filter((r) => r.result.parents.length > 0).map((r) => ({ ...ident(r.route), view: (prev, stamp) => httpRouteStatus(r.result, controllerName, prev as never, stamp) })),
  },
  ...(["TLSRoute", "TCPRoute", "UDPRoute"] as const).map(
    (kind): StatusKind => ({
      kind,
      plural: `${kind.toLowerCase()}s`,
      items: (state, controllerName) =>
        state.streamRoutes.filter((r) => r.kind === kind && r.result.parents.length > 0).map((r) => ({ ...ident(r.route), view: (prev, stamp) => httpRouteStatus(r.result, controllerName, prev as never, stamp) })),
    }),
  ),
];

/** Options of createGatewayStatusSync. */
export interface GatewayStatusSyncOptions {
  readonly pipeline: Pipeline;
  readonly writer: StatusWriter;
  readonly isLeader: () => boolean;
  readonly controllerName: string;
  readonly clock?: Clock;
}

/** Decides which Gateway API statuses to write. */
export interface GatewayStatusSync {
  /** Became leader: bring every status up to date. */
  startedLeading(): void;
  stoppedLeading(): void;
  /** The Gateway stage was recomputed. */
  changed(): void;
}

/** Creates the sync. */
export function createGatewayStatusSync(options: GatewayStatusSyncOptions): GatewayStatusSync {
  const { pipeline, writer, isLeader, controllerName } = options;
  const clock = options.clock ?? systemClock;
  const written = new Map<string, string>();
  const now = (): string => new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/u, "Z");

  function writeAll(): void {
    if (!isLeader()) return;
    const state = pipeline.gatewayState();
    for (const k of GATEWAY_STATUS_KINDS) {
      for (const item of k.items(state, controllerName)) {
        const cached = pipeline.cache.get<KubernetesObject & { status?: unknown }>(k.kind, item.namespace, item.name);
        if (cached === undefined) continue;
        const key = `${k.kind}/${item.namespace}/${item.name}`;
        const generation = cached.metadata?.generation ?? 0;
        // Without time: a fingerprint of what is asked for, so an unchanged view is not queued again.
        // The uid is in it: an object deleted and created again under its name has no status yet.
        const fingerprint = canonicalJson({ uid: cached.metadata?.uid ?? "", generation, view: item.view(undefined, { generation, now: "" }) });
        if (written.get(key) === fingerprint) continue;
        written.set(key, fingerprint);
        if (semanticEqual(cached.status, item.view(cached.status, { generation, now: now() }))) continue;
        writer.updateCustomStatus(GATEWAY_GROUP, "v1", k.plural, item.namespace, item.name, (current) => {
          const g = current.metadata?.generation ?? generation;
          return item.view(current.status, { generation: g, now: now() }) as Record<string, unknown>;
        });
      }
    }
  }

  return {
    startedLeading() {
      written.clear();
      writeAll();
    },
    stoppedLeading() {
      written.clear();
    },
    changed: writeAll,
  };
}
