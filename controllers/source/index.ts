/** The object cache's public surface. */
export { ANY_NAME, compareKeys, formatKey, keyOf, type ObjectCache, type ObjectKey, type WatchedKind } from "./object-cache.js";
export { createObjectCache, isWatchedKind, type MemoryObjectCache } from "./memory-object-cache.js";
export { isRelevantSecret } from "./secret-filter.js";
