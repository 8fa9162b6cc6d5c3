// ContourConfiguration on a real kube-apiserver and through a real Envoy. First the CRD: Established,
// upstream-shaped manifests stored unchanged, malformed ones refused naming the field, and its spec's
// schema equal, constraint for constraint, to upstream v1.33.6's (read from its Go module). Then
// `contour serve --contour-config-name`: settings read from the object change what Envoy does (a
// global response header, the clusters' connect timeout) and the object says Valid; an invalid one
// stops contour with Valid=False naming the field; a missing one is one clear line. The same
// manifests also go to upstream's own CRD, which must decide alike.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import {
  API_VERSION_V1ALPHA1,
  CONTOUR_CONFIGURATION_CRD_NAME,
  CONTOUR_CONFIGURATION_PLURAL,
  loadContourConfigurationCrd,
  type ContourConfiguration,
  type ContourConfigurationSpec,
  type JSONSchemaProps,
} from "../../crds/index.js";
import { contourConfiguration, invalidContourConfigurations, validContourConfigurations } from "../../crds/testdata/contourconfiguration-samples.js";
import { pickEnvoyPorts, startContour, startEnvoyFor, writeCertificates } from "../fixtures/contour.js";
import { installCrds } from "../fixtures/crds.js";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, kubeClients, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { findRepoRoot, httpGet, httpRequest, resolveToolFile, useTestBed, waitFor, type HttpResponse, type TestBedHandle } from "../harness/index.js";

const NAMESPACE = "projectcontour";
const collection = `/apis/${API_VERSION_V1ALPHA1}/namespaces/${NAMESPACE}/${CONTOUR_CONFIGURATION_PLURAL}`;

/** Calls the bed's API server as admin with a JSON body (or none). */
function kubeApi(ctx: TestBedHandle) {
  return async (method: string, path: string, body?: unknown): Promise<HttpResponse> => {
    const { apiserver } = ctx.bed;
    return httpRequest(`${apiserver.url}${path}`, {
      method,
      ca: apiserver.caPem,
      headers: { authorization: `Bearer ${apiserver.token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: 15_000,
    });
  };
}

/** Every node of a schema as "path type constraints", descriptions left out: what admission decides on. */
function constraints(schema: JSONSchemaProps, path = ""): string[] {
  const keys = ["type", "format", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "default", "x-kubernetes-validations", "x-kubernetes-list-type", "x-kubernetes-preserve-unknown-fields"] as const;
  const own = keys.filter((k) => schema[k] !== undefined).map((k) => `${k}=${JSON.stringify(schema[k])}`);
  const required = schema.required === undefined ? [] : [`required=${JSON.stringify([...schema.required].sort())}`];
  const lines = [`${path} ${[...own, ...required].join(" ")}`];
  for (const [name, child] of Object.entries(schema.properties ?? {})) lines.push(...constraints(child, `${path}.${name}`));
  if (schema.items !== undefined) lines.push(...constraints(schema.items, `${path}[]`));
  if (schema.additionalProperties !== undefined) lines.push(...constraints(schema.additionalProperties, `${path}{}`));
  return lines.sort();
}

function upstreamCrd(): { spec: { versions: Array<{ schema: { openAPIV3Schema: JSONSchemaProps } }> } } {
  const file = join(resolveToolFile("upstream-contour-src"), "examples", "contour", "01-crds.yaml");
  const found = parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as { metadata?: { name?: string } } | null)
    .find((d) => d?.metadata?.name === CONTOUR_CONFIGURATION_CRD_NAME);
  assert.ok(found !== undefined && found !== null, `${file} holds no ${CONTOUR_CONFIGURATION_CRD_NAME}`);
  return found as ReturnType<typeof upstreamCrd>;
}

describe("ContourConfiguration: the CRD on kube-apiserver", function () {
  const ctx = useTestBed({ name: "contourconfig-crd" });
  const kube = kubeApi(ctx);

  before(async function () {
    this.timeout(60_000);
    await installCrds(ctx.bed.apiserver.makeKubeConfig());
    assert.equal((await kube("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } })).status, 201);
    await waitFor(async () => (await kube("GET", collection)).status === 200, { timeoutMs: 30_000, description: "contourconfigurations to be served" });
  });

  it("has upstream v1.33.6's spec schema, constraint for constraint", function () {
    const ours = loadContourConfigurationCrd().spec.versions[0]?.schema.openAPIV3Schema.properties?.["spec"];
    const theirs = upstreamCrd().spec.versions[0]?.schema.openAPIV3Schema.properties?.["spec"];
    assert.ok(ours !== undefined && theirs !== undefined);
    assert.deepEqual(constraints(ours), constraints(theirs));
  });

  it("is Established, with the short name contourconfig and the status subresource", async function () {
    const crd = (await kube("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CONTOUR_CONFIGURATION_CRD_NAME}`)).json<{
      status: { conditions: Array<{ type: string; status: string; message: string }> };
    }>();
    const byType = new Map(crd.status.conditions.map((c) => [c.type, c]));
    assert.equal(byType.get("Established")?.status, "True");
    assert.equal(byType.get("NonStructuralSchema"), undefined, byType.get("NonStructuralSchema")?.message);
    const resources = (await kube("GET", `/apis/${API_VERSION_V1ALPHA1}`)).json<{ resources: Array<{ name: string; shortNames?: string[] }> }>().resources;
    assert.deepEqual(resources.find((r) => r.name === CONTOUR_CONFIGURATION_PLURAL)?.shortNames, ["contourconfig"]);
    assert.ok(resources.some((r) => r.name === `${CONTOUR_CONFIGURATION_PLURAL}/status`));
  });

  for (const sample of validContourConfigurations(NAMESPACE)) {
    it(`stores upstream-shaped ${sample.metadata?.name ?? ""} unchanged`, async function () {
      const res = await kube("POST", collection, sample);
      assert.equal(res.status, 201, res.body.slice(0, 2000));
      assert.deepEqual(res.json<ContourConfiguration>().spec, sample.spec);
    });
  }

  for (const bad of invalidContourConfigurations(NAMESPACE)) {
    it(`refuses ${bad.name} with 422 naming ${bad.field}`, async function () {
      const res = await kube("POST", collection, bad.manifest);
      assert.equal(res.status, 422, res.body.slice(0, 2000));
      const causes = (res.json<{ details?: { causes?: Array<{ field?: string }> } }>().details?.causes ?? []).map((c) => c.field ?? "");
      assert.ok(causes.includes(bad.field), `causes name ${JSON.stringify(causes)}, not ${bad.field}`);
    });
  }
});

describe("ContourConfiguration: the same manifests on upstream v1.33.6's CRD", function () {
  const ctx = useTestBed({ name: "contourconfig-upstream-crd" });
  const kube = kubeApi(ctx);

  before(async function () {
    this.timeout(60_000);
    const created = await kube("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", upstreamCrd());
    assert.equal(created.status, 201, created.body.slice(0, 2000));
    assert.equal((await kube("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } })).status, 201);
    await waitFor(async () => (await kube("GET", collection)).status === 200, { timeoutMs: 30_000, description: "upstream's contourconfigurations to be served" });
  });

  for (const sample of validContourConfigurations(NAMESPACE)) {
    it(`upstream admits ${sample.metadata?.name ?? ""} too, storing the same spec`, async function () {
      const res = await kube("POST", collection, sample);
      assert.equal(res.status, 201, res.body.slice(0, 2000));
      assert.deepEqual(res.json<ContourConfiguration>().spec, sample.spec);
    });
  }

  for (const bad of invalidContourConfigurations(NAMESPACE)) {
    it(`upstream refuses ${bad.name} too, at ${bad.field}`, async function () {
      const res = await kube("POST", collection, bad.manifest);
      assert.equal(res.status, 422, res.body.slice(0, 2000));
      const causes = (res.json<{ details?: { causes?: Array<{ field?: string }> } }>().details?.causes ?? []).map((c) => c.field ?? "");
      assert.ok(causes.includes(bad.field), `causes name ${JSON.stringify(causes)}, not ${bad.field}`);
    });
  }
});

describe("ContourConfiguration: contour serve --contour-config-name", function () {
  const ctx = useTestBed({ name: "contourconfig-serve", pods: ["app-1"] });
  const kube = kubeApi(ctx);
  const HOST = "config.example.com";

  async function createConfig(name: string, spec: ContourConfigurationSpec): Promise<void> {
    const res = await kube("POST", collection, contourConfiguration(name, spec, NAMESPACE));
    assert.equal(res.status, 201, res.body.slice(0, 2000));
  }

  async function validCondition(name: string): Promise<{ status: string; reason: string; errors?: Array<{ reason: string; message: string }> } | undefined> {
    const got = (await kube("GET", `${collection}/${name}`)).json<ContourConfiguration>();
    return got.status?.conditions?.find((c) => c.type === "Valid") as Awaited<ReturnType<typeof validCondition>>;
  }

  before(async function () {
    this.timeout(60_000);
    const kubeConfig = ctx.bed.apiserver.makeKubeConfig();
    await installCrds(kubeConfig);
    const clients = kubeClients(kubeConfig);
    await ensureNamespace(clients, NAMESPACE);
    await ensureNamespace(clients, "apps");
    await createService(clients, "apps", "app", [{ port: 80 }]);
    await applyEndpointSlice(clients, "apps", "app", undefined, [{ ip: ctx.bed.pods[0]!.ip, port: ctx.bed.pods[0]!.port }]);
    await createIngress(clients, "apps", "app", simpleIngressSpec(HOST, "app", 80));
  });

  it("serves with the object's settings: a global response header on Ingress routes, the clusters' connect timeout; Valid=True", async function () {
    this.timeout(90_000);
    await createConfig("contour", {
      policy: { responseHeaders: { set: { "x-configured-by": "contourconfiguration" } }, applyToIngress: true },
      envoy: { timeouts: { connectTimeout: "1500ms" } },
    });
    const certs = await writeCertificates(ctx.bed);
    const envoyPorts = await pickEnvoyPorts();
    const contour = await startContour(ctx.bed, { certs, envoyPorts, args: ["--log-format=json", "--contour-config-name=contour"] });
    const envoy = await startEnvoyFor(ctx.bed, { certs, xdsPort: contour.xdsPort });
    const res = await waitFor(
      async () => {
        const r = await httpGet(`http://127.0.0.1:${envoyPorts.http}/`, { host: HOST, timeoutMs: 2000 }).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      { timeoutMs: 30_000, description: `${HOST} to answer 200 through Envoy` },
    );
    assert.equal(res.headers["x-configured-by"], "contourconfiguration");
    const timeouts = await envoy.admin.waitForConfig((dump) => {
      const clusters = dump.configs.find((c) => c["@type"].endsWith("ClustersConfigDump"))?.["dynamic_active_clusters"] as Array<{ cluster: { name: string; connect_timeout?: string } }> | undefined;
      const app = clusters?.filter((c) => c.cluster.name.startsWith("apps/app/"));
      return app !== undefined && app.length > 0 ? app.map((c) => c.cluster.connect_timeout) : undefined;
    }, { timeoutMs: 20_000, description: "the apps/app cluster in Envoy's config_dump" });
    assert.deepEqual([...new Set(timeouts)], ["1.500s"]);
    const valid = await waitFor(async () => (await validCondition("contour"))?.status === "True" ? validCondition("contour") : undefined, { timeoutMs: 10_000, description: "Valid=True on the ContourConfiguration" });
    assert.equal(valid?.reason, "Valid");
    await envoy.stop();
    await contour.stop();
  });

  /** Runs `contour serve` to its end (it must stop by itself: these tests give it what it refuses). */
  function serveUntilExit(args: readonly string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
    const main = join(findRepoRoot(), "dist", "operator", "main.js");
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [main, "serve", `--kubeconfig=${ctx.bed.apiserver.kubeconfigPath}`, "--insecure", "--xds-address=127.0.0.1", "--http-address=127.0.0.1", "--log-format=json", ...args],
        { timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : null, stdout, stderr }),
      );
    });
  }

  it("stops with Valid=False naming the field when a value is invalid, and logs it", async function () {
    this.timeout(60_000);
    await createConfig("broken", { envoy: { timeouts: { requestTimeout: "soon" } } });
    const run = await serveUntilExit(["--contour-config-name=broken"]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const valid = await validCondition("broken");
    assert.equal(valid?.status, "False");
    assert.equal(valid?.reason, "ErrorPresent");
    assert.ok(valid?.errors?.some((e) => e.reason === "InvalidSetting" && e.message.startsWith("spec.envoy.timeouts.requestTimeout of ContourConfiguration projectcontour/broken")), JSON.stringify(valid));
    // Logs go to stderr, as every contour log line does.
    assert.match(run.stderr, /"kind":"ContourConfiguration","namespace":"projectcontour","name":"broken".*spec\.envoy\.timeouts\.requestTimeout/u);
    assert.match(run.stderr, /ContourConfiguration projectcontour\/broken is invalid/u);
  });

  it("says in one line that a missing object is missing", async function () {
    this.timeout(60_000);
    const run = await serveUntilExit(["--contour-config-name=nothing-here"]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(run.stderr, "contour serve: --contour-config-name: ContourConfiguration projectcontour/nothing-here not found (contour reads it from $CONTOUR_NAMESPACE, default projectcontour)\n");
  });
});
