import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { CONTOUR_CONFIGURATION_CRD_NAME, CONTOUR_CONFIGURATION_KIND, crdPath, loadContourConfigurationCrd, loadCrd, type JSONSchemaProps } from "./index.js";
import { contourConfigurationCrd } from "./schema/contourconfiguration.js";
import { renderCrdYaml } from "./schema/render.js";
import { EVERY_FIELD_CONTOUR_CONFIGURATION_SPEC, invalidContourConfigurations, validContourConfigurations } from "./testdata/contourconfiguration-samples.js";
import { mapPaths, schemaNodes, schemaPaths, structuralProblems, subSchema, validateValue, valuePaths } from "./testdata/schema-check.js";

function schema(): JSONSchemaProps {
  const version = loadContourConfigurationCrd().spec.versions[0];
  assert.ok(version !== undefined);
  return version.schema.openAPIV3Schema;
}

describe("crds: ContourConfiguration", function () {
  it("the file is the rendered schema", function () {
    const rendered = renderCrdYaml(contourConfigurationCrd());
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(crdPath(CONTOUR_CONFIGURATION_CRD_NAME), rendered);
    assert.equal(readFileSync(crdPath(CONTOUR_CONFIGURATION_CRD_NAME), "utf8"), rendered, "rerun with UPDATE_GOLDEN=1 if the change is intended");
    assert.deepEqual(loadCrd(CONTOUR_CONFIGURATION_CRD_NAME), contourConfigurationCrd());
  });

  it("is upstream's kind: projectcontour.io/v1alpha1, namespaced, its names and short name, the status subresource", function () {
    const crd = loadContourConfigurationCrd();
    assert.equal(crd.spec.group, "projectcontour.io");
    assert.equal(crd.spec.scope, "Namespaced");
    assert.deepEqual(crd.spec.names, {
      plural: "contourconfigurations",
      singular: "contourconfiguration",
      kind: CONTOUR_CONFIGURATION_KIND,
      listKind: "ContourConfigurationList",
      shortNames: ["contourconfig"],
    });
    assert.deepEqual(
      crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources]),
      [["v1alpha1", true, true, { status: {} }]],
    );
    assert.deepEqual(schema().required, ["spec"]);
  });

  it("is structural, preserves no unknown fields, and every pattern compiles", function () {
    assert.deepEqual(structuralProblems(schema()), []);
    for (const [path, node] of schemaNodes(schema())) {
      assert.equal(node["x-kubernetes-preserve-unknown-fields"], undefined, path);
      if (node.pattern !== undefined) assert.doesNotThrow(() => new RegExp(node.pattern ?? "", "u"), path);
    }
  });

  for (const sample of validContourConfigurations()) {
    it(`admits upstream-shaped ${sample.metadata?.name ?? ""}`, function () {
      assert.deepEqual(validateValue(schema(), sample), []);
    });
  }

  it("ContourConfigurationSpec: a value setting every field fits the schema, and sets every field the schema has", function () {
    const spec = subSchema(schema(), "spec");
    assert.deepEqual(validateValue(spec, EVERY_FIELD_CONTOUR_CONFIGURATION_SPEC), []);
    const want = new Set(schemaPaths(spec));
    const got = new Set(valuePaths(EVERY_FIELD_CONTOUR_CONFIGURATION_SPEC, new Set(mapPaths(spec))));
    assert.deepEqual([...want].filter((p) => !got.has(p)), [], "schema fields the type does not have");
    assert.deepEqual([...got].filter((p) => !want.has(p)), [], "type fields the schema does not have");
  });

  for (const bad of invalidContourConfigurations()) {
    it(`refuses ${bad.name} at ${bad.field}`, function () {
      const errors = validateValue(schema(), bad.manifest);
      assert.deepEqual(errors.map((e) => e.path), [bad.field], JSON.stringify(errors));
    });
  }
});
