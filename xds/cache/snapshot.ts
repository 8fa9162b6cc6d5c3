// An immutable, consistent set of Envoy resources with content-hash versions: what one publish serves.
import { create, toBinary, type Message } from "@bufbuild/protobuf";
import { AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { TypeUrl, type EnvoyResources } from "../resources.js";
import { checkConsistency, resourceReferences } from "./consistency.js";
import type { Reference, References } from "./references.js";
import { hashBytes, hashPairs } from "./hash.js";
import { RESOURCE_TYPES, type ResourceType } from "./resource-types.js";
import { InconsistentSnapshotError } from "./snapshot-error.js";

/** One resource as it is served: the message, its encodings, and its content version. */
export interface SnapshotResource {
  readonly name: string;
  /** Hash of `bytes`: equal on every replica for equal content, unchanged while the content is. */
  readonly version: string;
  readonly message: Message;
  /** The binary encoding, computed once per publish and shared by every stream. */
  readonly bytes: Uint8Array;
  /** `bytes` wrapped as the Any that goes into a DiscoveryResponse. */
  readonly any: Any;
  /**
   * The names this resource needs from other types (a cluster's EDS name, a listener's RDS
   * names, SDS secrets). The server uses them to resend a cluster's endpoints when the cluster
   * changes: Envoy re-creates the cluster and it stays warming until endpoints arrive.
   */
  readonly references: readonly Reference[];
}

/** All resources of one type in a snapshot. */
export interface TypeSnapshot {
  readonly typeUrl: TypeUrl;
  /** Hash over the sorted (name, version) pairs of `resources`. */
  readonly version: string;
  /** By name, in name order. */
  readonly resources: ReadonlyMap<string, SnapshotResource>;
}

/** An immutable, consistency-checked set of resources with versions per resource and per type. */
export interface Snapshot {
  /** Hash over the type versions: equal snapshots have equal versions. */
  readonly version: string;
  readonly types: Readonly<Record<TypeUrl, TypeSnapshot>>;
  /** What delta streams serve instead of `types` for some types (route configurations naming VHDS). */
  readonly deltaTypes: Readonly<Partial<Record<TypeUrl, TypeSnapshot>>>;
  /** The resources the snapshot was built from. */
  readonly resources: EnvoyResources;
}

/** Options of createSnapshot. */
export interface CreateSnapshotOptions {
  /**
   * The snapshot this one replaces. A resource that is the very same message object as in
   * `previous` reuses its encoding and version instead of being encoded again (messages are
   * treated as immutable once published), so a small change to a large model costs little.
   */
  readonly previous?: Snapshot | undefined;
}

/**
 * Builds a snapshot, or throws InconsistentSnapshotError listing every problem when a referenced
 * EDS, RDS or SDS name is missing (or a name is duplicated); the caller keeps its previous snapshot.
 */
export function createSnapshot(resources: EnvoyResources, options: CreateSnapshotOptions = {}): Snapshot {
  const misplaced: string[] = [];
  for (const type of RESOURCE_TYPES) {
    for (const message of type.list(resources)) {
      if (message.$typeName !== type.schema.typeName) {
        misplaced.push(`${type.name} list holds a ${message.$typeName} named "${type.nameOf(message)}"`);
      }
    }
  }
  if (misplaced.length > 0) throw new InconsistentSnapshotError(misplaced);
  const types = {} as Record<TypeUrl, TypeSnapshot>;
  const found = new Map<Message, References>();
  for (const type of RESOURCE_TYPES) types[type.typeUrl] = buildType(type, type.list(resources), options.previous?.types[type.typeUrl], found);
  const deltaTypes: Partial<Record<TypeUrl, TypeSnapshot>> = {};
  const routeType = RESOURCE_TYPES.find((t) => t.typeUrl === TypeUrl.route);
  if (resources.deltaRoutes !== undefined && routeType !== undefined) {
    deltaTypes[TypeUrl.route] = buildType(routeType, resources.deltaRoutes, options.previous?.deltaTypes[TypeUrl.route], found);
  }
  // References were computed once while building (or carried over with unchanged messages).
  const problems = checkConsistency(resources, (typeName, message) => found.get(message) ?? resourceReferences(typeName, message));
  // Delta streams get the same listeners: their route configurations must carry the same names.
  if (resources.deltaRoutes !== undefined) {
    const names = (list: readonly { readonly name: string }[]): string => list.map((r) => r.name).sort().join("\n");
    if (names(resources.deltaRoutes) !== names(resources.routes)) problems.push("the delta route configurations do not have the names of the others");
  }
  if (problems.length > 0) throw new InconsistentSnapshotError(problems);
  const versions = RESOURCE_TYPES.map((t) => [t.name, types[t.typeUrl].version] as const);
  const deltaVersions = Object.entries(deltaTypes).map(([url, t]) => [`delta ${url}`, t.version] as const);
  return {
    version: hashPairs([...versions, ...deltaVersions]),
    types,
    deltaTypes,
    resources,
  };
}

/** A snapshot with no resources at all; for tests and for servers that must answer before any model exists. */
export function emptySnapshot(): Snapshot {
  return createSnapshot({ listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] });
}

function buildType(type: ResourceType, list: readonly Message[], previous: TypeSnapshot | undefined, found: Map<Message, References>): TypeSnapshot {
  const built: SnapshotResource[] = [];
  for (const message of list) {
    const name = type.nameOf(message);
    const before = previous?.resources.get(name);
    if (before !== undefined && before.message === message) {
      built.push(before);
      found.set(message, { references: [...before.references], problems: [] });
      continue;
    }
    const refs = resourceReferences(type.name, message);
    found.set(message, refs);
    const bytes = toBinary(type.schema, message as never);
    built.push({ name, version: hashBytes(bytes), message, bytes, any: create(AnySchema, { typeUrl: type.typeUrl, value: bytes }), references: refs.references });
  }
  built.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byName = new Map(built.map((r) => [r.name, r] as const));
  return { typeUrl: type.typeUrl, version: hashPairs(built.map((r) => [r.name, r.version] as const)), resources: byName };
}
