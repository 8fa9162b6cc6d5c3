// The CRDs of crds/ on a real kube-apiserver: they install and become Established, valid manifests
// are stored unchanged (nothing pruned), malformed ones are refused with 422 naming the field, the
// status subresource works, and the printer columns show up in kubectl's Table form.
//
// Requests go out as raw JSON: client-node's model classes would re-serialise the CRD and drop the
// keys it spells differently (enum, default, x-kubernetes-*).
import assert from "node:assert/strict";
import { CustomObjectsApi } from "@kubernetes/client-node";
import {
  API_VERSION,
  GROUP,
  HTTPPROXY_CRD_NAME,
  HTTPPROXY_PLURAL,
  TLS_CERTIFICATE_DELEGATION_CRD_NAME,
  TLS_CERTIFICATE_DELEGATION_PLURAL,
  VERSION,
  loadCrdManifests,
  type HTTPProxy,
  type TLSCertificateDelegation,
} from "../../crds/index.js";
import {
  EVERY_FIELD_DELEGATION_STATUS,
  EVERY_FIELD_SPEC,
  EVERY_FIELD_STATUS,
  certificateDelegation,
  everyFieldHTTPProxy,
  invalidManifests,
  rootWithTlsAndIncludes,
  validHTTPProxies,
} from "../../crds/testdata/samples.js";
import { httpRequest, useTestBed, waitFor, type HttpResponse, type TestBedHandle } from "../harness/index.js";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

/** A metav1.Status as the API server returns it for a refused request. */
interface Status {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: { causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

/** A metav1.Table (only what the checks read). */
interface Table {
  kind: string;
  columnDefinitions: Array<{ name: string }>;
  rows: Array<{ cells: unknown[]; object?: { metadata?: { name?: string } } }>;
}

/** Calls the bed's API server as admin with a JSON body (or none). */
function kubeApi(ctx: TestBedHandle) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> => {
    const { apiserver } = ctx.bed;
    return httpRequest(`${apiserver.url}${path}`, {
      method,
      ca: apiserver.caPem,
      headers: {
        authorization: `Bearer ${apiserver.token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: 15_000,
    });
  };
}

function collection(namespace: string, plural: string): string {
  return `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${plural}`;
}

function pluralOf(manifest: { kind?: unknown }): string {
  return manifest.kind === "HTTPProxy" ? HTTPPROXY_PLURAL : TLS_CERTIFICATE_DELEGATION_PLURAL;
}

function expectStatus(res: HttpResponse, want: number, what: string): void {
  assert.equal(res.status, want, `${what}: HTTP ${res.status}: ${res.body.slice(0, 2000)}`);
}

describe("crds: HTTPProxy and TLSCertificateDelegation on kube-apiserver", function () {
  const ctx = useTestBed();
  const kube = kubeApi(ctx);

  /** Creates an object in its namespace and returns what the API server stored. */
  async function create<T>(manifest: T & { kind?: string; metadata?: { namespace?: string; name?: string } }): Promise<T> {
    const namespace = manifest.metadata?.namespace ?? "default";
    const res = await kube("POST", collection(namespace, pluralOf(manifest)), manifest);
    expectStatus(res, 201, `create ${manifest.kind} ${namespace}/${manifest.metadata?.name}`);
    return res.json<T>();
  }

  before(async function () {
    this.timeout(60_000);
    for (const crd of loadCrdManifests()) {
      expectStatus(await kube("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd), 201, `create CRD ${crd.metadata.name}`);
    }
    for (const name of ["projectcontour", "marketing", "certs", "status", "table"]) {
      expectStatus(await kube("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } }), 201, `create namespace ${name}`);
    }
    for (const name of [HTTPPROXY_CRD_NAME, TLS_CERTIFICATE_DELEGATION_CRD_NAME]) {
      await waitFor(
        async () => {
          const crd = (await kube("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).json<{
            status?: { conditions?: Array<{ type: string; status: string }> };
          }>();
          return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
        },
        { timeoutMs: 30_000, description: `CRD ${name} to be Established` },
      );
    }
    // Established can come a moment before the resource is served.
    for (const plural of [HTTPPROXY_PLURAL, TLS_CERTIFICATE_DELEGATION_PLURAL]) {
      await waitFor(async () => (await kube("GET", collection("default", plural))).status === 200, { timeoutMs: 30_000, description: `${plural} to be served` });
    }
  });

  it("installs both CRDs Established, with their schemas accepted as structural", async function () {
    for (const name of [HTTPPROXY_CRD_NAME, TLS_CERTIFICATE_DELEGATION_CRD_NAME]) {
      const crd = (await kube("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).json<{
        status: { conditions: Array<{ type: string; status: string; message: string }> };
      }>();
      const byType = new Map(crd.status.conditions.map((c) => [c.type, c]));
      assert.equal(byType.get("Established")?.status, "True", name);
      assert.equal(byType.get("NamesAccepted")?.status, "True", name);
      assert.equal(byType.get("NonStructuralSchema"), undefined, `${name}: ${byType.get("NonStructuralSchema")?.message}`);
    }
  });

  it("serves the kinds under projectcontour.io/v1 with their short names and status subresources", async function () {
    const list = (await kube("GET", `/apis/${API_VERSION}`)).json<{ resources: Array<{ name: string; kind: string; namespaced: boolean; shortNames?: string[] }> }>();
    const byName = new Map(list.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get("httpproxies")?.shortNames, ["proxy", "proxies"]);
    assert.equal(byName.get("httpproxies")?.namespaced, true);
    assert.deepEqual(byName.get("tlscertificatedelegations")?.shortNames, ["tlscerts"]);
    assert.ok(byName.has("httpproxies/status"), "httpproxies/status is served");
    assert.ok(byName.has("tlscertificatedelegations/status"), "tlscertificatedelegations/status is served");
  });

  it("stores the sample HTTPProxies unchanged, with the NotReconciled status default", async function () {
    for (const sample of validHTTPProxies()) {
      const stored = await create(sample);
      assert.deepEqual(stored.spec, sample.spec, `${sample.metadata?.name}: spec changed on the way in`);
      assert.deepEqual(stored.status, { currentStatus: "NotReconciled", description: "Waiting for controller" });
    }
  });

  it("stores an HTTPProxy that sets every field without pruning any of it", async function () {
    const stored = await create(everyFieldHTTPProxy("marketing"));
    assert.deepEqual(stored.spec, EVERY_FIELD_SPEC);
  });

  it("applies the schema defaults", async function () {
    const stored = await create<HTTPProxy>({
      apiVersion: API_VERSION,
      kind: "HTTPProxy",
      metadata: { name: "defaults", namespace: "marketing" },
      spec: {
        routes: [
          {
            services: [{ name: "s", port: 80, slowStartPolicy: { window: "10s" } }],
            retryPolicy: {},
            requestRedirectPolicy: { path: "/x" },
            internalRedirectPolicy: {},
          },
        ],
      },
    });
    const route = stored.spec.routes?.[0];
    assert.equal(route?.retryPolicy?.count, 1);
    assert.equal(route?.requestRedirectPolicy?.statusCode, 302);
    assert.equal(route?.internalRedirectPolicy?.allowCrossSchemeRedirect, "Never");
    assert.deepEqual(route?.services?.[0]?.slowStartPolicy, { window: "10s", aggression: "1.0", minWeightPercent: 10 });
  });

  it("stores the sample TLSCertificateDelegation unchanged", async function () {
    const sample = certificateDelegation();
    const stored = await create(sample);
    assert.deepEqual(stored.spec, sample.spec);
  });

  for (const bad of invalidManifests("marketing")) {
    it(`refuses ${bad.name} with 422 naming ${bad.field}`, async function () {
      const namespace = "marketing";
      const res = await kube("POST", collection(namespace, pluralOf(bad.manifest)), bad.manifest);
      expectStatus(res, 422, bad.name);
      const status = res.json<Status>();
      assert.equal(status.kind, "Status");
      assert.equal(status.reason, "Invalid");
      const fields = (status.details?.causes ?? []).map((c) => c.field);
      assert.ok(fields.includes(bad.field), `causes name ${JSON.stringify(fields)}, not ${bad.field}: ${status.message}`);
      assert.match(status.message, new RegExp(bad.field.replace(/[.[\]]/g, "\\$&")));
    });
  }

  it("writes HTTPProxy status only through the status subresource", async function () {
    const created = await create(rootWithTlsAndIncludes("status"));
    const path = `${collection("status", HTTPPROXY_PLURAL)}/root-blog`;
    const generation = created.metadata?.generation;

    const patched = await kube("PATCH", `${path}/status`, { status: EVERY_FIELD_STATUS }, { "content-type": "application/merge-patch+json" });
    expectStatus(patched, 200, "merge patch on /status");
    const afterPatch = (await kube("GET", path)).json<HTTPProxy>();
    assert.deepEqual(afterPatch.status, EVERY_FIELD_STATUS);
    assert.equal(afterPatch.metadata?.generation, generation, "a status write does not bump the generation");

    // Through the main resource, status is ignored (and the spec change is kept).
    const replaced = await kube("PUT", path, { ...afterPatch, spec: { ...afterPatch.spec, ingressClassName: "contour" }, status: { currentStatus: "valid" } });
    expectStatus(replaced, 200, "PUT on the main resource");
    const afterPut = replaced.json<HTTPProxy>();
    assert.equal(afterPut.spec.ingressClassName, "contour");
    assert.deepEqual(afterPut.status, EVERY_FIELD_STATUS);
  });

  it("refuses a malformed status write with 422", async function () {
    await create({ ...rootWithTlsAndIncludes("status"), metadata: { name: "bad-status", namespace: "status" } });
    const path = `${collection("status", HTTPPROXY_PLURAL)}/bad-status/status`;
    const condition = { type: "Valid", status: "Maybe", lastTransitionTime: "2024-01-02T03:04:05Z", reason: "Whatever", message: "" };
    const res = await kube("PATCH", path, { status: { conditions: [condition] } }, { "content-type": "application/merge-patch+json" });
    expectStatus(res, 422, "status with condition status Maybe");
    assert.match(res.json<Status>().message, /status\.conditions\[0\]\.status/);
  });

  it("writes TLSCertificateDelegation status with client-node's replaceNamespacedCustomObjectStatus", async function () {
    const stored = await create({ ...certificateDelegation("status"), metadata: { name: "delegation-status", namespace: "status" } });
    const custom = ctx.bed.apiserver.makeKubeConfig().makeApiClient(CustomObjectsApi);
    const target = { group: GROUP, version: VERSION, namespace: "status", plural: TLS_CERTIFICATE_DELEGATION_PLURAL, name: "delegation-status" };
    await custom.replaceNamespacedCustomObjectStatus({ ...target, body: { ...stored, status: EVERY_FIELD_DELEGATION_STATUS } });
    const read = (await custom.getNamespacedCustomObject(target)) as TLSCertificateDelegation;
    assert.deepEqual(read.status, EVERY_FIELD_DELEGATION_STATUS);
  });

  it("shows the printer columns in the Table form of a list", async function () {
    await create(rootWithTlsAndIncludes("table"));
    await create({ ...rootWithTlsAndIncludes("table"), metadata: { name: "reconciled", namespace: "table" } });
    const statusPath = `${collection("table", HTTPPROXY_PLURAL)}/reconciled/status`;
    const statusBody = { status: { currentStatus: "valid", description: "Valid HTTPProxy" } };
    expectStatus(await kube("PATCH", statusPath, statusBody, { "content-type": "application/merge-patch+json" }), 200, "status patch");

    const res = await kube("GET", collection("table", HTTPPROXY_PLURAL), undefined, { accept: TABLE });
    expectStatus(res, 200, "list as Table");
    const table = res.json<Table>();
    assert.equal(table.kind, "Table");
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ["Name", "FQDN", "TLS Secret", "Status", "Status Description"],
    );
    const rows = table.rows.map((r) => r.cells);
    assert.deepEqual(rows, [
      ["reconciled", "local.projectcontour.io", "local-tls", "valid", "Valid HTTPProxy"],
      ["root-blog", "local.projectcontour.io", "local-tls", "NotReconciled", "Waiting for controller"],
    ]);

    await create({ ...certificateDelegation("table") });
    const delegations = await kube("GET", collection("table", TLS_CERTIFICATE_DELEGATION_PLURAL), undefined, { accept: TABLE });
    expectStatus(delegations, 200, "delegations as Table");
    assert.deepEqual(
      delegations.json<Table>().columnDefinitions.map((c) => c.name),
      ["Name", "Age"],
    );
  });
});
