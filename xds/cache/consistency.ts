// The check a snapshot passes before it is published: every name a resource needs is served.
import type { Message } from "@bufbuild/protobuf";
import type { Cluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import type { EnvoyResources } from "../resources.js";
import { clusterReferences, listenerReferences, type Reference, type References } from "./references.js";
import { RESOURCE_TYPES, type TypeName } from "./resource-types.js";

// The Envoy message name used in problems, so an operator can grep the Envoy docs for it.
const MESSAGE_OF: Record<Reference["type"], string> = {
  endpoint: "ClusterLoadAssignment",
  route: "RouteConfiguration",
  secret: "Secret",
};

/**
 * Every inconsistency in a set of resources, as one readable sentence each (empty when
 * consistent): duplicate names, EDS names without a ClusterLoadAssignment, RDS names without a
 * RouteConfiguration, SDS secret names without a Secret, and typed configs that do not decode.
 * Envoy would otherwise wait forever for the missing resource (warming) or, for routes, serve 404s.
 */
export function checkConsistency(resources: EnvoyResources, referencesOf: ReferencesOf = resourceReferences): string[] {
  const problems: string[] = [];
  const provided: Record<Reference["type"], Set<string>> = { endpoint: new Set(), route: new Set(), secret: new Set() };
  for (const type of RESOURCE_TYPES) {
    const seen = new Set<string>();
    for (const resource of type.list(resources)) {
      const name = type.nameOf(resource);
      if (seen.has(name)) problems.push(`${type.name} "${name}" appears more than once`);
      seen.add(name);
      if (type.name === "endpoint" || type.name === "route" || type.name === "secret") provided[type.name].add(name);
    }
  }
  const check = (owner: string, refs: References): void => {
    for (const problem of refs.problems) problems.push(`${owner} ${problem.at}: ${problem.message}`);
    for (const ref of refs.references) {
      if (!provided[ref.type].has(ref.name)) {
        problems.push(`${owner} ${ref.at} needs ${MESSAGE_OF[ref.type]} "${ref.name}", which the snapshot does not contain`);
      }
    }
  };
  for (const cluster of resources.clusters) check(`cluster "${cluster.name}"`, referencesOf("cluster", cluster));
  for (const listener of resources.listeners) check(`listener "${listener.name}"`, referencesOf("listener", listener));
  return problems;
}

/** Finds what a resource references; createSnapshot passes the references it already computed. */
export type ReferencesOf = (type: TypeName, resource: Message) => References;

const NO_REFERENCES: References = { references: [], problems: [] };

/** What a resource of any type references: clusters and listeners reference others, the rest nothing. */
export function resourceReferences(type: TypeName, resource: Message): References {
  if (type === "cluster") return clusterReferences(resource as Cluster);
  if (type === "listener") return listenerReferences(resource as Listener);
  return NO_REFERENCES;
}
