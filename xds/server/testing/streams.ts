// Helpers for the stream state-machine tests: small consistent snapshots and request builders.
import { create } from "@bufbuild/protobuf";
import { RESOURCE_TYPES } from "../../cache/resource-types.js";
import { createSnapshot, type Snapshot } from "../../cache/snapshot.js";
import type { EnvoyResources, ResourceListChanges, ResourceListName } from "../../resources.js";
import { cluster, endpoints, listener, resources, routeConfig } from "../../cache/testing/fixtures.js";
import {
  type DeltaDiscoveryRequest,
  DeltaDiscoveryRequestSchema,
  type DeltaDiscoveryResponse,
  type DiscoveryRequest,
  DiscoveryRequestSchema,
  type DiscoveryResponse,
} from "../../gen/envoy/service/discovery/v3/discovery_pb.js";

/** A world of clusters (each with endpoints) and one listener whose routes map a prefix to a cluster. */
export interface WorldFixture {
  clusters: readonly string[];
  /** prefix → cluster */
  routes?: Readonly<Record<string, string>>;
  /** cluster → endpoint address; changing it changes only the endpoint version. */
  addresses?: Readonly<Record<string, string>>;
  /** cluster → connect timeout; changing it changes the cluster version. */
  timeouts?: Readonly<Record<string, number>>;
}

/** A consistent snapshot for a WorldFixture. */
export function world(w: WorldFixture): Snapshot {
  return createSnapshot(worldResources(w));
}

/**
 * The snapshot for `w` derived from `previous` through resource changes, as the incremental
 * translator publishes it: its types record which names changed.
 */
export function evolve(previous: Snapshot, w: WorldFixture): Snapshot {
  const next = worldResources(w);
  const lists: Partial<Record<ResourceListName, ResourceListChanges>> = {};
  for (const type of RESOURCE_TYPES) {
    const list = `${type.name}s` as ResourceListName;
    if (list === "virtualHosts") continue;
    const upserted = type.list(next);
    const names = new Set(upserted.map((m) => type.nameOf(m)));
    lists[list] = { upserted, removed: type.list(previous.resources).map((m) => type.nameOf(m)).filter((n) => !names.has(n)) };
  }
  return createSnapshot({ ...next, changes: { from: previous.resources, lists } }, { previous });
}

function worldResources(w: WorldFixture): EnvoyResources {
  const routes = w.routes ?? {};
  return resources({
    listeners: [listener("ingress_http", "ingress_http")],
    routes: [routeConfig("ingress_http", Object.entries(routes).map(([prefix, to]) => ({ prefix, to })))],
    clusters: w.clusters.map((c) => cluster(c, w.timeouts?.[c] === undefined ? {} : { connectTimeoutSeconds: w.timeouts[c] })),
    endpoints: w.clusters.map((c) => endpoints(c, [w.addresses?.[c] ?? "127.0.0.1:1"])),
  });
}

/** A SotW request. */
export function sotwRequest(typeUrl: string, fields: { names?: string[]; nonce?: string; version?: string; error?: string; node?: string } = {}): DiscoveryRequest {
  return create(DiscoveryRequestSchema, {
    typeUrl,
    resourceNames: fields.names ?? [],
    responseNonce: fields.nonce ?? "",
    versionInfo: fields.version ?? "",
    ...(fields.error === undefined ? {} : { errorDetail: { code: 3, message: fields.error } }),
    ...(fields.node === undefined ? {} : { node: { id: fields.node } }),
  });
}

/** The ACK Envoy sends for a SotW response, keeping the given subscription. */
export function sotwAck(response: DiscoveryResponse, names: string[] = []): DiscoveryRequest {
  return sotwRequest(response.typeUrl, { names, nonce: response.nonce, version: response.versionInfo });
}

/** A delta request. */
export function deltaRequest(
  typeUrl: string,
  fields: { subscribe?: string[]; unsubscribe?: string[]; nonce?: string; error?: string; initial?: Record<string, string>; node?: string } = {},
): DeltaDiscoveryRequest {
  return create(DeltaDiscoveryRequestSchema, {
    typeUrl,
    resourceNamesSubscribe: fields.subscribe ?? [],
    resourceNamesUnsubscribe: fields.unsubscribe ?? [],
    responseNonce: fields.nonce ?? "",
    initialResourceVersions: fields.initial ?? {},
    ...(fields.error === undefined ? {} : { errorDetail: { code: 3, message: fields.error } }),
    ...(fields.node === undefined ? {} : { node: { id: fields.node } }),
  });
}

/** The ACK Envoy sends for a delta response. */
export function deltaAck(response: DeltaDiscoveryResponse): DeltaDiscoveryRequest {
  return deltaRequest(response.typeUrl, { nonce: response.nonce });
}

/** The short type names of responses, in order: what ordering tests compare. */
export function typesOf(responses: readonly { typeUrl: string }[]): string[] {
  return responses.map((r) => r.typeUrl.slice(r.typeUrl.lastIndexOf(".") + 1));
}
