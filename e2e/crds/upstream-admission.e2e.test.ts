// Manifests that upstream Contour v1.33.6's CRDs admit are admitted by ours on a real kube-apiserver and
// get a status from `contour serve`: upstream's own example HTTPProxies (examples/example-workload/httpproxy
// of its Go module, read where `make tools` downloaded it, never copied here), a route with 17 services
// (served through a real Envoy, every service reached), an unknown load balancer strategy (served as
// RoundRobin with a warning, as upstream), and a proxy over our reconciler's list bound (admitted,
// then invalid with ListTooLong naming the list).
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "mocha";
import { parseAllDocuments } from "yaml";
import { GROUP, HTTPPROXY_PLURAL, TLS_CERTIFICATE_DELEGATION_PLURAL, VERSION, type HTTPProxy } from "../../crds/index.js";
import { upstreamAdmittedProxies } from "../../crds/testdata/samples.js";
import { validateValue } from "../../crds/testdata/schema-check.js";
import type { JSONSchemaProps } from "../../crds/schema/openapi.js";
import { readHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { httpRequest, resolveToolFile, waitFor, type HttpResponse } from "../harness/index.js";

const NS = "admission";

type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: unknown };

/** The schema of one of upstream's CRDs (its 01-crds.yaml), by kind. */
function upstreamSchema(kind: string): JSONSchemaProps {
  const file = join(resolveToolFile("upstream-contour-src"), "examples", "contour", "01-crds.yaml");
  for (const d of parseAllDocuments(readFileSync(file, "utf8"))) {
    const crd = d.toJS() as { spec?: { names?: { kind?: string }; versions?: Array<{ schema?: { openAPIV3Schema?: JSONSchemaProps } }> } } | null;
    const schema = crd?.spec?.versions?.[0]?.schema?.openAPIV3Schema;
    if (crd?.spec?.names?.kind === kind && schema !== undefined) return schema;
  }
  throw new Error(`upstream-contour-src: ${file} has no CRD of kind ${kind}`);
}

/** Every YAML document under upstream's example-workload/httpproxy folder, with the file it came from. */
function upstreamExamples(): Array<{ file: string; doc: Manifest }> {
  const root = join(resolveToolFile("upstream-contour-src"), "examples", "example-workload", "httpproxy");
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".yaml")) files.push(path);
    }
  };
  walk(root);
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, "utf8"))
      .map((d) => d.toJS() as Manifest | null)
      .filter((doc): doc is Manifest => doc !== null && typeof doc === "object")
      .map((doc) => ({ file: file.slice(root.length + 1), doc })),
  );
}

describe("crds: what upstream's CRDs admit, ours admit, and contour gives it a status", function () {
  const ctx = useStack({ pods: ["echo"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  /** Calls the bed's API server as admin with a raw JSON body. */
  async function kube(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const { apiserver } = ctx.stack.bed;
    return httpRequest(`${apiserver.url}${path}`, {
      method,
      ca: apiserver.caPem,
      headers: { authorization: `Bearer ${apiserver.token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: 15_000,
    });
  }

  it("admits every HTTPProxy and TLSCertificateDelegation of upstream's examples unchanged, and each gets a status", async function () {
    this.timeout(90_000);
    const examples = upstreamExamples();
    const contour = examples.filter((e) => e.doc.kind === "HTTPProxy" || e.doc.kind === "TLSCertificateDelegation");
    assert.ok(contour.length >= 20, `only ${contour.length} HTTPProxies and delegations found in upstream's examples`);
    for (const ns of new Set(contour.map((e) => e.doc.metadata?.namespace ?? "default"))) await ensureNamespace(ctx.stack.kube, ns);
    const created: Array<{ namespace: string; name: string; file: string }> = [];
    const schemas = new Map(["HTTPProxy", "TLSCertificateDelegation"].map((k) => [k, upstreamSchema(k)]));
    let refusedByUpstream = 0;
    for (const { file, doc } of contour) {
      // A few examples are stale (e.g. headerHashOptions.name for headerName): upstream's own schema refuses
      // them too, and so must ours. Unknown fields are pruned by both, so they do not count as a refusal.
      const upstreamErrors = validateValue(schemas.get(doc.kind ?? "")!, doc).filter((e) => e.message !== "unknown field");
      const pruned = validateValue(schemas.get(doc.kind ?? "")!, doc).some((e) => e.message === "unknown field");
      const namespace = doc.metadata?.namespace ?? "default";
      const plural = doc.kind === "HTTPProxy" ? HTTPPROXY_PLURAL : TLS_CERTIFICATE_DELEGATION_PLURAL;
      // Sent to the version it names: a stale example of a version upstream no longer serves (HTTPProxy
      // v1alpha1) is refused by upstream's CRD too, and ours must not serve it either.
      const apiVersion = doc.apiVersion ?? `${GROUP}/${VERSION}`;
      const res = await kube("POST", `/apis/${apiVersion}/namespaces/${namespace}/${plural}`, { ...doc, metadata: { ...doc.metadata, namespace } });
      if (apiVersion !== `${GROUP}/${VERSION}`) {
        refusedByUpstream++;
        assert.equal(res.status, 404, `${file}: ${apiVersion} is not served by upstream's CRD, ours answered ${res.status}`);
        continue;
      }
      // The same name in two example files (variants of one proxy): the first stays, the second is a 409, not a 422.
      if (res.status === 409) continue;
      if (upstreamErrors.length > 0) {
        refusedByUpstream++;
        assert.equal(res.status, 422, `${file}: upstream's schema refuses it (${JSON.stringify(upstreamErrors)}), ours answered ${res.status}`);
        const fields = new Set((res.json<{ details?: { causes?: Array<{ field?: string }> } }>().details?.causes ?? []).map((c) => c.field));
        for (const e of upstreamErrors) assert.ok(fields.has(e.path), `${file}: ours does not name ${e.path}: ${res.body.slice(0, 400)}`);
        continue;
      }
      assert.equal(res.status, 201, `${file} ${doc.kind} ${doc.metadata?.name ?? ""}: ${res.body.slice(0, 800)}`);
      if (!pruned) assert.deepEqual(res.json<Manifest>().spec, doc.spec, `${file}: stored as written`);
      if (doc.kind === "HTTPProxy") created.push({ namespace, name: doc.metadata?.name ?? "", file });
    }
    assert.ok(refusedByUpstream <= 4, `${refusedByUpstream} examples refused by upstream's own schema`);
    // The Services of the examples are not created: roots say invalid (a missing Service) or valid, includes orphaned or
    // valid; what matters is that contour looked at every one and said why in words.
    for (const p of created) {
      const proxy = await waitFor(
        async () => {
          const read = await readHTTPProxy(kc(), p.namespace, p.name);
          return ["valid", "invalid", "orphaned"].includes(read.status?.currentStatus ?? "") ? read : undefined;
        },
        { timeoutMs: 30_000, description: () => `${p.file} ${p.namespace}/${p.name} to get a status` },
      );
      assert.ok((proxy.status?.description ?? "") !== "", `${p.file}: a description`);
      const valid = proxy.status?.conditions?.find((c) => c.type === "Valid");
      assert.ok(valid !== undefined, `${p.file}: a Valid condition`);
      for (const e of valid.errors ?? []) assert.match(e.reason, /^[A-Z][A-Za-z]+$/u, `${p.file}: ${e.reason}`);
    }
  });

  it("serves a route with 17 services, each reached through Envoy", async function () {
    this.timeout(60_000);
    const { bed, kube: clients } = ctx.stack;
    await ensureNamespace(clients, NS);
    for (let i = 1; i <= 17; i++) {
      await createService(clients, NS, `s${i}`, [{ name: "http", port: 80 }]);
      await applyEndpointSlice(clients, NS, `s${i}`, "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    }
    for (const proxy of upstreamAdmittedProxies(NS)) {
      const res = await kube("POST", `/apis/${GROUP}/${VERSION}/namespaces/${NS}/${HTTPPROXY_PLURAL}`, proxy);
      assert.equal(res.status, 201, `${JSON.stringify((proxy["metadata"] as { name: string }).name)}: ${res.body.slice(0, 800)}`);
    }
    const seventeen = await waitForProxyStatus(kc(), NS, "seventeen-services", "valid");
    assert.equal(seventeen.spec.routes?.[0]?.services?.length, 17);
    await waitFor(async () => ((await ctx.stack.http("seventeen.example.com", "/").catch(() => undefined))?.status === 200 ? true : undefined), {
      timeoutMs: 20_000,
      description: "seventeen.example.com to answer 200",
    });
    // Every one of the 17 clusters is in Envoy's configuration with its share of the traffic.
    const dump = JSON.stringify(await ctx.stack.envoy.admin.configDump({ resource: "dynamic_route_configs" }));
    const clusters = new Set([...dump.matchAll(/"name":"admission\/(s\d+)\/80\/[0-9a-f]+"/gu)].map((m) => m[1]));
    assert.equal(clusters.size, 17, `clusters in the route: ${[...clusters].join(", ")}`);
  });

  it("serves an unknown load balancer strategy as RoundRobin, with a warning naming the field", async function () {
    const proxy: HTTPProxy = await waitForProxyStatus(kc(), NS, "fallback-strategy", "valid");
    const warnings = proxy.status?.conditions?.find((c) => c.type === "Valid")?.warnings ?? [];
    assert.ok(
      warnings.some((w) => w.reason === "IgnoredField" && w.message.startsWith("spec.routes[0].loadBalancerPolicy.strategy:")),
      JSON.stringify(warnings),
    );
    await waitFor(async () => ((await ctx.stack.http("fallback.example.com", "/").catch(() => undefined))?.status === 200 ? true : undefined), {
      timeoutMs: 20_000,
      description: "fallback.example.com to answer 200",
    });
  });

  it("admits a proxy over the controller's list bound and marks it invalid with ListTooLong", async function () {
    const proxy = await waitForProxyStatus(kc(), NS, "long-values", "invalid");
    const errors = proxy.status?.conditions?.find((c) => c.type === "Valid")?.errors ?? [];
    assert.deepEqual(
      errors.map((e) => `${e.reason}: ${e.message}`),
      ["ListTooLong: spec.routes[0].conditions: 71 items, more than the 64 this controller accepts"],
    );
  });
});
