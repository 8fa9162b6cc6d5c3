// The ExtensionService CRD on a real kube-apiserver: it installs Established with a structural
// schema, every upstream-shaped manifest is stored unchanged (nothing pruned), malformed ones are
// refused with 422 naming the field (the CEL rule on spec.validation included), and the status the
// controller computes is accepted by the status subresource. The same manifests then go to upstream
// v1.33.6's own CRD (read from its Go module, never copied here): both must decide alike.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { API_VERSION_V1ALPHA1, EXTENSION_SERVICE_CRD_NAME, EXTENSION_SERVICE_PLURAL, GROUP, VERSION_V1ALPHA1, type ExtensionService } from "../../crds/index.js";
import { invalidExtensionServices, validExtensionServices } from "../../crds/testdata/extensionservice-samples.js";
import { buildExtensionServiceStatus, extensionStatusView, reconcileExtensionService } from "../../controllers/extension/index.js";
import { cacheOf } from "../../controllers/source/testdata/fixtures.js";
import { installCrds } from "../fixtures/crds.js";
import { httpRequest, resolveToolFile, useTestBed, waitFor, type HttpResponse, type TestBedHandle } from "../harness/index.js";

const NAMESPACE = "projectcontour";

/** Upstream's CRD file, in the source of its module that `make tools` downloads (never copied here). */
function upstreamCrdFile(): string {
  return join(resolveToolFile("upstream-contour-src"), "examples", "contour", "01-crds.yaml");
}

const collection = `/apis/${GROUP}/${VERSION_V1ALPHA1}/namespaces/${NAMESPACE}/${EXTENSION_SERVICE_PLURAL}`;

/** Calls the bed's API server as admin with a JSON body (or none). */
function kubeApi(ctx: TestBedHandle) {
  return async (method: string, path: string, body?: unknown, contentType = "application/json"): Promise<HttpResponse> => {
    const { apiserver } = ctx.bed;
    return httpRequest(`${apiserver.url}${path}`, {
      method,
      ca: apiserver.caPem,
      headers: { authorization: `Bearer ${apiserver.token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": contentType }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: 15_000,
    });
  };
}

/** The field paths a 422 names. */
function causes(res: HttpResponse): string[] {
  return (res.json<{ details?: { causes?: Array<{ field?: string }> } }>().details?.causes ?? []).map((c) => c.field ?? "");
}

describe("crds: ExtensionService on kube-apiserver", function () {
  const ctx = useTestBed();
  const kube = kubeApi(ctx);

  before(async function () {
    this.timeout(60_000);
    await installCrds(ctx.bed.apiserver.makeKubeConfig());
    const ns = await kube("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
    assert.equal(ns.status, 201, ns.body);
    await waitFor(async () => (await kube("GET", collection)).status === 200, { timeoutMs: 30_000, description: "extensionservices to be served" });
  });

  it("is Established with a structural schema, served under projectcontour.io/v1alpha1 with its short names and status", async function () {
    const crd = (await kube("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${EXTENSION_SERVICE_CRD_NAME}`)).json<{
      status: { conditions: Array<{ type: string; status: string; message: string }> };
    }>();
    const byType = new Map(crd.status.conditions.map((c) => [c.type, c]));
    assert.equal(byType.get("Established")?.status, "True");
    assert.equal(byType.get("NonStructuralSchema"), undefined, byType.get("NonStructuralSchema")?.message);
    const resources = (await kube("GET", `/apis/${API_VERSION_V1ALPHA1}`)).json<{ resources: Array<{ name: string; shortNames?: string[] }> }>().resources;
    const byName = new Map(resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get(EXTENSION_SERVICE_PLURAL)?.shortNames, ["extensionservice", "extensionservices"]);
    assert.ok(byName.has(`${EXTENSION_SERVICE_PLURAL}/status`));
  });

  for (const sample of validExtensionServices(NAMESPACE)) {
    it(`stores upstream-shaped ${sample.metadata?.name ?? ""} unchanged`, async function () {
      const res = await kube("POST", collection, sample);
      assert.equal(res.status, 201, res.body.slice(0, 2000));
      assert.deepEqual(res.json<ExtensionService>().spec, sample.spec);
    });
  }

  for (const bad of invalidExtensionServices(NAMESPACE)) {
    it(`refuses ${bad.name} with 422 naming ${bad.field}`, async function () {
      const res = await kube("POST", collection, bad.manifest);
      assert.equal(res.status, 422, res.body.slice(0, 2000));
      assert.ok(causes(res).includes(bad.field), `causes name ${JSON.stringify(causes(res))}, not ${bad.field}: ${res.body.slice(0, 2000)}`);
    });
  }

  it("accepts the status the controller computes, valid or with errors and warnings, through /status only", async function () {
    const manifest: ExtensionService = {
      apiVersion: API_VERSION_V1ALPHA1,
      kind: "ExtensionService",
      metadata: { name: "status-check", namespace: NAMESPACE },
      spec: { services: [{ name: "missing", port: 80 }], timeoutPolicy: { idle: "5s" }, loadBalancerPolicy: { strategy: "Cookie" } },
    };
    const created = await kube("POST", collection, manifest);
    assert.equal(created.status, 201, created.body);
    const stored = created.json<ExtensionService>();
    const fragment = reconcileExtensionService(cacheOf(), stored);
    const status = buildExtensionServiceStatus(extensionStatusView(fragment.conditions, stored.metadata?.generation), stored.status, new Date(0).toISOString().replace(".000", ""));
    assert.equal(status.conditions?.[0]?.reason, "ErrorPresent");
    const patched = await kube("PATCH", `${collection}/status-check/status`, { status }, "application/merge-patch+json");
    assert.equal(patched.status, 200, patched.body.slice(0, 2000));
    assert.deepEqual(patched.json<ExtensionService>().status, status);
  });
});

describe("crds: the same ExtensionServices on upstream v1.33.6's CRD", function () {
  const ctx = useTestBed();
  const kube = kubeApi(ctx);

  before(async function () {
    this.timeout(180_000);
    const crds = upstreamCrdFile();
    const upstream = parseAllDocuments(readFileSync(crds, "utf8"))
      .map((d) => d.toJS() as { metadata?: { name?: string } } | null)
      .find((d) => d?.metadata?.name === EXTENSION_SERVICE_CRD_NAME);
    assert.ok(upstream !== undefined && upstream !== null, `${crds} holds no ${EXTENSION_SERVICE_CRD_NAME}`);
    const created = await kube("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", upstream);
    assert.equal(created.status, 201, created.body.slice(0, 2000));
    const ns = await kube("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
    assert.equal(ns.status, 201, ns.body);
    await waitFor(async () => (await kube("GET", collection)).status === 200, { timeoutMs: 30_000, description: "upstream's extensionservices to be served" });
  });

  for (const sample of validExtensionServices(NAMESPACE)) {
    it(`upstream admits ${sample.metadata?.name ?? ""} too, storing the same spec`, async function () {
      const res = await kube("POST", collection, sample);
      assert.equal(res.status, 201, res.body.slice(0, 2000));
      assert.deepEqual(res.json<ExtensionService>().spec, sample.spec);
    });
  }

  for (const bad of invalidExtensionServices(NAMESPACE)) {
    it(`upstream refuses ${bad.name} too, at ${bad.field}`, async function () {
      const res = await kube("POST", collection, bad.manifest);
      assert.equal(res.status, 422, res.body.slice(0, 2000));
      assert.ok(causes(res).includes(bad.field), `causes name ${JSON.stringify(causes(res))}, not ${bad.field}`);
    });
  }
});
