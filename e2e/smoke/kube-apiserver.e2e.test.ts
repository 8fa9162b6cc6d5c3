// Smoke test of the bed's Kubernetes half: real etcd + kube-apiserver, driven by @kubernetes/client-node.
import assert from "node:assert/strict";
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import { useTestBed, waitFor } from "../harness/index.js";

const GROUP = "smoke.e2e.projectcontour.io";
const PLURAL = "widgets";

/** A minimal namespaced CRD with a structural schema (the API server rejects CRDs without one). */
function widgetCrd(): V1CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: { plural: PLURAL, singular: "widget", kind: "Widget", listKind: "WidgetList" },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: { type: "object", properties: { size: { type: "integer" }, colour: { type: "string" } } },
              },
            },
          },
        },
      ],
    },
  };
}

describe("smoke: kube-apiserver", function () {
  const ctx = useTestBed();

  before(function () {
    const { startupMs } = ctx.bed;
    console.log(`      startup: etcd ${startupMs["etcd"]} ms, kube-apiserver ${startupMs["kube-apiserver"]} ms`);
  });

  it("creates a Namespace and reads it back", async function () {
    const core = ctx.bed.apiserver.makeKubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "smoke", labels: { purpose: "e2e" } } } });
    const ns = await core.readNamespace({ name: "smoke" });
    assert.equal(ns.metadata?.name, "smoke");
    assert.equal(ns.metadata?.labels?.["purpose"], "e2e");
    assert.equal(ns.status?.phase, "Active");
  });

  it("creates a CRD, waits until Established, and round-trips a custom object", async function () {
    const kc = ctx.bed.apiserver.makeKubeConfig();
    const extensions = kc.makeApiClient(ApiextensionsV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const crd = widgetCrd();
    const name = crd.metadata?.name ?? "";
    await extensions.createCustomResourceDefinition({ body: crd });
    await waitFor(
      async () => {
        const read = await extensions.readCustomResourceDefinition({ name });
        return read.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
      },
      { timeoutMs: 30_000, description: `CRD ${name} to be Established` },
    );

    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: "widgets" } } });
    const body = { apiVersion: `${GROUP}/v1`, kind: "Widget", metadata: { name: "w1" }, spec: { size: 3, colour: "blue" } };
    await custom.createNamespacedCustomObject({ group: GROUP, version: "v1", namespace: "widgets", plural: PLURAL, body });
    const read = (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: "v1",
      namespace: "widgets",
      plural: PLURAL,
      name: "w1",
    })) as { metadata?: { uid?: string }; spec?: { size?: number; colour?: string } };
    assert.deepEqual(read.spec, { size: 3, colour: "blue" });
    assert.ok(read.metadata?.uid, "the stored object has a uid");
  });
});
