// The informer set against a real API server: first sync, add/update/delete, the Secret filter, a CRD
// installed after start, and recovery from broken watches.
import assert from "node:assert/strict";
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import type { WatchedKind } from "../../controllers/source/object-cache.js";
import { createLogger } from "../../operator/log.js";
import { createInformerSet, type InformerEvent, type InformerSet } from "../../operator/runtime/informers.js";
import { loadKubeConfig, useTestBed, waitFor, writeKubeconfig } from "../harness/index.js";
import { startApiProxy, type ApiProxy } from "./api-proxy.js";
import { installCrd, openCrd } from "./crds.js";

interface Seen {
  kind: WatchedKind;
  event: InformerEvent;
  obj: KubernetesObject;
}

function recorder(): { seen: Seen[]; onEvent: (kind: WatchedKind, event: InformerEvent, obj: KubernetesObject) => void; find: (kind: WatchedKind, event: InformerEvent, name: string) => Seen | undefined } {
  const seen: Seen[] = [];
  return {
    seen,
    onEvent: (kind, event, obj) => seen.push({ kind, event, obj }),
    find: (kind, event, name) => seen.find((s) => s.kind === kind && s.event === event && s.obj.metadata?.name === name),
  };
}

const log = createLogger({ level: process.env["E2E_LOG_LEVEL"] === "debug" ? "debug" : "fatal", format: "text" });

function service(name: string, labels: Record<string, string> = {}) {
  return { metadata: { name, labels }, spec: { ports: [{ port: 80 }] } };
}

async function metricValue(registry: Registry, name: string, kind: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => v.labels["kind"] === kind)?.value ?? 0;
}

describe("operator: informers", function () {
  const ctx = useTestBed();
  let kc: KubeConfig;
  let core: CoreV1Api;
  const sets: InformerSet[] = [];

  before(async () => {
    kc = ctx.bed.apiserver.makeKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    for (const name of ["app", "other"]) await core.createNamespace({ body: { metadata: { name } } });
    await core.createNamespacedService({ namespace: "app", body: service("before-start") });
  });
  afterEach(async () => {
    await Promise.all(sets.splice(0).map((s) => s.stop()));
  });

  it("syncs, then sees a Service added, updated and deleted", async () => {
    const rec = recorder();
    const registry = new Registry();
    const set = createInformerSet({ kubeConfig: kc, kinds: ["Service", "Namespace", "HTTPProxy"], log, onEvent: rec.onEvent, registry });
    sets.push(set);
    set.start();
    await set.synced();
    // Synced means the first list was delivered, and a missing CRD does not hold it up.
    const before = rec.find("Service", "add", "before-start");
    assert.ok(before, "the pre-existing Service was delivered before synced()");
    assert.equal(before.obj.kind, "Service", "listed items carry their kind like watched ones");
    assert.equal(before.obj.apiVersion, "v1");
    assert.equal(typeof before.obj.metadata?.creationTimestamp, "string", "plain JSON, not client-node's Date");
    assert.equal(before.obj.metadata?.managedFields, undefined, "managedFields are dropped");

    await core.createNamespacedService({ namespace: "app", body: service("web") });
    await waitFor(() => rec.find("Service", "add", "web"), { description: "add of Service app/web" });
    await core.patchNamespacedService(
      { namespace: "app", name: "web", body: [{ op: "add", path: "/metadata/labels", value: { tier: "front" } }] },
    );
    const updated = await waitFor(() => rec.find("Service", "update", "web"), { description: "update of Service app/web" });
    assert.deepEqual(updated.obj.metadata?.labels, { tier: "front" });
    await core.deleteNamespacedService({ namespace: "app", name: "web" });
    await waitFor(() => rec.find("Service", "delete", "web"), { description: "delete of Service app/web" });

    // The default "kubernetes" Service plus ours.
    assert.equal(await metricValue(registry, "contour_objects", "Service"), 2);
  });

  it("keeps only TLS Secrets and CA bundles, with only the keys contour reads", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const secrets: { metadata: { name: string }; type: string; data: Record<string, string> }[] = [
      { metadata: { name: "tls" }, type: "kubernetes.io/tls", data: { "tls.crt": b64("crt"), "tls.key": b64("key") } },
      { metadata: { name: "ca" }, type: "Opaque", data: { "ca.crt": b64("ca"), password: b64("hunter2") } },
      { metadata: { name: "password" }, type: "Opaque", data: { password: b64("hunter2") } },
      { metadata: { name: "registry" }, type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64("{}") } },
    ];
    for (const body of secrets) await core.createNamespacedSecret({ namespace: "app", body });
    const rec = recorder();
    const set = createInformerSet({ kubeConfig: kc, kinds: ["Secret"], log, onEvent: rec.onEvent });
    sets.push(set);
    set.start();
    await set.synced();
    assert.deepEqual(rec.seen.map((s) => `${s.event} ${s.obj.metadata?.name}`).sort(), ["add ca", "add tls"]);
    assert.deepEqual((rec.find("Secret", "add", "ca")?.obj as { data?: unknown }).data, { "ca.crt": b64("ca") });

    // An Opaque Secret that gains a CA bundle appears; one that loses it disappears.
    await core.replaceNamespacedSecret({ namespace: "app", name: "password", body: { metadata: { name: "password" }, type: "Opaque", data: { "ca.crt": b64("ca2") } } });
    await waitFor(() => rec.find("Secret", "add", "password"), { description: "the Secret that gained ca.crt" });
    await core.replaceNamespacedSecret({ namespace: "app", name: "ca", body: { metadata: { name: "ca" }, type: "Opaque", data: { other: b64("x") } } });
    const gone = await waitFor(() => rec.find("Secret", "delete", "ca"), { description: "the Secret that lost ca.crt to be deleted" });
    assert.equal((gone.obj as { data?: unknown }).data, undefined);
  });

  it("watches only the given namespaces", async () => {
    await core.createNamespacedService({ namespace: "other", body: service("elsewhere") });
    const rec = recorder();
    const set = createInformerSet({ kubeConfig: kc, kinds: ["Service", "Namespace"], namespaces: ["app"], log, onEvent: rec.onEvent });
    sets.push(set);
    set.start();
    await set.synced();
    assert.ok(rec.find("Service", "add", "before-start"));
    assert.equal(rec.find("Service", "add", "elsewhere"), undefined);
    assert.deepEqual(rec.seen.filter((s) => s.kind === "Namespace").map((s) => s.obj.metadata?.name), ["app"]);
  });

  it("picks up a CRD installed after start", async () => {
    const rec = recorder();
    const set = createInformerSet({ kubeConfig: kc, kinds: ["HTTPProxy"], log, onEvent: rec.onEvent, crdRecheckMs: 200 });
    sets.push(set);
    set.start();
    await set.synced();
    await installCrd(kc, openCrd("HTTPProxy", "httpproxies"));
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: "projectcontour.io",
      version: "v1",
      namespace: "app",
      plural: "httpproxies",
      body: { apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: { name: "root" }, spec: { virtualhost: { fqdn: "a.example.com" } } },
    });
    const added = await waitFor(() => rec.find("HTTPProxy", "add", "root"), { timeoutMs: 20_000, description: "the HTTPProxy once its CRD exists" });
    assert.deepEqual((added.obj as { spec?: unknown }).spec, { virtualhost: { fqdn: "a.example.com" } });
  });

  describe("through a proxy that can cut the connection", () => {
    let proxy: ApiProxy;
    let proxied: KubeConfig;
    before(async () => {
      proxy = await startApiProxy(ctx.bed.apiserver.url);
      const path = ctx.bed.runDir.file("kubeconfig-proxied.yaml");
      writeKubeconfig(path, { server: proxy.url, token: ctx.bed.apiserver.token, caPem: ctx.bed.apiserver.caPem });
      proxied = loadKubeConfig(path);
    });
    after(() => proxy.close());

    it("re-watches after the server ends a watch (timeoutSeconds) without losing events", async () => {
      const rec = recorder();
      const set = createInformerSet({ kubeConfig: proxied, kinds: ["Service"], namespaces: ["app"], log, onEvent: rec.onEvent, watchTimeoutSeconds: () => 1 });
      sets.push(set);
      set.start();
      await set.synced();
      const start = proxy.connections();
      // Each watch is a new connection (client-node's agents do not keep connections alive).
      await waitFor(() => proxy.connections() >= start + 2, { timeoutMs: 10_000, description: "two more watch requests after 1 s timeouts" });
      await core.createNamespacedService({ namespace: "app", body: service("after-rewatch") });
      await waitFor(() => rec.find("Service", "add", "after-rewatch"), { description: "the Service created after re-watches" });
    });

    it("restarts a broken informer with backoff and catches up on what it missed", async () => {
      const rec = recorder();
      const registry = new Registry();
      const set = createInformerSet({
        kubeConfig: proxied,
        kinds: ["Service"],
        namespaces: ["app"],
        log,
        onEvent: rec.onEvent,
        registry,
        restartBackoff: { baseMs: 200, maxMs: 1_000 },
      });
      sets.push(set);
      set.start();
      await set.synced();
      proxy.cut();
      await waitFor(async () => (await metricValue(registry, "contour_informer_restarts_total", "Service")) >= 2, {
        timeoutMs: 10_000,
        description: "the informer to fail and be restarted while the API server is unreachable",
      });
      // Changes while cut off: an add and a delete the informer must learn about once it reconnects.
      await core.createNamespacedService({ namespace: "app", body: service("while-cut") });
      await core.deleteNamespacedService({ namespace: "app", name: "after-rewatch" });
      proxy.restore();
      await waitFor(() => rec.find("Service", "add", "while-cut"), { timeoutMs: 10_000, description: "the Service created during the outage" });
      await waitFor(() => rec.find("Service", "delete", "after-rewatch"), { timeoutMs: 10_000, description: "the Service deleted during the outage" });
    });
  });
});
