import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import {
  EXTENSION_PROTOCOLS,
  EXTENSION_SERVICE_CRD_NAME,
  EXTENSION_SERVICE_KIND,
  crdPath,
  loadCrd,
  loadExtensionServiceCrd,
  type JSONSchemaProps,
} from "./index.js";
import { extensionServiceCrd } from "./schema/extensionservice.js";
import { renderCrdYaml } from "./schema/render.js";
import { EVERY_FIELD_EXTENSION_SPEC, invalidExtensionServices, validExtensionServices } from "./testdata/extensionservice-samples.js";
import { mapPaths, schemaNodes, schemaPaths, structuralProblems, subSchema, validateValue, valuePaths } from "./testdata/schema-check.js";

function schema(): JSONSchemaProps {
  const version = loadExtensionServiceCrd().spec.versions[0];
  assert.ok(version !== undefined);
  return version.schema.openAPIV3Schema;
}

describe("crds: ExtensionService", function () {
  it("the file is the rendered schema", function () {
    const rendered = renderCrdYaml(extensionServiceCrd());
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(crdPath(EXTENSION_SERVICE_CRD_NAME), rendered);
    assert.equal(readFileSync(crdPath(EXTENSION_SERVICE_CRD_NAME), "utf8"), rendered, "rerun with UPDATE_GOLDEN=1 if the change is intended");
    assert.deepEqual(loadCrd(EXTENSION_SERVICE_CRD_NAME), extensionServiceCrd());
  });

  it("is upstream's kind: projectcontour.io/v1alpha1, namespaced, its names and short names, the status subresource", function () {
    const crd = loadExtensionServiceCrd();
    assert.equal(crd.spec.group, "projectcontour.io");
    assert.equal(crd.spec.scope, "Namespaced");
    assert.deepEqual(crd.spec.names, {
      plural: "extensionservices",
      singular: "extensionservice",
      kind: EXTENSION_SERVICE_KIND,
      listKind: "ExtensionServiceList",
      shortNames: ["extensionservice", "extensionservices"],
    });
    assert.deepEqual(
      crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources, v.additionalPrinterColumns]),
      [["v1alpha1", true, true, { status: {} }, undefined]],
    );
  });

  it("is structural, preserves no unknown fields, and every pattern compiles", function () {
    assert.deepEqual(structuralProblems(schema()), []);
    for (const [path, node] of schemaNodes(schema())) {
      assert.equal(node["x-kubernetes-preserve-unknown-fields"], undefined, path);
      if (node.pattern !== undefined) assert.doesNotThrow(() => new RegExp(node.pattern ?? "", "u"), path);
    }
  });

  it("the protocol enumeration is the TypeScript value list", function () {
    assert.deepEqual(subSchema(schema(), "spec.protocol").enum, [...EXTENSION_PROTOCOLS]);
  });

  it("requires spec.services only, as upstream (no required spec at the root)", function () {
    assert.equal(schema().required, undefined);
    assert.deepEqual(subSchema(schema(), "spec").required, ["services"]);
  });

  for (const sample of validExtensionServices()) {
    it(`admits upstream-shaped ${sample.metadata?.name ?? ""}`, function () {
      assert.deepEqual(validateValue(schema(), sample), []);
    });
  }

  it("ExtensionServiceSpec: a value setting every field fits the schema, and sets every field the schema has", function () {
    const spec = subSchema(schema(), "spec");
    assert.deepEqual(validateValue(spec, EVERY_FIELD_EXTENSION_SPEC), []);
    const want = new Set(schemaPaths(spec));
    const got = new Set(valuePaths(EVERY_FIELD_EXTENSION_SPEC, new Set(mapPaths(spec))));
    assert.deepEqual([...want].filter((p) => !got.has(p)), [], "schema fields the type does not have");
    assert.deepEqual([...got].filter((p) => !want.has(p)), [], "type fields the schema does not have");
  });

  for (const bad of invalidExtensionServices().filter((m) => m.cel !== true)) {
    it(`refuses ${bad.name} at ${bad.field}`, function () {
      const errors = validateValue(schema(), bad.manifest);
      assert.deepEqual(errors.map((e) => e.path), [bad.field], JSON.stringify(errors));
    });
  }

  it("carries upstream's CEL rule on spec.validation", function () {
    assert.deepEqual(subSchema(schema(), "spec.validation")["x-kubernetes-validations"], [
      { rule: "has(self.subjectNames) ? self.subjectNames[0] == self.subjectName : true", message: "subjectNames[0] must equal subjectName if set" },
    ]);
  });
});
