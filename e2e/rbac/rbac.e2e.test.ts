// `contour serve` under upstream Contour v1.33.6's own RBAC (its ClusterRole has no ingressclasses
// rule), authenticated with a service-account token bound to exactly those rules on an API server
// that enforces RBAC: it must become ready, say once what it may not see, and serve an Ingress.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "mocha";
import { parseAllDocuments } from "yaml";
import { CoreV1Api, KubeConfig, KubernetesObjectApi, NetworkingV1Api, type KubernetesObject } from "@kubernetes/client-node";
import { pickEnvoyPorts, startContour, startEnvoyFor, writeCertificates, type Contour, type EnvoyPorts } from "../fixtures/contour.js";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, kubeClients, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { findRepoRoot, httpGet, useTestBed, waitFor } from "../harness/index.js";
import { Registry } from "prom-client";
import { createLogger } from "../../operator/log.js";
import { createInformerSet } from "../../operator/runtime/informers.js";

const RBAC = `${findRepoRoot()}/e2e/rbac/testdata/upstream-v1.33.6-rbac.yaml`;
// Upstream's quickstart ConfigMap (contour.yaml), as the unit tests read it.
const UPSTREAM_CONFIG = `${findRepoRoot()}/operator/config/testdata/upstream-v1.33.6-contour.yaml`;

describe("contour serve under upstream's RBAC (no ingressclasses rule)", function () {
  const ctx = useTestBed({ pods: ["web-1"] });
  let contour: Contour;
  let ports: EnvoyPorts;
  let kubeconfigPath: string;

  before(async function () {
    this.timeout(90_000);
    const bed = ctx.bed;
    const admin = bed.apiserver.makeKubeConfig();
    const kube = kubeClients(admin);
    await ensureNamespace(kube, "projectcontour");
    await kube.core.createNamespacedServiceAccount({ namespace: "projectcontour", body: { metadata: { name: "contour" } } });
    const objects = KubernetesObjectApi.makeApiClient(admin);
    for (const doc of parseAllDocuments(readFileSync(RBAC, "utf8"))) {
      const obj = doc.toJS() as KubernetesObject | null;
      if (obj !== null) await objects.create(obj);
    }
    // A token for the ServiceAccount, from the API server itself (TokenRequest), as a projected token would be.
    const token = (
      await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({ namespace: "projectcontour", name: "contour", body: { spec: { audiences: [], expirationSeconds: 3600 } } })
    ).status?.token;
    assert.ok(token, "TokenRequest returned no token");
    const cluster = admin.getCurrentCluster();
    assert.ok(cluster);
    const limited = new KubeConfig();
    limited.loadFromOptions({ clusters: [cluster], users: [{ name: "contour", token }], contexts: [{ name: "contour", cluster: cluster.name, user: "contour" }], currentContext: "contour" });
    kubeconfigPath = bed.runDir.file("contour-sa.kubeconfig");
    writeFileSync(kubeconfigPath, limited.exportConfig(), { mode: 0o600 });

    // The token really is limited: IngressClasses are forbidden to it, Ingresses are not.
    const classes = await limited.makeApiClient(NetworkingV1Api).listIngressClass().then(() => 200, (e: { code?: number }) => e.code);
    assert.equal(classes, 403, "listing IngressClasses is forbidden under upstream's ClusterRole");
    await limited.makeApiClient(NetworkingV1Api).listIngressForAllNamespaces();

    await ensureNamespace(kube, "shop");
    await createService(kube, "shop", "web", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, "shop", "web", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createIngress(kube, "shop", "web", { ...simpleIngressSpec("rbac.example.com", "web", 80), ingressClassName: "contour" });

    const certs = await writeCertificates(bed);
    ports = await pickEnvoyPorts();
    // The later --kubeconfig wins: the service account's, not the bed's admin.
    contour = await startContour(bed, {
      certs,
      envoyPorts: ports,
      args: [`--kubeconfig=${kubeconfigPath}`, "--log-format=json", "--ingress-status-address=lb.rbac.example.com", `--config-path=${UPSTREAM_CONFIG}`],
    });
    await startEnvoyFor(bed, { certs, xdsPort: contour.xdsPort });
  });

  it("becomes ready and says on /readyz, in a metric and once in its log that IngressClass is forbidden", async () => {
    const readyz = await httpGet(`http://127.0.0.1:${contour.httpPort}/readyz`);
    assert.equal(readyz.status, 200);
    // Upstream v1.33.6 has no ListenerSet (Gateway API v1.6) and no UDPRoute, so its ClusterRole has no rule for them either.
    assert.match(readyz.body, /^ok\nwarning: IngressClass: forbidden by RBAC, treated as none\nwarning: ListenerSet: forbidden by RBAC, treated as none\nwarning: UDPRoute: forbidden by RBAC, treated as none\n$/);
    assert.match(await contour.metrics(), /contour_informer_forbidden\{kind="IngressClass"\} 1/);
    assert.match(await contour.metrics(), /contour_informer_forbidden\{kind="Ingress"\} 0/);
    const log = readFileSync(contour.process.logPath, "utf8");
    assert.equal(log.split("\n").filter((l) => l.includes("not allowed to list ingressclasses.networking.k8s.io")).length, 1, "reported once");
    assert.ok(!log.includes("not implemented yet"), "upstream's ConfigMap sets nothing we ignore");
  });

  it("serves an Ingress of class contour, matched by name as upstream does", async () => {
    const res = await waitFor(
      async () => {
        const r = await httpGet(`http://127.0.0.1:${ports.http}/hello`, { host: "rbac.example.com", timeoutMs: 2000 }).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      { timeoutMs: 20_000, description: "rbac.example.com through Envoy" },
    );
    assert.equal(res.json<{ name: string }>().name, "web-1");
  });

  it("writes the Ingress status as leader with only the service account's rights (Lease, ingresses/status)", async () => {
    const kube = kubeClients(ctx.bed.apiserver.makeKubeConfig());
    await waitFor(
      async () => {
        const ing = await kube.networking.readNamespacedIngress({ namespace: "shop", name: "web" });
        return ing.status?.loadBalancer?.ingress?.[0]?.hostname === "lb.rbac.example.com";
      },
      { timeoutMs: 30_000, description: "the leader to write the Ingress status" },
    );
  });

  it("watches a forbidden kind once a grant appears, and says so", async function () {
    this.timeout(30_000);
    const admin = ctx.bed.apiserver.makeKubeConfig();
    const limited = new KubeConfig();
    limited.loadFromFile(kubeconfigPath);
    const registry = new Registry();
    const seen: string[] = [];
    const informers = createInformerSet({
      kubeConfig: limited,
      kinds: ["IngressClass", "Ingress"],
      log: createLogger({ level: "fatal", format: "text" }),
      registry,
      crdRecheckMs: 300,
      onEvent: (kind, event, obj) => seen.push(`${kind} ${event} ${obj.metadata?.name ?? ""}`),
    });
    informers.start();
    try {
      await informers.synced();
      assert.deepEqual(informers.forbidden(), [{ kind: "IngressClass", namespace: undefined }]);
      const objects = KubernetesObjectApi.makeApiClient(admin);
      await objects.create({ apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "contour" }, spec: { controller: "projectcontour.io/ingress-controller" } } as KubernetesObject);
      await objects.create({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "contour-ingressclasses" },
        rules: [{ apiGroups: ["networking.k8s.io"], resources: ["ingressclasses"], verbs: ["get", "list", "watch"] }],
      } as KubernetesObject);
      await objects.create({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "contour-ingressclasses" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "contour-ingressclasses" },
        subjects: [{ kind: "ServiceAccount", name: "contour", namespace: "projectcontour" }],
      } as KubernetesObject);
      await waitFor(() => seen.includes("IngressClass add contour"), { timeoutMs: 15_000, description: () => `the IngressClass once granted (seen: ${seen.join(", ")})` });
      assert.deepEqual(informers.forbidden(), []);
      assert.match(await registry.metrics(), /contour_informer_forbidden\{kind="IngressClass"\} 0/);
    } finally {
      await informers.stop();
    }
  });
});
