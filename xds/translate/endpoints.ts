/**
 * EDS: the ClusterLoadAssignment of every EDS name a cluster refers to, built from the Service's
 * EndpointSlices. Endpoints change far more often than routes, so this runs on its own, without
 * re-translating the model.
 */
import { isIP } from "node:net";
import { create } from "@bufbuild/protobuf";
import type { V1EndpointSlice } from "@kubernetes/client-node";
import type { ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ClusterLoadAssignmentSchema } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { Cluster, ExtensionClusterMember, Model } from "../../controllers/model/model.js";
import { parseEdsName, type EdsTarget } from "../names.js";
import { compareStrings } from "./proto.js";
import { sortInPlace } from "../../controllers/model/sort.js";

/** The label naming the Service an EndpointSlice belongs to. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

interface Address {
  readonly ip: string;
  readonly port: number;
  /** The port health checks go to (the slice's port of the health port's name), when another. */
  readonly healthPort?: number;
}

/** Every EDS name the model's clusters refer to, each once, sorted. */
export function edsNamesOf(model: Model): string[] {
  // ExternalName clusters resolve their name themselves: no ClusterLoadAssignment to send.
  return [...new Set(model.clusters.filter((c) => c.externalName === undefined).map((c) => c.endpoints))].sort(compareStrings);
}

/** The EDS names of ExtensionService clusters (`extension/<ns>/<name>`) and the Service ports each joins. */
export type ExtensionMembers = ReadonlyMap<string, readonly ExtensionClusterMember[]>;

/** The Service ports whose endpoints a cluster joins (an ExtensionService's, a weighted UDPRoute rule's), or undefined for one Service port's. */
export function joinedMembersOf(cluster: Cluster): readonly ExtensionClusterMember[] | undefined {
  return cluster.extension?.members ?? cluster.weightedMembers;
}

/** The clusters of a model that join several Service ports, by EDS name: these names are never read as a Service's. */
export function extensionMembersOf(model: Model): ExtensionMembers {
  const members = new Map<string, readonly ExtensionClusterMember[]>();
  for (const c of model.clusters) {
    const joined = joinedMembersOf(c);
    if (joined !== undefined) members.set(c.endpoints, joined);
  }
  return members;
}

function indexByService(slices: readonly V1EndpointSlice[]): Map<string, V1EndpointSlice[]> {
  const index = new Map<string, V1EndpointSlice[]>();
  for (const slice of slices) {
    const namespace = slice.metadata?.namespace;
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!namespace || !service) continue;
    const key = `${namespace}/${service}`;
    const list = index.get(key);
    if (list === undefined) index.set(key, [slice]);
    else list.push(slice);
  }
  return index;
}

/**
 * The ready addresses of one Service port across its slices. Ports match by name (slices list
 * ports by name; unnamed is ""), TCP, or UDP for a name no TCP port has (a Gateway UDPRoute's backend). Ready only: a terminating endpoint is not ready, and
 * an endpoint with no ready condition counts as ready, as the EndpointSlice API says. Envoy
 * rejects an EDS update with a malformed IP, so anything that is not an IP literal is skipped.
 */
function readyAddresses(slices: readonly V1EndpointSlice[], portName: string, healthPortName?: string): Address[] {
  const unique = new Map<string, Address>();
  // A name on a TCP port anywhere wins; UDP only for a port that is UDP alone (a UDPRoute's backend).
  const named = slices.flatMap((s) => (s.ports ?? []).filter((p) => (p.name ?? "") === portName));
  const protocol = named.some((p) => (p.protocol ?? "TCP") === "TCP") ? "TCP" : "UDP";
  for (const slice of slices) {
    if (slice.addressType !== "IPv4" && slice.addressType !== "IPv6") continue;
    const usable = (p: NonNullable<V1EndpointSlice["ports"]>[number]): boolean => (p.protocol ?? "TCP") === protocol && p.port !== undefined && p.port >= 1 && p.port <= 65535;
    const ports = (slice.ports ?? []).filter((p) => (p.name ?? "") === portName && usable(p));
    // As upstream: without the health port in the slice, checks go to the traffic port.
    const healthPort = healthPortName === undefined ? undefined : (slice.ports ?? []).find((p) => (p.name ?? "") === healthPortName && usable(p))?.port;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      // The addresses of one endpoint are one pod's and fungible: the first is enough (as upstream).
      const ip = endpoint.addresses?.[0];
      if (ip === undefined || isIP(ip) === 0) continue;
      for (const p of ports) {
        const port = p.port!;
        // The same endpoint may sit in two slices while the controller moves it between them.
        unique.set(`${ip}|${port}`, { ip, port, ...(healthPort !== undefined ? { healthPort } : {}) });
      }
    }
  }
  return sortInPlace([...unique.values()], (a, b) => compareStrings(a.ip, b.ip) || a.port - b.port);
}

function lbEndpointsOf(addresses: readonly Address[]) {
  return addresses.map((a) => ({
    hostIdentifier: {
      case: "endpoint" as const,
      value: {
        address: { address: { case: "socketAddress" as const, value: { address: a.ip, portSpecifier: { case: "portValue" as const, value: a.port } } } },
        ...(a.healthPort !== undefined ? { healthCheckConfig: { portValue: a.healthPort } } : {}),
      },
    },
  }));
}

/** The ClusterLoadAssignment of one EDS name; empty, never missing, when it has no endpoints. */
function loadAssignment(name: string, index: ReadonlyMap<string, readonly V1EndpointSlice[]>): ClusterLoadAssignment {
  const target = parseEdsName(name);
  return assignmentOf(name, target, slicesOf(target, index));
}

/** The slices of the Service an EDS name refers to (none for a name edsName did not build). */
function slicesOf(target: EdsTarget | undefined, index: ReadonlyMap<string, readonly V1EndpointSlice[]>): readonly V1EndpointSlice[] {
  return target === undefined ? [] : (index.get(`${target.namespace}/${target.service}`) ?? []);
}

/** The ClusterLoadAssignment of one EDS name (`target`: the name parsed) from the slices of its Service. */
function assignmentOf(name: string, target: EdsTarget | undefined, slices: readonly V1EndpointSlice[]): ClusterLoadAssignment {
  const lbEndpoints = lbEndpointsOf(target === undefined ? [] : readyAddresses(slices, target.portName, target.healthPortName));
  return create(ClusterLoadAssignmentSchema, { clusterName: name, endpoints: lbEndpoints.length === 0 ? [] : [{ lbEndpoints }] });
}

/**
 * The ClusterLoadAssignment of a cluster joining several Service ports: one locality per Service
 * port that has endpoints, weighted as its member says (0: unset), as upstream's EndpointSliceCache
 * builds a weighted cluster. Upstream's ExtensionService cluster sets no locality_weighted_lb_config,
 * so Envoy ignores these weights and balances over every endpoint (kept so, for the same behaviour);
 * a weighted UDPRoute rule's cluster sets it, so Envoy splits sessions by these weights.
 */
function extensionLoadAssignment(name: string, members: readonly ExtensionClusterMember[], index: ReadonlyMap<string, readonly V1EndpointSlice[]>): ClusterLoadAssignment {
  const localities = members.flatMap((m) => {
    const slices = index.get(`${m.service.namespace}/${m.service.name}`) ?? [];
    const lbEndpoints = lbEndpointsOf(readyAddresses(slices, m.service.portName));
    if (lbEndpoints.length === 0) return [];
    return [{ ...(m.locality === undefined ? {} : { locality: { region: m.locality } }), lbEndpoints, ...(m.weight > 0 ? { loadBalancingWeight: m.weight } : {}) }];
  });
  return create(ClusterLoadAssignmentSchema, { clusterName: name, endpoints: localities });
}

/**
 * One ClusterLoadAssignment per EDS name (names as built by names.edsName), sorted by name, from
 * discovery.k8s.io/v1 EndpointSlices of any Services (slices of other Services are ignored).
 */
export function translateEndpoints(
  edsNames: Iterable<string>,
  endpointSlices: readonly V1EndpointSlice[],
  memo?: EndpointsMemo,
  extensions: ExtensionMembers = new Map(),
): ClusterLoadAssignment[] {
  const index = indexByService(endpointSlices);
  return [...new Set(edsNames)].sort(compareStrings).map((name) => {
    // Never through parseEdsName: a Service of a namespace called "extension" must not feed an
    // ExtensionService's cluster. (Such a Service's port named like an ExtensionService has the same
    // EDS name, as upstream's; the ExtensionService wins here.)
    const members = extensions.get(name);
    if (members !== undefined) {
      if (memo === undefined) return extensionLoadAssignment(name, members, index);
      const slices = members.flatMap((m) => index.get(`${m.service.namespace}/${m.service.name}`) ?? []);
      const last = memo.get(name);
      if (last !== undefined && last.members === members && sameItems(last.slices, slices)) return last.assignment;
      const assignment = extensionLoadAssignment(name, members, index);
      memo.set(name, { slices, assignment, members });
      return assignment;
    }
    if (memo === undefined) return loadAssignment(name, index);
    // Reused when the Service's slices are the very same objects as last time (the cache replaces an
    // object on every change), so an unchanged assignment keeps its message and its version.
    const target = parseEdsName(name);
    const slices = slicesOf(target, index);
    const last = memo.get(name);
    if (last !== undefined && sameItems(last.slices, slices)) return last.assignment;
    const assignment = assignmentOf(name, target, slices);
    memo.set(name, { slices, assignment });
    return assignment;
  });
}

/**
 * One ClusterLoadAssignment from the slices of its Service, looked up by `slicesOf` (an index kept
 * as slices come and go), reused from `memo` while those slices are the same objects.
 */
export function translateLoadAssignment(
  name: string,
  slicesOf: (namespace: string, service: string) => readonly V1EndpointSlice[],
  memo?: EndpointsMemo,
): ClusterLoadAssignment {
  const target = parseEdsName(name);
  const slices = target === undefined ? [] : slicesOf(target.namespace, target.service);
  const last = memo?.get(name);
  if (last !== undefined && last.members === undefined && sameItems(last.slices, slices)) return last.assignment;
  const assignment = assignmentOf(name, target, slices);
  memo?.set(name, { slices, assignment });
  return assignment;
}

/** translateLoadAssignment for an ExtensionService's cluster: its members' slices, never the name parsed as a Service's. */
export function translateExtensionLoadAssignment(
  name: string,
  members: readonly ExtensionClusterMember[],
  slicesOf: (namespace: string, service: string) => readonly V1EndpointSlice[],
  memo?: EndpointsMemo,
): ClusterLoadAssignment {
  const index = new Map(members.map((m) => [`${m.service.namespace}/${m.service.name}`, slicesOf(m.service.namespace, m.service.name)] as const));
  const slices = members.flatMap((m) => index.get(`${m.service.namespace}/${m.service.name}`) ?? []);
  const last = memo?.get(name);
  if (last !== undefined && last.members === members && sameItems(last.slices, slices)) return last.assignment;
  const assignment = extensionLoadAssignment(name, members, index);
  memo?.set(name, { slices, assignment, members });
  return assignment;
}

/** Last assignment per EDS name with the slices it was built from (see createTranslator). */
export type EndpointsMemo = Map<
  string,
  { readonly slices: readonly V1EndpointSlice[]; readonly assignment: ClusterLoadAssignment; readonly members?: readonly ExtensionClusterMember[] }
>;

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
