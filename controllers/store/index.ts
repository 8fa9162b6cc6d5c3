/** The shared snapshot store's public surface. */
export type { Condition, Fragment, RelatedConditions } from "./fragment.js";
export { createModelStore, type ModelStore } from "./model-store.js";
export { ConditionType, errorCondition, warningCondition, isError, finishConditions, quote } from "./conditions.js";
export { compareRoutes, sortRoutes, routeMatchKey } from "./route-order.js";
