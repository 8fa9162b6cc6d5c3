import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import { annotationIngressClass, configuredIngressClasses } from "../annotations/ingress-class.js";
import { DEFAULT_INGRESS_CLASS } from "../ingress/ingress-class.js";

/**
 * Whether this controller serves an HTTPProxy, as upstream's ingressclass.MatchesHTTPProxy decides:
 * the class annotation (projectcontour.io/ingress.class, then kubernetes.io/ingress.class) wins over
 * spec.ingressClassName; without a configured class, proxies naming none or "contour" are served;
 * with some (`--ingress-class-name contour,team1`), only proxies naming one of them.
 */
export function httpProxyMatchesClass(proxy: HTTPProxy, configuredClass: string | undefined): boolean {
  const annotated = annotationIngressClass(proxy.metadata?.annotations);
  const specClass = (proxy.spec as { ingressClassName?: unknown } | undefined)?.ingressClassName;
  const cls = annotated !== "" ? annotated : typeof specClass === "string" ? specClass : "";
  const configured = configuredIngressClasses(configuredClass);
  if (configured.length === 0) return cls === "" || cls === DEFAULT_INGRESS_CLASS;
  return configured.includes(cls);
}
