/** The Ingress reconciler's public surface. */
export { reconcileIngress, type IngressReconcileOptions } from "./reconcile-ingress.js";
export { ingressMatchesClass, CONTOUR_INGRESS_CONTROLLER, DEFAULT_INGRESS_CLASS } from "./ingress-class.js";
