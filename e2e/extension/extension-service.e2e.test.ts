// ExtensionService through the whole product (kube-apiserver with our CRDs, `contour serve`, a real
// Envoy): a valid object gets status Valid/True and its cluster `extension/<ns>/<name>` reaches Envoy
// with the Service's endpoints (admin /clusters); an object naming a missing Service gets upstream's
// reason (ServiceUnresolvedReference under ServiceError) and no cluster; creating the Service fixes it.
import assert from "node:assert/strict";
import { before, describe, it } from "mocha";
import type { KubeConfig } from "@kubernetes/client-node";
import { createExtensionService, waitForExtensionValid } from "../fixtures/extension-services.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { waitFor } from "../harness/index.js";

const NS = "extsvc";

/** What /clusters?format=json says about clusters and their hosts. */
interface ClusterStatuses {
  cluster_statuses?: { name: string; host_statuses?: { address: { socket_address: { address: string; port_value: number } } }[] }[];
}

const waitForValid = (kc: KubeConfig, name: string, status: "True" | "False") => waitForExtensionValid(kc, NS, name, status);

describe("ExtensionService: status and cluster through Envoy", function () {
  const ctx = useStack({ pods: ["authz-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  before(async function () {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    const pod = ctx.stack.bed.pods[0]!;
    await createService(kube, NS, "authz", [{ name: "grpc", port: 9000 }]);
    await applyEndpointSlice(kube, NS, "authz", "grpc", [{ ip: pod.ip, port: pod.port }]);
  });

  it("a valid ExtensionService is Valid and its cluster reaches Envoy with the Service's endpoints", async () => {
    await createExtensionService(kc(), NS, "authz", { protocol: "h2c", services: [{ name: "authz", port: 9000 }] });
    const ext = await waitForValid(kc(), "authz", "True");
    const valid = ext.status?.conditions?.find((c) => c.type === "Valid");
    assert.equal(valid?.reason, "Valid");
    assert.equal(valid?.message, "Valid ExtensionService");
    assert.equal(valid?.observedGeneration, ext.metadata?.generation);
    const pod = ctx.stack.bed.pods[0]!;
    const hosts = await waitFor(
      async () => {
        const dump = (await ctx.stack.envoy.admin.clusters()) as ClusterStatuses;
        const cluster = dump.cluster_statuses?.find((c) => c.name === "extension/extsvc/authz");
        const found = (cluster?.host_statuses ?? []).map((h) => `${h.address.socket_address.address}:${h.address.socket_address.port_value}`);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 20_000, description: "extension/extsvc/authz with endpoints in Envoy's /clusters" },
    );
    assert.deepEqual(hosts, [`${pod.ip}:${pod.port}`]);
  });

  it("an ExtensionService naming a missing Service gets ServiceUnresolvedReference, no cluster, and is fixed by the Service", async () => {
    await createExtensionService(kc(), NS, "missing", { services: [{ name: "nowhere", port: 9000 }] });
    const ext = await waitForValid(kc(), "missing", "False");
    const valid = ext.status?.conditions?.find((c) => c.type === "Valid");
    assert.equal(valid?.reason, "ErrorPresent");
    assert.deepEqual(
      valid?.errors?.map((e) => [e.type, e.reason]),
      [["ServiceError", "ServiceUnresolvedReference"]],
    );
    assert.match(valid?.errors?.[0]?.message ?? "", /spec\.services\[0\]/u);
    const dump = (await ctx.stack.envoy.admin.clusters()) as ClusterStatuses;
    assert.equal(dump.cluster_statuses?.find((c) => c.name === "extension/extsvc/missing"), undefined);

    await createService(ctx.stack.kube, NS, "nowhere", [{ name: "grpc", port: 9000 }]);
    await waitForValid(kc(), "missing", "True");
    await waitFor(
      async () => ((await ctx.stack.envoy.admin.clusters()) as ClusterStatuses).cluster_statuses?.some((c) => c.name === "extension/extsvc/missing"),
      { timeoutMs: 20_000, description: "extension/extsvc/missing in Envoy's /clusters" },
    );
    await assertNoRejectedUpdates(ctx.stack.envoy);
  });
});
