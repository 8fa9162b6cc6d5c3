// Renders a CRD object as the YAML committed under crds/: a fixed header, then the object with
// keys in the order the builders wrote them and no line folding (patterns stay on one line).
import { stringify } from "yaml";
import type { CustomResourceDefinition } from "./openapi.js";

/** The first lines of every generated CRD file. */
export const GENERATED_HEADER = [
  "# Generated from crds/schema/*.ts: do not edit by hand.",
  "# To regenerate: make build && UPDATE_GOLDEN=1 npx mocha --config .mocharc.unit.json --grep 'crds: YAML'",
].join("\n");

/** The YAML text of a CRD file. */
export function renderCrdYaml(crd: CustomResourceDefinition): string {
  return `${GENERATED_HEADER}\n${stringify(crd, { lineWidth: 0 })}`;
}
