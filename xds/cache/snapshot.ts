// An immutable, consistent set of Envoy resources with content-hash versions: what one publish serves.
import type { Message } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { TypeUrl, EnvoyResources } from "../resources.js";
import { checkConsistency, resourceReferences } from "./consistency.js";
import type { Reference, References } from "./references.js";
import { hashPairs } from "./hash.js";
import { nameMap, type NameMap } from "./name-map.js";
import { RESOURCE_TYPES, type ResourceType } from "./resource-types.js";
import { encodedResource, isSotwHttpRoutes, sotwHttpRoutesResource } from "./snapshot-resource.js";
import { InconsistentSnapshotError } from "./snapshot-error.js";
import { addPair, digestVersion } from "./type-digest.js";
import { updateSnapshot } from "./snapshot-update.js";

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
  /** Set on the state-of-the-world ingress_http whose version is derived from its virtual hosts (snapshot-resource.ts). */
  readonly derived?: true;
}

/** All resources of one type in a snapshot. */
export interface TypeSnapshot {
  readonly typeUrl: TypeUrl;
  /** The digest of the (name, version) pairs of `resources` (see type-digest.ts). */
  readonly version: string;
  /** By name, in name order; a persistent map shared with the snapshots before and after. */
  readonly resources: NameMap<SnapshotResource>;
  /** The sum behind `version`, which the next snapshot updates per changed resource. */
  readonly digest: bigint;
  /**
   * Set when this type was derived from the type of the previous snapshot: which names changed
   * (added, changed or removed). A stream that holds `previous` looks at these names alone.
   * Weak, so a chain of snapshots is not kept alive through it.
   */
  readonly changedFrom?: TypeChanges | undefined;
}

/** The names whose resource differs between a type snapshot and the one it was derived from. */
export interface TypeChanges {
  readonly previous: WeakRef<TypeSnapshot>;
  readonly names: ReadonlySet<string>;
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
  /** How many served resources need each `<type>\0<name>`: a removal is checked against it alone. */
  readonly referenceCounts: NameMap<number>;
}

/** Options of createSnapshot. */
export interface CreateSnapshotOptions {
  /**
   * The snapshot this one replaces. When `resources.changes` says they were derived from the
   * resources of `previous`, only the changes are applied (encoded, hashed and checked). Otherwise
   * a resource that is the very same message object as in `previous` reuses its encoding and
   * version (messages are treated as immutable once published).
   */
  readonly previous?: Snapshot | undefined;
}

/**
 * Builds a snapshot, or throws InconsistentSnapshotError listing every problem when a referenced
 * EDS, RDS or SDS name is missing (or a name is duplicated); the caller keeps its previous snapshot.
 */
export function createSnapshot(resources: EnvoyResources, options: CreateSnapshotOptions = {}): Snapshot {
  const previous = options.previous;
  if (previous !== undefined && resources === previous.resources) return previous;
  if (previous !== undefined && resources.changes !== undefined && resources.changes.from === previous.resources) {
    return updateSnapshot(previous, resources, resources.changes);
  }
  const misplaced = misplacedResources(RESOURCE_TYPES.map((type) => [type, type.list(resources)] as const));
  if (misplaced.length > 0) throw new InconsistentSnapshotError(misplaced);
  const types = {} as Record<TypeUrl, TypeSnapshot>;
  const found = new Map<Message, References>();
  const virtualHostType = RESOURCE_TYPES.find((t) => t.name === "virtualHost") as ResourceType;
  // Virtual hosts first: the state-of-the-world route configuration holding them takes their version.
  types[virtualHostType.typeUrl] = buildType(virtualHostType, virtualHostType.list(resources), previous?.types[virtualHostType.typeUrl], found, resources);
  for (const type of RESOURCE_TYPES) {
    if (type === virtualHostType) continue;
    types[type.typeUrl] = buildType(type, type.list(resources), previous?.types[type.typeUrl], found, resources, types[virtualHostType.typeUrl]);
  }
  const deltaTypes: Partial<Record<TypeUrl, TypeSnapshot>> = {};
  const routeType = RESOURCE_TYPES.find((t) => t.name === "route") as ResourceType;
  if (resources.deltaRoutes !== undefined) {
    deltaTypes[routeType.typeUrl] = buildType(routeType, resources.deltaRoutes, previous?.deltaTypes[routeType.typeUrl], found, undefined);
  }
  // References were computed once while building (or carried over with unchanged messages).
  const problems = checkConsistency(resources, (typeName, message) => found.get(message) ?? resourceReferences(typeName, message));
  // Delta streams get the same listeners: their route configurations must carry the same names.
  if (resources.deltaRoutes !== undefined) {
    const names = (list: readonly { readonly name: string }[]): string => list.map((r) => r.name).sort().join("\n");
    if (names(resources.deltaRoutes) !== names(resources.routes)) problems.push("the delta route configurations do not have the names of the others");
  }
  if (problems.length > 0) throw new InconsistentSnapshotError(problems);
  const counts = new Map<string, number>();
  for (const type of RESOURCE_TYPES) {
    if (type.name !== "cluster" && type.name !== "listener") continue;
    for (const r of types[type.typeUrl].resources.values()) for (const key of referenceKeys(r.references)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return finishSnapshot(types, deltaTypes, resources, nameMap(counts));
}

/** A snapshot with no resources at all; for tests and for servers that must answer before any model exists. */
export function emptySnapshot(): Snapshot {
  return createSnapshot({ listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] });
}

/** The snapshot of these types, with its version over theirs. */
export function finishSnapshot(
  types: Record<TypeUrl, TypeSnapshot>,
  deltaTypes: Partial<Record<TypeUrl, TypeSnapshot>>,
  resources: EnvoyResources,
  referenceCounts: NameMap<number>,
): Snapshot {
  const versions = RESOURCE_TYPES.map((t) => [t.name, types[t.typeUrl].version] as const);
  const deltaVersions = Object.entries(deltaTypes).map(([url, t]) => [`delta ${url}`, t.version] as const);
  return { version: hashPairs([...versions, ...deltaVersions]), types, deltaTypes, resources, referenceCounts };
}

/** The reference-count keys of a resource's references, each once. */
export function referenceKeys(references: readonly Reference[]): Set<string> {
  return new Set(references.map((r) => `${r.type}\0${r.name}`));
}

/** One sentence per resource filed in the list of another type. */
export function misplacedResources(lists: Iterable<readonly [ResourceType, readonly Message[]]>): string[] {
  const misplaced: string[] = [];
  for (const [type, list] of lists) {
    for (const message of list) {
      if (message.$typeName !== type.schema.typeName) misplaced.push(`${type.name} list holds a ${message.$typeName} named "${type.nameOf(message)}"`);
    }
  }
  return misplaced;
}

function buildType(
  type: ResourceType,
  list: readonly Message[],
  previous: TypeSnapshot | undefined,
  found: Map<Message, References>,
  sotw: EnvoyResources | undefined,
  virtualHosts?: TypeSnapshot,
): TypeSnapshot {
  const built: SnapshotResource[] = [];
  for (const message of list) {
    const name = type.nameOf(message);
    const before = previous?.resources.get(name);
    if (sotw !== undefined && virtualHosts !== undefined && isSotwHttpRoutes(type, name, sotw)) {
      const resource = sotwHttpRoutesResource(virtualHosts.version, () => message, before);
      found.set(message, { references: [], problems: [] });
      built.push(resource);
      continue;
    }
    if (before !== undefined && before.message === message) {
      built.push(before);
      found.set(message, { references: [...before.references], problems: [] });
      continue;
    }
    const refs = resourceReferences(type.name, message);
    found.set(message, refs);
    built.push(encodedResource(type, name, message, refs.references));
  }
  let digest = 0n;
  for (const r of built) digest = addPair(digest, r.name, r.version);
  return { typeUrl: type.typeUrl, version: digestVersion(digest), resources: nameMap(built.map((r) => [r.name, r] as const)), digest };
}
