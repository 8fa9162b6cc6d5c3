// The CRD manifests under crds/, parsed, for tests and the demo to install. The YAML files live in
// the source tree (not in dist/), so they are found from the repository root at run time.
//
// Send them to the API server as raw JSON: client-node's ApiextensionsV1Api re-serialises a body
// through its model classes, which read `_enum`, `_default`, `x_kubernetes_validations`... and so
// silently drop the `enum`, `default` and `x-kubernetes-*` keys these plain objects carry.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { CONTOUR_CONFIGURATION_CRD_NAME, EXTENSION_SERVICE_CRD_NAME, HTTPPROXY_CRD_NAME, TLS_CERTIFICATE_DELEGATION_CRD_NAME } from "./constants.js";
import type { CustomResourceDefinition } from "./schema/openapi.js";

/** The CRD files, relative to the repository root, by CRD name. */
export const CRD_FILES = {
  [HTTPPROXY_CRD_NAME]: "crds/projectcontour.io_httpproxies.yaml",
  [TLS_CERTIFICATE_DELEGATION_CRD_NAME]: "crds/projectcontour.io_tlscertificatedelegations.yaml",
  [EXTENSION_SERVICE_CRD_NAME]: "crds/projectcontour.io_extensionservices.yaml",
  [CONTOUR_CONFIGURATION_CRD_NAME]: "crds/projectcontour.io_contourconfigurations.yaml",
} as const;

/** The name of one of our CRDs. */
export type CrdName = keyof typeof CRD_FILES;

let cachedRoot: string | undefined;

/** The repository root: the nearest ancestor of this module holding package.json (works from crds/ and dist/crds/). */
export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`crds: no package.json above ${fileURLToPath(import.meta.url)}; cannot locate crds/*.yaml`);
    dir = parent;
  }
}

/** Absolute path of a CRD file. */
export function crdPath(name: CrdName): string {
  return join(repoRoot(), CRD_FILES[name]);
}

/** Reads and parses one CRD file; throws naming the file if it is not that CRD. */
export function loadCrd(name: CrdName): CustomResourceDefinition {
  const path = crdPath(name);
  const parsed: unknown = parse(readFileSync(path, "utf8"));
  if (!isCrd(parsed) || parsed.metadata.name !== name) {
    throw new Error(`crds: ${path} is not the CustomResourceDefinition ${name}`);
  }
  return parsed;
}

/** The HTTPProxy CRD manifest. */
export function loadHTTPProxyCrd(): CustomResourceDefinition {
  return loadCrd(HTTPPROXY_CRD_NAME);
}

/** The TLSCertificateDelegation CRD manifest. */
export function loadTLSCertificateDelegationCrd(): CustomResourceDefinition {
  return loadCrd(TLS_CERTIFICATE_DELEGATION_CRD_NAME);
}

/** The ExtensionService CRD manifest. */
export function loadExtensionServiceCrd(): CustomResourceDefinition {
  return loadCrd(EXTENSION_SERVICE_CRD_NAME);
}

/** The ContourConfiguration CRD manifest. */
export function loadContourConfigurationCrd(): CustomResourceDefinition {
  return loadCrd(CONTOUR_CONFIGURATION_CRD_NAME);
}

/** Every CRD manifest of the project, in install order. */
export function loadCrdManifests(): CustomResourceDefinition[] {
  return [loadHTTPProxyCrd(), loadTLSCertificateDelegationCrd(), loadExtensionServiceCrd(), loadContourConfigurationCrd()];
}

function isCrd(value: unknown): value is CustomResourceDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  return v.apiVersion === "apiextensions.k8s.io/v1" && v.kind === "CustomResourceDefinition" && typeof v.metadata?.name === "string";
}
