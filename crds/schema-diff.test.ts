// Our CRDs admit every manifest upstream Contour v1.33.6's CRDs admit: both schemas are walked
// keyword by keyword (testdata/schema-diff.ts) and any place where ours is stricter fails this test,
// unless it is listed below with the reason. Upstream's CRDs are read from the source of its Go
// module that `make tools` downloads (UPSTREAM_CONTOUR_SRC), never copied into this repository.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { loadCrdManifests, repoRoot } from "./index.js";
import { crdStricter, formatStricter, schemaStricter, type CrdDocument, type SchemaNode, type Stricter } from "./testdata/schema-diff.js";

/** A deliberate difference: which CRD, path and keyword, and why. */
interface Allowed {
  readonly crd: string;
  readonly path: string;
  readonly keyword: string;
  readonly reason: string;
  /** An extra check that the difference is harmless (e.g. two patterns accept the same strings). */
  readonly check?: (s: Stricter) => void;
}

/** Two single-character-class patterns accept exactly the same code points (every one of the BMP tried). */
function samePatternLanguage(s: Stricter): void {
  const m = /^ours (.*), upstream (.*)$/su.exec(s.detail);
  assert.ok(m?.[1] !== undefined && m[2] !== undefined, s.detail);
  const ours = new RegExp(m[1], "u");
  const upstream = new RegExp(m[2], "u");
  for (let c = 0; c <= 0xffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCharCode(c);
    assert.equal(ours.test(ch), upstream.test(ch), `${s.path}: U+${c.toString(16)} decided differently`);
    assert.equal(ours.test(`a${ch}b`), upstream.test(`a${ch}b`), `${s.path}: "a U+${c.toString(16)} b" decided differently`);
  }
  assert.equal(ours.test(""), upstream.test(""), `${s.path}: the empty string decided differently`);
}

const COOKIE_PATHS = ["spec.routes[]", "spec.routes[].services[]", "spec.tcpproxy.services[]"].flatMap((p) => [`${p}.cookieRewritePolicies[].name`, `${p}.cookieRewritePolicies[].pathRewrite.value`]);

const ALLOWED: readonly Allowed[] = [
  {
    crd: "contourdeployments.projectcontour.io",
    path: "<crd>",
    keyword: "missing-crd",
    reason: "ContourDeployment configures upstream's Gateway provisioner, which this controller does not implement; a GatewayClass may still name one as parametersRef once upstream's CRD is installed",
  },
  ...COOKIE_PATHS.map((path) => ({
    crd: "httpproxies.projectcontour.io",
    path,
    keyword: "pattern",
    reason: "the same character class written with a range (\\x00-\\x1f) instead of 32 escapes; checked to accept the same strings",
    check: samePatternLanguage,
  })),
];

/** Upstream's 01-crds.yaml: from $UPSTREAM_CONTOUR_SRC, else the folder .tools/tools.env names. */
function upstreamCrdFile(): string {
  let src = process.env["UPSTREAM_CONTOUR_SRC"];
  if (src === undefined || src === "") {
    const toolsEnv = join(repoRoot(), ".tools", "tools.env");
    assert.ok(existsSync(toolsEnv), `upstream-contour-src: $UPSTREAM_CONTOUR_SRC is unset and ${toolsEnv} does not exist; run \`make tools\``);
    src = /^UPSTREAM_CONTOUR_SRC=(.*)$/mu.exec(readFileSync(toolsEnv, "utf8"))?.[1]?.trim();
    assert.ok(src !== undefined && src !== "", `upstream-contour-src: ${toolsEnv} has no UPSTREAM_CONTOUR_SRC; run \`make tools\``);
  }
  const file = join(src, "examples", "contour", "01-crds.yaml");
  assert.ok(existsSync(file), `upstream-contour-src: ${file} not found; run \`make tools\``);
  return file;
}

function upstreamCrds(): CrdDocument[] {
  return parseAllDocuments(readFileSync(upstreamCrdFile(), "utf8"))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is CrdDocument => typeof d === "object" && d !== null && (d as { kind?: unknown }).kind === "CustomResourceDefinition");
}

const allowedKey = (s: { crd: string; path: string; keyword: string }): string => `${s.crd} ${s.path} ${s.keyword}`;

describe("crds: admit what upstream v1.33.6 admits", function () {
  it("reads upstream's five CRDs", function () {
    assert.deepEqual(upstreamCrds().map((c) => c.metadata.name).sort(), [
      "contourconfigurations.projectcontour.io",
      "contourdeployments.projectcontour.io",
      "extensionservices.projectcontour.io",
      "httpproxies.projectcontour.io",
      "tlscertificatedelegations.projectcontour.io",
    ]);
  });

  it("no schema of ours is stricter than upstream's, but for the listed deliberate differences", function () {
    const ours = new Map<string, CrdDocument>(loadCrdManifests().map((c) => [c.metadata.name, c as unknown as CrdDocument]));
    const found = upstreamCrds().flatMap((u) => crdStricter(ours.get(u.metadata.name), u));
    const allowed = new Map(ALLOWED.map((a) => [allowedKey(a), a]));
    const unexpected = found.filter((s) => !allowed.has(allowedKey(s)));
    assert.equal(unexpected.length, 0, `ours is stricter than upstream:\n${formatStricter(unexpected)}`);
    for (const s of found) allowed.get(allowedKey(s))?.check?.(s);
    // Every allowance is still needed: a stale one would hide a new difference at the same place.
    const seen = new Set(found.map(allowedKey));
    assert.deepEqual(ALLOWED.filter((a) => !seen.has(allowedKey(a))).map(allowedKey), [], "allowances no longer needed");
  });
});

describe("crds: the schema differ", function () {
  const diff = (ours: SchemaNode, upstream: SchemaNode): string[] => schemaStricter(ours, upstream, "").map((s) => `${s.path} ${s.keyword}`);
  const obj = (properties: Record<string, SchemaNode>, extra: SchemaNode = {}): SchemaNode => ({ type: "object", properties, ...extra });

  it("reports each keyword that narrows what is admitted", function () {
    const upstream = obj({
      services: { type: "array", items: obj({ name: { type: "string" }, port: { type: "integer", maximum: 65536 } }, { required: ["name"] }) },
      strategy: { type: "string" },
      weight: { type: "integer", format: "int32" },
      labels: { type: "object", additionalProperties: { type: "string" } },
      anything: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      port: { "x-kubernetes-int-or-string": true },
      validation: obj({ a: { type: "string" } }, { "x-kubernetes-validations": [{ rule: "has(self.a) ? true : true" }] }),
    });
    const ours = obj({
      services: {
        type: "array",
        maxItems: 16,
        items: obj({ name: { type: "string", minLength: 1, pattern: "^[a-z]+$" }, port: { type: "integer", maximum: 65535 } }, { required: ["name", "port"] }),
      },
      strategy: { type: "string", enum: ["RoundRobin"] },
      weight: { type: "integer", minimum: 0 },
      labels: { type: "object", properties: {} },
      anything: { type: "object", properties: {} },
      port: { type: "integer" },
      validation: obj({ a: { type: "string" } }, { "x-kubernetes-validations": [{ rule: "has(self.a)" }] }),
    });
    assert.deepEqual(diff(ours, upstream).sort(), [
      "anything x-kubernetes-preserve-unknown-fields",
      "labels additionalProperties",
      "port x-kubernetes-int-or-string",
      "services maxItems",
      "services[] required",
      "services[].name minLength",
      "services[].name pattern",
      "services[].port maximum",
      "strategy enum",
      "validation x-kubernetes-validations",
      "weight minimum",
    ]);
  });

  it("reports a missing field, a different type and a missing enum value; looser is fine", function () {
    const upstream = obj({ a: { type: "string" }, b: { type: "integer" }, c: { type: "string", enum: ["x", "y"] }, d: { type: "string", maxLength: 5 } });
    assert.deepEqual(diff(obj({ b: { type: "string" }, c: { type: "string", enum: ["x"] }, d: { type: "string", maxLength: 9 }, e: { type: "string" } }), upstream).sort(), [
      "a missing-field",
      "b type",
      "c enum",
    ]);
    assert.deepEqual(diff(obj({ a: { type: "string" }, b: { type: "integer" }, c: { type: "string" }, d: { type: "string" } }), upstream), []);
    // Rules equal up to whitespace (controller-gen folds long ones) are the same rule.
    const rule = (r: string): SchemaNode => obj({}, { "x-kubernetes-validations": [{ rule: r }] });
    assert.deepEqual(diff(rule("a ? b : c"), rule("a ?\n  b : c")), []);
  });

  it("reports a missing CRD, version or short name", function () {
    const crd = (versions: string[], shortNames: string[]): CrdDocument => ({
      metadata: { name: "x.projectcontour.io" },
      spec: { scope: "Namespaced", names: { kind: "X", plural: "x", singular: "x", shortNames }, versions: versions.map((name) => ({ name, served: true, schema: { openAPIV3Schema: { type: "object" } } })) },
    });
    assert.deepEqual(crdStricter(undefined, crd(["v1"], [])).map((s) => s.keyword), ["missing-crd"]);
    assert.deepEqual(crdStricter(crd(["v1"], ["a"]), crd(["v1", "v2"], ["a", "b"])).map((s) => `${s.keyword} ${s.detail}`), [
      "names.shortNames upstream's short name b is missing",
      "versions upstream serves v2, we do not",
    ]);
  });
});
