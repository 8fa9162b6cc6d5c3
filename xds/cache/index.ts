// Public surface of xds/cache: immutable, consistency-checked snapshots with content versions.
export { checkConsistency } from "./consistency.js";
export { hashBytes, hashPairs } from "./hash.js";
export { clusterReferences, listenerReferences, type Reference, type References } from "./references.js";
export { RESOURCE_TYPES, lookupResourceType, typeNameOf, type ResourceType, type TypeName } from "./resource-types.js";
export { createSnapshot, emptySnapshot, type CreateSnapshotOptions, type Snapshot, type SnapshotResource, type TypeSnapshot } from "./snapshot.js";
export { createSnapshotCache, type SnapshotCache, type SnapshotListener } from "./snapshot-cache.js";
export { InconsistentSnapshotError } from "./snapshot-error.js";
