// Port of upstream v1.33.6 test/e2e/httpproxy/external_name_test.go: HTTPProxy routes to ExternalName
// Services with the config file's enableExternalNameService, Envoy resolving the name itself
// (STRICT_DNS). The bed reaches only this machine, so the ExternalName is "127.0.0.1" (a backend of
// the harness listens there) where upstream names an in-cluster echo Service; upstream's https case
// needs an ExternalName TLS backend and is not ported. As upstream: localhost names are refused even
// when enabled, and without the setting an ExternalName Service is an unresolved reference.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "mocha";
import type { HTTPProxy } from "../../crds/index.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { ensureNamespace, type KubeClients } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { startBackend, type Backend, type BackendReply } from "../harness/index.js";

const NS = "external-name";

async function externalNameService(kube: KubeClients, name: string, externalName: string, port: number): Promise<void> {
  await kube.core.createNamespacedService({ namespace: NS, body: { metadata: { name, namespace: NS }, spec: { type: "ExternalName", externalName, ports: [{ name: "http", port, protocol: "TCP" }] } } });
}

const proxySpec = (fqdn: string, service: string, port: number, host: string): HTTPProxy["spec"] => ({
  virtualhost: { fqdn },
  routes: [{ services: [{ name: service, port }], requestHeadersPolicy: { set: [{ name: "Host", value: host }] } }],
});

function serviceError(p: HTTPProxy): { reason?: string; message?: string } | undefined {
  return p.status?.conditions?.[0]?.errors?.find((e) => e.type === "ServiceError");
}

describe("HTTPProxy: ExternalName Services with enableExternalNameService", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-external-name-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(configPath, "enableExternalNameService: true\ncluster:\n  dns-lookup-family: v4\n");
  const ctx = useStack({ crds: true, contourArgs: [`--config-path=${configPath}`] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  let backend: Backend;
  before(async () => {
    backend = await startBackend("external");
  });
  after(async () => {
    await backend?.close();
  });

  it("external name services work over http", async () => {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await externalNameService(kube, "external-echo", "127.0.0.1", backend.port);
    await createHTTPProxy(kc(), NS, "external-name-proxy", proxySpec("externalnameservice.example.com", "external-echo", backend.port, "echo.external.example"));
    await waitForProxyStatus(kc(), NS, "external-name-proxy", "valid");
    const res = await ctx.stack.waitForHttp("externalnameservice.example.com", "/from-envoy", (r) => r.status === 200, "the ExternalName backend to answer");
    const reply = res.json<BackendReply>();
    assert.equal(reply.name, "external");
    assert.equal(reply.headers["host"], "echo.external.example");
    const dump = await ctx.stack.envoy.admin.configDump({ resource: "dynamic_active_clusters" });
    const cluster = dump.configs.map((c) => (c as { cluster?: Record<string, unknown> }).cluster).find((c) => String(c?.["name"] ?? "").startsWith(`${NS}/external-echo/`));
    assert.deepEqual([cluster?.["type"], cluster?.["dns_lookup_family"]], ["STRICT_DNS", "V4_ONLY"], JSON.stringify(cluster));
  });

  it("external name services with localhost are rejected", async () => {
    await externalNameService(ctx.stack.kube, "localhost-echo", "localhost.localdomain", backend.port);
    await createHTTPProxy(kc(), NS, "localhost-proxy", proxySpec("localhost.externalnameservice.example.com", "localhost-echo", backend.port, "localhost.localdomain"));
    const p = await waitForProxyStatus(kc(), NS, "localhost-proxy", "invalid");
    assert.equal(serviceError(p)?.reason, "ServiceUnresolvedReference");
    assert.match(serviceError(p)?.message ?? "", /is an ExternalName service that points to localhost, this is not allowed/u);
  });
});

describe("HTTPProxy: ExternalName Services without enableExternalNameService (upstream's default)", function () {
  const ctx = useStack({ crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("treats an ExternalName Service as an unresolved reference", async () => {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await externalNameService(kube, "external-echo", "127.0.0.1", 8080);
    await createHTTPProxy(kc(), NS, "disabled", proxySpec("disabled.externalnameservice.example.com", "external-echo", 8080, "echo"));
    const p = await waitForProxyStatus(kc(), NS, "disabled", "invalid");
    assert.equal(serviceError(p)?.reason, "ServiceUnresolvedReference");
    assert.match(serviceError(p)?.message ?? "", /is an ExternalName service, these are not currently enabled\. See the config\.enableExternalNameService config file setting/u);
    // Nothing may reach 127.0.0.1:8080. Ours answers 503 from the route; upstream opens no HTTP listener
    // at all while it has no valid virtual host, so there the connection is refused.
    const answer = await ctx.stack.http("disabled.externalnameservice.example.com", "/").then(
      (r) => `HTTP ${r.status}`,
      (err: unknown) => (String(err).includes("ECONNREFUSED") && ctx.stack.underTest === "upstream" ? "refused" : Promise.reject(err)),
    );
    assert.ok(answer === "HTTP 503" || answer === "refused", `the route answers 503 (or, on upstream, no listener), nothing reaches 127.0.0.1:8080; got ${answer}`);
  });
});
