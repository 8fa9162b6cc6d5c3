// Public surface of crds/: Contour's kinds as TypeScript (with their enumerations as value lists),
// the API's names, and the CRD manifests.
export * from "./constants.js";
export * from "./types/httpproxy.js";
export * from "./types/tlscertificatedelegation.js";
export * from "./types/extensionservice.js";
export * from "./types/contourconfiguration.js";
export * from "./types/detailed-condition.js";
export { CRD_FILES, crdPath, loadContourConfigurationCrd, loadCrd, loadCrdManifests, loadExtensionServiceCrd, loadHTTPProxyCrd, loadTLSCertificateDelegationCrd, repoRoot, type CrdName } from "./manifests.js";
export type { CustomResourceDefinition, JSONSchemaProps, PrinterColumn } from "./schema/openapi.js";
