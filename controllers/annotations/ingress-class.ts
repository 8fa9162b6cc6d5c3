import { CONTOUR_PREFIX, type Annotations } from "./annotation-value.js";

/** Contour's own class annotation; read before the Kubernetes one. */
export const CONTOUR_INGRESS_CLASS = `${CONTOUR_PREFIX}ingress.class`;

/** The deprecated Kubernetes class annotation. */
export const KUBERNETES_INGRESS_CLASS = "kubernetes.io/ingress.class";

/**
 * The class an object's annotations name, "" when none: projectcontour.io/ingress.class first, then
 * kubernetes.io/ingress.class, as upstream's annotation.IngressClass orders them.
 */
export function annotationIngressClass(annotations: Annotations): string {
  return annotations?.[CONTOUR_INGRESS_CLASS] ?? annotations?.[KUBERNETES_INGRESS_CLASS] ?? "";
}
