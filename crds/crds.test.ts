import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import {
  HTTPPROXY_CRD_NAME,
  HTTPPROXY_KIND,
  HTTPPROXY_PLURAL,
  LOAD_BALANCER_STRATEGIES,
  TLS_CERTIFICATE_DELEGATION_CRD_NAME,
  TLS_CERTIFICATE_DELEGATION_PLURAL,
  UPSTREAM_PROTOCOLS,
  crdPath,
  loadCrd,
  loadCrdManifests,
  type CrdName,
  type CustomResourceDefinition,
  type JSONSchemaProps,
} from "./index.js";
import { httpProxyCrd } from "./schema/httpproxy.js";
import { renderCrdYaml } from "./schema/render.js";
import { tlsCertificateDelegationCrd } from "./schema/tlscertificatedelegation.js";
import {
  EVERY_FIELD_DELEGATION_STATUS,
  EVERY_FIELD_SPEC,
  EVERY_FIELD_STATUS,
  certificateDelegation,
  invalidManifests,
  upstreamAdmittedProxies,
  validHTTPProxies,
} from "./testdata/samples.js";
import { mapPaths, schemaNodes, schemaPaths, structuralProblems, subSchema, validateValue, valuePaths } from "./testdata/schema-check.js";

// The projectcontour.io/v1 CRDs; the v1alpha1 ExtensionService has its own tests (extensionservice.test.ts).
type V1CrdName = typeof HTTPPROXY_CRD_NAME | typeof TLS_CERTIFICATE_DELEGATION_CRD_NAME;
const BUILDERS: Record<V1CrdName, () => CustomResourceDefinition> = {
  [HTTPPROXY_CRD_NAME]: httpProxyCrd,
  [TLS_CERTIFICATE_DELEGATION_CRD_NAME]: tlsCertificateDelegationCrd,
};
const NAMES = Object.keys(BUILDERS) as V1CrdName[];

const loaded = new Map<CrdName, CustomResourceDefinition>();

/** The schema of a CRD file, parsed once per run. */
function schemaOf(name: CrdName): JSONSchemaProps {
  let crd = loaded.get(name);
  if (crd === undefined) {
    crd = loadCrd(name);
    loaded.set(name, crd);
  }
  const version = crd.spec.versions[0];
  assert.ok(version !== undefined, `${name} has a version`);
  return version.schema.openAPIV3Schema;
}

describe("crds: YAML", function () {
  for (const name of NAMES) {
    // Golden files: the YAML under crds/ is the builder's output; UPDATE_GOLDEN=1 rewrites it.
    it(`${name}: the file is the rendered schema`, function () {
      const rendered = renderCrdYaml(BUILDERS[name]());
      if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(crdPath(name), rendered);
      assert.equal(readFileSync(crdPath(name), "utf8"), rendered, `${crdPath(name)} differs; rerun with UPDATE_GOLDEN=1 if the change is intended`);
      // What a YAML parser reads back is exactly the built object (no quoting surprises).
      assert.deepEqual(loadCrd(name), BUILDERS[name]());
    });

    it(`${name}: parses as that CRD, one version served and stored, with the status subresource`, function () {
      const crd = loadCrd(name);
      assert.equal(crd.spec.group, "projectcontour.io");
      assert.equal(crd.spec.scope, "Namespaced");
      assert.equal(crd.spec.versions.length, 1);
      const [v1] = crd.spec.versions;
      assert.equal(v1?.name, "v1");
      assert.equal(v1?.served, true);
      assert.equal(v1?.storage, true);
      assert.deepEqual(v1?.subresources, { status: {} });
    });

    it(`${name}: the schema is structural and uses no x-kubernetes-preserve-unknown-fields`, function () {
      const schema = schemaOf(name);
      assert.deepEqual(structuralProblems(schema), []);
      for (const [path, node] of schemaNodes(schema)) {
        assert.equal(node["x-kubernetes-preserve-unknown-fields"], undefined, `${path} preserves unknown fields`);
      }
    });

    it(`${name}: every pattern is a valid regular expression`, function () {
      for (const [path, node] of schemaNodes(schemaOf(name))) {
        if (node.pattern !== undefined) assert.doesNotThrow(() => new RegExp(node.pattern ?? "", "u"), `${path}: ${node.pattern}`);
      }
    });
  }

  it("HTTPProxy: names, short names and printer columns", function () {
    const crd = loadCrd(HTTPPROXY_CRD_NAME);
    assert.deepEqual(crd.spec.names, { plural: HTTPPROXY_PLURAL, singular: "httpproxy", kind: HTTPPROXY_KIND, listKind: "HTTPProxyList", shortNames: ["proxy", "proxies"] });
    const columns = crd.spec.versions[0]?.additionalPrinterColumns?.map((c) => [c.name, c.jsonPath]);
    assert.deepEqual(columns, [
      ["FQDN", ".spec.virtualhost.fqdn"],
      ["TLS Secret", ".spec.virtualhost.tls.secretName"],
      ["Status", ".status.currentStatus"],
      ["Status Description", ".status.description"],
    ]);
  });

  it("TLSCertificateDelegation: names, short name and the Age column", function () {
    const crd = loadCrd(TLS_CERTIFICATE_DELEGATION_CRD_NAME);
    assert.equal(crd.spec.names.plural, TLS_CERTIFICATE_DELEGATION_PLURAL);
    assert.deepEqual(crd.spec.names.shortNames, ["tlscerts"]);
    assert.deepEqual(crd.spec.versions[0]?.additionalPrinterColumns, [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }]);
  });

  it("loadCrdManifests returns every CRD", function () {
    assert.deepEqual(
      loadCrdManifests().map((c) => c.metadata.name),
      [HTTPPROXY_CRD_NAME, TLS_CERTIFICATE_DELEGATION_CRD_NAME, "extensionservices.projectcontour.io", "contourconfigurations.projectcontour.io"],
    );
  });

  it("the enumerations of the schema are the TypeScript value lists", function () {
    const route = subSchema(schemaOf(HTTPPROXY_CRD_NAME), "spec.routes").items;
    // Not an enum, as upstream: an unknown strategy is admitted and served as RoundRobin with a warning.
    assert.equal(route?.properties?.["loadBalancerPolicy"]?.properties?.["strategy"]?.enum, undefined);
    assert.ok(LOAD_BALANCER_STRATEGIES.every((s) => route?.properties?.["loadBalancerPolicy"]?.properties?.["strategy"]?.description?.includes(s)));
    assert.deepEqual(route?.properties?.["services"]?.items?.properties?.["protocol"]?.enum, [...UPSTREAM_PROTOCOLS]);
  });
});

describe("crds: the TypeScript types agree with the schema", function () {
  const proxy = (): JSONSchemaProps => schemaOf(HTTPPROXY_CRD_NAME);
  const delegation = (): JSONSchemaProps => schemaOf(TLS_CERTIFICATE_DELEGATION_CRD_NAME);

  for (const sample of validHTTPProxies()) {
    it(`sample HTTPProxy ${sample.metadata?.name ?? ""} fits the schema`, function () {
      assert.deepEqual(validateValue(proxy(), sample), []);
    });
  }

  it("sample TLSCertificateDelegation fits the schema", function () {
    assert.deepEqual(validateValue(delegation(), certificateDelegation()), []);
  });

  // EVERY_FIELD_* are typed Complete<...>: the compiler makes them set every field of the types.
  // Equal path sets then mean the types and the schema describe the same fields, both ways.
  const everyField = [
    { what: "HTTPProxySpec", schema: () => subSchema(proxy(), "spec"), value: EVERY_FIELD_SPEC },
    { what: "HTTPProxyStatus", schema: () => subSchema(proxy(), "status"), value: EVERY_FIELD_STATUS },
    { what: "TLSCertificateDelegationStatus", schema: () => subSchema(delegation(), "status"), value: EVERY_FIELD_DELEGATION_STATUS },
    { what: "TLSCertificateDelegationSpec", schema: () => subSchema(delegation(), "spec"), value: certificateDelegation().spec },
  ];
  for (const { what, schema, value } of everyField) {
    it(`${what}: a value setting every field fits the schema, and sets every field the schema has`, function () {
      const s = schema();
      assert.deepEqual(validateValue(s, value), []);
      const want = new Set(schemaPaths(s));
      const got = new Set(valuePaths(value, new Set(mapPaths(s))));
      assert.deepEqual([...want].filter((p) => !got.has(p)), [], "schema fields the type does not have");
      assert.deepEqual([...got].filter((p) => !want.has(p)), [], "type fields the schema does not have");
    });
  }

  for (const sample of upstreamAdmittedProxies()) {
    it(`admits ${String((sample["metadata"] as { name: string }).name)}, as upstream does`, function () {
      assert.deepEqual(validateValue(proxy(), sample), []);
    });
  }

  for (const bad of invalidManifests().filter((m) => m.cel !== true)) {
    it(`rejects ${bad.name} at ${bad.field}`, function () {
      const schema = bad.manifest["kind"] === HTTPPROXY_KIND ? proxy() : delegation();
      const errors = validateValue(schema, bad.manifest);
      assert.deepEqual(
        errors.map((e) => e.path),
        [bad.field],
        JSON.stringify(errors),
      );
    });
  }
});
