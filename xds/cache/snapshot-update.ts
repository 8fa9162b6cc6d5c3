// A snapshot from the previous one plus the changes of its resources: only what changed is
// encoded, hashed, counted and checked, and the maps of unchanged types are the previous ones.
import type { Message } from "@bufbuild/protobuf";
import { TypeUrl, type EnvoyResources, type ResourceChanges, type ResourceListName } from "../resources.js";
import { HTTP_ROUTE_CONFIG_NAME } from "../names.js";
import { resourceReferences } from "./consistency.js";
import type { Reference } from "./references.js";
import { RESOURCE_TYPES, type ResourceType, type TypeName } from "./resource-types.js";
import { finishSnapshot, misplacedResources, referenceKeys, type Snapshot, type SnapshotResource, type TypeSnapshot } from "./snapshot.js";
import { encodedResource, sotwHttpRoutesResource } from "./snapshot-resource.js";
import { InconsistentSnapshotError } from "./snapshot-error.js";
import { addPair, digestVersion, removePair } from "./type-digest.js";

const LIST_OF: Record<TypeName, ResourceListName> = {
  secret: "secrets",
  cluster: "clusters",
  endpoint: "endpoints",
  listener: "listeners",
  route: "routes",
  virtualHost: "virtualHosts",
  runtime: "runtimes",
};

// The Envoy message name used in problems, as checkConsistency words them.
const MESSAGE_OF: Record<Reference["type"], string> = { endpoint: "ClusterLoadAssignment", route: "RouteConfiguration", secret: "Secret" };

/** What applying one list's changes to a type did. */
interface TypeUpdate {
  readonly type: TypeSnapshot;
  /** Names whose resource changed, with the resource before (undefined: added) and after (undefined: removed). */
  readonly changed: ReadonlyMap<string, { readonly before: SnapshotResource | undefined; readonly after: SnapshotResource | undefined }>;
  readonly problems: readonly string[];
}

/**
 * Applies `changes` (derived from `previous.resources`) to `previous`. Problems are looked for
 * only where a change can make them: the references of changed clusters and listeners, names that
 * were removed while a reference count says something still needs them, and duplicates among the
 * changed. The previous snapshot was consistent, so nothing else can have become inconsistent.
 */
export function updateSnapshot(previous: Snapshot, resources: EnvoyResources, changes: ResourceChanges): Snapshot {
  const misplaced = misplacedResources(RESOURCE_TYPES.flatMap((type) => [[type, changes.lists[LIST_OF[type.name]]?.upserted ?? []] as const]));
  if (misplaced.length > 0) throw new InconsistentSnapshotError(misplaced);
  const problems: string[] = [];
  const types = { ...previous.types } as Record<TypeUrl, TypeSnapshot>;
  const updates = new Map<TypeName, TypeUpdate>();
  for (const type of RESOURCE_TYPES) {
    const list = changes.lists[LIST_OF[type.name]];
    if (list === undefined) continue;
    const update = applyChanges(type, previous.types[type.typeUrl], list.upserted, list.removed);
    updates.set(type.name, update);
    types[type.typeUrl] = update.type;
    problems.push(...update.problems);
  }
  // The state-of-the-world ingress_http follows its virtual hosts (see snapshot-resource.ts).
  const hosts = updates.get("virtualHost");
  const routes = types[TypeUrl.route];
  const sotwBefore = routes.resources.get(HTTP_ROUTE_CONFIG_NAME);
  // (Reading resources.virtualHosts would materialise every host: the previous resource says it is derived.)
  if (hosts !== undefined && sotwBefore?.derived === true) {
    const sotw = sotwHttpRoutesResource(hosts.type.version, () => sotwHttpRoutes(resources), sotwBefore);
    if (sotw !== sotwBefore) {
      const digest = addPair(removePair(routes.digest, sotwBefore.name, sotwBefore.version), sotw.name, sotw.version);
      const before = previous.types[TypeUrl.route];
      const names = new Set(routes === before ? [] : routes.changedFrom?.names);
      names.add(sotw.name);
      const changedFrom = { previous: new WeakRef(before), names };
      types[TypeUrl.route] = { typeUrl: TypeUrl.route, version: digestVersion(digest), resources: routes.resources.update([[sotw.name, sotw]]), digest, changedFrom };
    }
  }
  const deltaTypes = { ...previous.deltaTypes };
  const deltaList = changes.lists.deltaRoutes;
  const deltaBefore = previous.deltaTypes[TypeUrl.route];
  if (deltaList !== undefined && deltaBefore !== undefined) {
    const routeType = RESOURCE_TYPES.find((t) => t.name === "route") as ResourceType;
    const update = applyChanges(routeType, deltaBefore, deltaList.upserted, deltaList.removed);
    deltaTypes[TypeUrl.route] = update.type;
    problems.push(...update.problems);
  } else if (deltaList !== undefined) {
    problems.push("the delta route configurations changed without a previous delta route type to apply them to");
  }
  const deltaRoutes = deltaTypes[TypeUrl.route];
  if (deltaRoutes !== undefined && (updates.has("route") || deltaList !== undefined)) {
    const sotwRoutes = types[TypeUrl.route].resources;
    const names = new Set([...(updates.get("route")?.changed.keys() ?? []), ...deltaList!.upserted.map((r) => (r as unknown as { name: string }).name), ...deltaList!.removed]);
    const mismatch = sotwRoutes.size !== deltaRoutes.resources.size || [...names].some((n) => sotwRoutes.has(n) !== deltaRoutes.resources.has(n));
    if (mismatch) problems.push("the delta route configurations do not have the names of the others");
  }
  // Reference counts follow the changed clusters and listeners; then every changed reference and
  // every removed name is checked.
  const countChanges = new Map<string, number>();
  const bump = (refs: readonly Reference[] | undefined, delta: number): void => {
    for (const key of referenceKeys(refs ?? [])) countChanges.set(key, (countChanges.get(key) ?? (previous.referenceCounts.get(key) ?? 0)) + delta);
  };
  for (const name of ["cluster", "listener"] as const) {
    for (const { before, after } of updates.get(name)?.changed.values() ?? []) {
      bump(before?.references, -1);
      bump(after?.references, 1);
    }
  }
  const referenceCounts = previous.referenceCounts.update(
    [...countChanges].filter(([, n]) => n > 0),
    [...countChanges].filter(([, n]) => n <= 0).map(([key]) => key),
  );
  const provided = (type: Reference["type"], name: string): boolean => types[RESOURCE_TYPES.find((t) => t.name === type)!.typeUrl].resources.has(name);
  for (const name of ["cluster", "listener"] as const) {
    for (const [owner, { after }] of updates.get(name)?.changed ?? []) {
      for (const ref of after?.references ?? []) {
        if (!provided(ref.type, ref.name)) problems.push(`${name} "${owner}" ${ref.at} needs ${MESSAGE_OF[ref.type]} "${ref.name}", which the snapshot does not contain`);
      }
    }
  }
  for (const target of ["endpoint", "route", "secret"] as const) {
    for (const [name, { after }] of updates.get(target)?.changed ?? []) {
      const needed = referenceCounts.get(`${target}\0${name}`) ?? 0;
      if (after === undefined && needed > 0) problems.push(`${MESSAGE_OF[target]} "${name}" was removed, but ${needed} resource(s) still need it`);
    }
  }
  if (problems.length > 0) throw new InconsistentSnapshotError(problems);
  return finishSnapshot(types, deltaTypes, resources, referenceCounts);
}

/** The state-of-the-world ingress_http of a set, built when a stream asks for it. */
function sotwHttpRoutes(resources: EnvoyResources): Message {
  const found = resources.routes.find((r) => r.name === HTTP_ROUTE_CONFIG_NAME);
  if (found === undefined) throw new Error(`the resources have no ${HTTP_ROUTE_CONFIG_NAME} route configuration`);
  return found;
}

function applyChanges(type: ResourceType, previous: TypeSnapshot, upserted: readonly Message[], removed: readonly string[]): TypeUpdate {
  const problems: string[] = [];
  const next = new Map<string, SnapshotResource | undefined>();
  for (const name of removed) next.set(name, undefined);
  const seen = new Set<string>();
  for (const message of upserted) {
    const name = type.nameOf(message);
    if (seen.has(name)) problems.push(`${type.name} "${name}" appears more than once`);
    seen.add(name);
    const before = previous.resources.get(name);
    if (before !== undefined && before.message === message) {
      next.set(name, before);
      continue;
    }
    const refs = resourceReferences(type.name, message);
    for (const problem of refs.problems) problems.push(`${type.name} "${name}" ${problem.at}: ${problem.message}`);
    const built = encodedResource(type, name, message, refs.references);
    // Equal content keeps the resource it had: streams compare versions, and the old bytes are as good.
    next.set(name, before !== undefined && before.version === built.version ? before : built);
  }
  let digest = previous.digest;
  const changed = new Map<string, { before: SnapshotResource | undefined; after: SnapshotResource | undefined }>();
  for (const [name, after] of next) {
    const before = previous.resources.get(name);
    if (before === after) continue;
    if (before !== undefined) digest = removePair(digest, name, before.version);
    if (after !== undefined) digest = addPair(digest, name, after.version);
    changed.set(name, { before, after });
  }
  if (changed.size === 0) return { type: previous, changed, problems };
  const set: [string, SnapshotResource][] = [];
  const gone: string[] = [];
  for (const [name, { after }] of changed) {
    if (after === undefined) gone.push(name);
    else set.push([name, after]);
  }
  const resources = previous.resources.update(set, gone);
  const changedFrom = { previous: new WeakRef(previous), names: new Set(changed.keys()) };
  return { type: { typeUrl: type.typeUrl, version: digestVersion(digest), resources, digest, changedFrom }, changed, problems };
}
