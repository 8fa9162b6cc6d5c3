// The status writer against a real API server: Ingress load-balancer status written and read back, a
// repeated status skipped without a write, and custom-resource status through the status subresource.
import assert from "node:assert/strict";
import { CoreV1Api, CustomObjectsApi, NetworkingV1Api, type KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { createLogger } from "../../operator/log.js";
import { createStatusWriter, loadBalancerFromAddresses, type StatusWriter } from "../../operator/status/index.js";
import { useTestBed } from "../harness/index.js";
import { installCrd, openCrd } from "./crds.js";

const log = createLogger({ level: process.env["E2E_LOG_LEVEL"] === "debug" ? "debug" : "fatal", format: "text" });

describe("operator: status writer", function () {
  const ctx = useTestBed();
  let kc: KubeConfig;
  let networking: NetworkingV1Api;
  let registry: Registry;
  let writer: StatusWriter;

  async function results(): Promise<Record<string, number>> {
    const metric = await registry.getSingleMetric("contour_status_updates_total")?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [`${String(v.labels["kind"])}/${String(v.labels["result"])}`, v.value]));
  }

  before(async () => {
    kc = ctx.bed.apiserver.makeKubeConfig();
    networking = kc.makeApiClient(NetworkingV1Api);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: "app" } } });
    await networking.createNamespacedIngress({
      namespace: "app",
      body: { metadata: { name: "web" }, spec: { defaultBackend: { service: { name: "web", port: { number: 80 } } } } },
    });
    registry = new Registry();
    writer = createStatusWriter({ kubeConfig: kc, isLeader: () => true, log, registry });
  });
  after(() => writer.stop());

  it("writes an Ingress's load-balancer status", async () => {
    writer.updateIngressLoadBalancer("app", "web", loadBalancerFromAddresses(["192.0.2.10", "lb.example.com"]));
    await writer.flush();
    const ingress = await networking.readNamespacedIngress({ namespace: "app", name: "web" });
    assert.deepEqual(
      ingress.status?.loadBalancer?.ingress?.map((i) => ({ ...i })),
      [{ ip: "192.0.2.10" }, { hostname: "lb.example.com" }],
    );
    assert.deepEqual(await results(), { "Ingress/updated": 1 });
  });

  it("skips writing the same status again", async () => {
    const before = (await networking.readNamespacedIngress({ namespace: "app", name: "web" })).metadata?.resourceVersion;
    writer.updateIngressLoadBalancer("app", "web", loadBalancerFromAddresses(["192.0.2.10", "lb.example.com"]));
    await writer.flush();
    const after = (await networking.readNamespacedIngress({ namespace: "app", name: "web" })).metadata?.resourceVersion;
    assert.equal(after, before, "no write, so no new resourceVersion");
    assert.deepEqual(await results(), { "Ingress/updated": 1, "Ingress/noop": 1 });
  });

  it("writes a custom resource's status through the status subresource", async () => {
    await installCrd(kc, openCrd("HTTPProxy", "httpproxies"));
    const custom = kc.makeApiClient(CustomObjectsApi);
    const ref = { group: "projectcontour.io", version: "v1", namespace: "app", plural: "httpproxies" };
    await custom.createNamespacedCustomObject({ ...ref, body: { apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: { name: "root" }, spec: { virtualhost: { fqdn: "a.example.com" } } } });
    const status = { currentStatus: "valid", description: "Valid HTTPProxy", conditions: [{ type: "Valid", status: "True", reason: "Valid", message: "Valid HTTPProxy" }] };
    writer.updateCustomStatus("projectcontour.io", "v1", "httpproxies", "app", "root", status);
    await writer.flush();
    const read = (await custom.getNamespacedCustomObject({ ...ref, name: "root" })) as { spec?: unknown; status?: unknown };
    assert.deepEqual(read.status, status);
    assert.deepEqual(read.spec, { virtualhost: { fqdn: "a.example.com" } }, "the spec is untouched");
    assert.equal((await results())["httpproxies.projectcontour.io/updated"], 1);
  });
});
