/** The HTTPProxy reconciler's public surface. */
export { reconcileHTTPProxy, type HTTPProxyReconcileOptions } from "./reconcile-httpproxy.js";
export { httpProxyMatchesClass } from "./ingress-class.js";
export { isRootProxy } from "./walk-context.js";
export { proxyStatusView, buildHTTPProxyStatus, ORPHANED_MESSAGE, ERROR_PRESENT_MESSAGE, type ProxyStatusView } from "./proxy-status.js";
export { Area } from "./proxy-conditions.js";
