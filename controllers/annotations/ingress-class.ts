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

/**
 * The class names of `--ingress-class-name`, split on "," as upstream's serve command splits them
 * (no trimming); none when unset or empty, which means "no class or `contour`".
 */
export function configuredIngressClasses(configured: string | undefined): readonly string[] {
  return configured === undefined || configured === "" ? [] : configured.split(",");
}
