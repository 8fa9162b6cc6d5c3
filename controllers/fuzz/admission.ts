/**
 * Test support: what the API server would admit. HTTPProxies are checked against the CRD's own
 * schema (crds/schema, as installed; its few CEL rules are not evaluated here, the fuzz e2e meets
 * them for real); Ingresses against the path rules of Kubernetes' networking validation. The fuzzer
 * keeps only admitted objects: anything else never reaches a controller.
 */
import type { KubernetesObject, V1Ingress } from "@kubernetes/client-node";
import { httpProxyCrd } from "../../crds/schema/httpproxy.js";
import type { JSONSchemaProps } from "../../crds/schema/openapi.js";
import { validateValue } from "../../crds/testdata/schema-check.js";

let proxySchema: JSONSchemaProps | undefined;

/** Why the API server would refuse an HTTPProxy (first few schema errors), or undefined. */
export function httpProxyAdmissionProblem(proxy: KubernetesObject): string | undefined {
  proxySchema ??= httpProxyCrd().spec.versions[0]?.schema?.openAPIV3Schema;
  if (proxySchema === undefined) throw new Error("the HTTPProxy CRD has no schema");
  const errors = validateValue(proxySchema, proxy);
  return errors.length === 0 ? undefined : errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join("; ");
}

const INVALID_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_SUFFIXES = ["/..", "/."];

/**
 * Why the API server would refuse an Ingress's paths, or undefined: every path is absolute, and
 * Exact and Prefix paths hold no "//", "/./", "/../" or encoded slash and do not end in "/." or "/..".
 */
export function ingressAdmissionProblem(ingress: V1Ingress): string | undefined {
  for (const rule of ingress.spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      const path = p.path ?? "";
      if (path !== "" && !path.startsWith("/")) return `${path}: must be an absolute path`;
      if (p.pathType === "Exact" || p.pathType === "Prefix") {
        if (INVALID_SEQUENCES.some((s) => path.includes(s)) || INVALID_SUFFIXES.some((s) => path.endsWith(s))) return `${path}: must not contain "//", "/./", "/../" or "%2f"`;
      }
    }
  }
  return undefined;
}

/** Whether the API server would admit the object. */
export function admitted(o: KubernetesObject): boolean {
  if (o.kind === "HTTPProxy") return httpProxyAdmissionProblem(o) === undefined;
  if (o.kind === "Ingress") return ingressAdmissionProblem(o as V1Ingress) === undefined;
  return true;
}
