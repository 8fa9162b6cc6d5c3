// The Gateway API conformance suite's setup phase on the bed: the v1.6.1 experimental CRDs and the
// suite's own base manifests (both copied by `make tools` from the published module, never kept by
// hand), the Secrets the suite creates programmatically, and then what the suite's NamespacesMustBeReady
// checks of pods: every pod of its three namespaces, CoreDNS included, Ready. (Its Gateways need a
// Gateway API implementation to become Programmed; that is the Gateway API work's part.)
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { httpGet, resolveToolFile, useTestBed, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { adminClient, applyManifests, isReady, listPods } from "./objects.js";

const NAMESPACES = ["gateway-conformance-infra", "gateway-conformance-app-backend", "gateway-conformance-web-backend"];
// The Secrets the suite's Setup creates before it waits for pods (suite.go), by namespace.
const SECRETS: ReadonlyArray<[string, string, string[]]> = [
  ["gateway-conformance-infra", "tls-checks-certificate", ["abc.example.com", "other.example.com"]],
  ["gateway-conformance-infra", "tls-passthrough-checks-certificate", ["abc.example.com"]],
  ["gateway-conformance-app-backend", "tls-passthrough-checks-certificate", ["abc.example.com"]],
  ["gateway-conformance-web-backend", "certificate", ["*"]],
];

describe("cluster: Gateway API conformance setup", function () {
  const ctx = useTestBed({ cluster: true });
  let api: ApiClient;

  before(() => {
    api = adminClient(ctx.bed);
  });
  after(() => api?.close());

  it("installs the v1.6.1 experimental CRDs server-side and they become Established", async function () {
    this.timeout(60_000);
    const text = readFileSync(resolveToolFile("gateway-api-crds"), "utf8");
    assert.match(text, /bundle-version: v1\.6\.1/);
    assert.match(text, /channel: experimental/);
    const applied = await applyManifests(api, text);
    assert.ok(applied >= 10, `applied ${applied} objects`);
    for (const crd of ["gateways", "gatewayclasses", "httproutes", "grpcroutes", "tlsroutes", "tcproutes", "udproutes", "referencegrants", "backendtlspolicies", "listenersets"]) {
      await waitFor(
        async () => {
          const o = await api.request<{ status?: { conditions?: Array<{ type: string; status: string }> } }>("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}.gateway.networking.k8s.io`);
          return o.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
        },
        { timeoutMs: 20_000, description: `CRD ${crd} to be Established` },
      );
    }
  });

  it("runs every pod of the suite's base manifests, CoreDNS included, to Ready", async function () {
    this.timeout(180_000);
    const base = readFileSync(resolveToolFile("gateway-api-base-manifests"), "utf8").replaceAll("{GATEWAY_CLASS_NAME}", "contour-e2e-unaccepted");
    // Namespaces first (the suite's applier does the same by applying in order).
    await applyManifests(api, base.split("\n---\n").filter((d) => /^kind: Namespace$/m.test(d)).join("\n---\n"));
    for (const [namespace, name, hosts] of SECRETS) {
      const cert = await selfSignedCert(hosts);
      await applyManifests(
        api,
        JSON.stringify({
          apiVersion: "v1",
          kind: "Secret",
          type: "kubernetes.io/tls",
          metadata: { name, namespace },
          data: { "tls.crt": Buffer.from(cert.certPem).toString("base64"), "tls.key": Buffer.from(cert.keyPem).toString("base64") },
        }),
      );
    }
    const count = await applyManifests(api, base);
    assert.ok(count > 30, `applied ${count} objects of the base manifests`);
    let last = "";
    await waitFor(
      async () => {
        const states: string[] = [];
        let all = true;
        for (const ns of NAMESPACES) {
          const status = await api.request<{ status?: { phase?: string } }>("GET", `/api/v1/namespaces/${ns}`);
          if (status.status?.phase !== "Active") all = false;
          const pods = await listPods(api, ns);
          if (pods.length === 0) all = false;
          for (const p of pods) {
            if (!isReady(p)) {
              all = false;
              states.push(`${ns}/${p.metadata.name}: ${p.status.phase} ${JSON.stringify(p.status.containerStatuses?.map((c) => c.state))}`);
            }
          }
        }
        last = states.join("\n");
        return all;
      },
      { timeoutMs: 150_000, intervalMs: 500, description: () => `every pod of ${NAMESPACES.join(", ")} to be Ready; not yet:\n${last}` },
    );
    // tls-backend reads its certificate from the Secret volume at /etc/secret-volume: it is there for
    // the container alone (its own mount namespace), not on the host.
    const [tls] = await listPods(api, "gateway-conformance-infra", "app=tls-backend");
    const res = await httpGet(`https://${tls?.status.podIP}:8443/`, { rejectUnauthorized: false, host: "abc.example.com" });
    assert.equal(res.status, 200);
    assert.equal(existsSync("/etc/secret-volume"), false, "the mountPath exists only inside the container");
    const coredns = await listPods(api, "gateway-conformance-infra", "app=udp");
    assert.equal(coredns.length, 1);
    assert.ok(isReady(coredns[0]!));
    // Deployments report their replicas available, as the suite's later waits (and kubectl rollout) read them.
    let unavailable: string[] = [];
    await waitFor(
      async () => {
        const deployments = await api.request<{ items: Array<{ metadata: { name: string }; spec: { replicas?: number }; status: { availableReplicas?: number } }> }>(
          "GET",
          "/apis/apps/v1/namespaces/gateway-conformance-infra/deployments",
        );
        unavailable = deployments.items.filter((d) => d.status.availableReplicas !== (d.spec.replicas ?? 1)).map((d) => d.metadata.name);
        return unavailable.length === 0;
      },
      { timeoutMs: 20_000, description: () => `every Deployment to report its replicas available; not yet ${unavailable}` },
    );
  });
});
