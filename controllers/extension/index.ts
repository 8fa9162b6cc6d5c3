/** ExtensionService reconciliation: the `extension/<namespace>/<name>` cluster and the object's status. */
export { reconcileExtensionService, extensionClusterName, EXTENSION_SERVICE, type ExtensionOptions } from "./reconcile-extension-service.js";
export { extensionStatusView, buildExtensionServiceStatus, VALID_MESSAGE, type ExtensionStatusView } from "./extension-status.js";
export { extensionCircuitBreakers, extensionLoadBalancer, extensionTimeouts, type ClusterCircuitBreakers, type ExtensionTimeouts } from "./extension-policies.js";
