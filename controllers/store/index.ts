/** The shared snapshot store's public surface. */
export type { Condition, Fragment, RelatedConditions } from "./fragment.js";
export { createModelStore, type ModelStore, type ModelChanges } from "./model-store.js";
export type { ChangeSet } from "./sorted-view.js";
export { ConditionType, errorCondition, warningCondition, isError, finishConditions, quote } from "./conditions.js";
export { compareRoutes, sortRoutes, routeMatchKey } from "./route-order.js";
