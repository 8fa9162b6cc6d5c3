import type { V1Ingress, V1IngressClass } from "@kubernetes/client-node";
import { annotationIngressClass, configuredIngressClasses } from "../annotations/ingress-class.js";

/** The spec.controller of IngressClasses meant for Contour, as upstream's examples and installs declare it. */
export const CONTOUR_INGRESS_CONTROLLER = "projectcontour.io/ingress-controller";

/** The class Contour serves when none is configured (upstream's ingressclass.DefaultClassName). */
export const DEFAULT_INGRESS_CLASS = "contour";

/**
 * Whether this controller serves an Ingress, following upstream's ingressclass.MatchesIngress:
 * a class annotation (projectcontour.io/ingress.class, then kubernetes.io/ingress.class) decides
 * alone when present; otherwise spec.ingressClassName; an Ingress naming no class at all is served
 * only when no class is configured. Configured classes (`--ingress-class-name contour,team1`, a
 * comma-separated list as upstream splits it) are matched by name.
 *
 * Without a configured class, upstream accepts the name "contour"; here an ingressClassName also
 * matches when its IngressClass object names Contour's controller (what Kubernetes means by a class),
 * and "contour" does not match when its IngressClass object names another controller.
 * `ingressClasses` are the IngressClass objects known (only the one named by the Ingress is read).
 */
export function ingressMatchesClass(ingress: V1Ingress, ingressClasses: readonly V1IngressClass[], configuredClass: string | undefined): boolean {
  const configured = configuredIngressClasses(configuredClass);
  const annotated = annotationIngressClass(ingress.metadata?.annotations);
  if (annotated !== "") return configured.length > 0 ? configured.includes(annotated) : annotated === DEFAULT_INGRESS_CLASS;
  const specClass = ingress.spec?.ingressClassName ?? "";
  if (specClass === "") return configured.length === 0 || configured.includes("");
  if (configured.length > 0) return configured.includes(specClass);
  const controller = ingressClasses.find((c) => c.metadata?.name === specClass)?.spec?.controller;
  if (controller !== undefined) return controller === CONTOUR_INGRESS_CONTROLLER;
  return specClass === DEFAULT_INGRESS_CLASS;
}
