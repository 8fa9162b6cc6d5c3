// Upstream config-file settings about clusters and HTTPProxy, through a real Envoy: the connect timeout
// and default circuit breakers of every Service cluster (Envoy's config_dump), disablePermitInsecure
// (a permitInsecure route on a TLS host still redirects), and tls.envoy-client-certificate with
// cluster.upstream-tls (a TLS backend that requires a client certificate answers, and sees Envoy's,
// through an HTTPProxy and through an Ingress whose Service says upstream-protocol.tls).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "mocha";
import type { HTTPProxy, HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createIngress, createService, createTlsSecret, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { createTestCa } from "../fixtures/test-ca.js";
import { startTlsBackend } from "../fixtures/tls-backend.js";
import { waitFor } from "../harness/index.js";

const NS = "clustercfg";
const BACKEND_NAME = `tls-app.${NS}.svc`;

type DumpedCluster = {
  name: string;
  connect_timeout?: string;
  circuit_breakers?: { thresholds?: Array<Record<string, number>>; per_host_thresholds?: Array<Record<string, number>> };
  transport_socket?: { typed_config?: { common_tls_context?: { tls_params?: Record<string, string>; tls_certificate_sds_secret_configs?: Array<{ name: string }> } } };
};

describe("config file: cluster settings and disablePermitInsecure through Envoy", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-cluster-settings-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(
    configPath,
    [
      "timeouts:",
      "  connect-timeout: 1500ms",
      "cluster:",
      "  circuit-breakers:",
      "    max-connections: 7",
      "    max-pending-requests: 8",
      "    per-host-max-connections: 3",
      "  upstream-tls:",
      '    minimum-protocol-version: "1.3"',
      "tls:",
      "  envoy-client-certificate:",
      "    name: envoy-client",
      "    namespace: projectcontour",
      "disablePermitInsecure: true",
      "",
    ].join("\n"),
  );
  const ctx = useStack({ pods: ["app-1"], crds: true, contourArgs: [`--config-path=${configPath}`] });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  async function validProxy(name: string, spec: HTTPProxySpec): Promise<void> {
    await createHTTPProxy(kc(), NS, name, spec);
    let last: HTTPProxy | undefined;
    await waitFor(
      async () => {
        last = await readHTTPProxy(kc(), NS, name);
        return last.status?.currentStatus === "valid";
      },
      { timeoutMs: 20_000, description: () => `HTTPProxy ${name} to be valid (last: ${JSON.stringify(last?.status)})` },
    );
  }

  async function dumpedCluster(prefix: string, check: (c: DumpedCluster) => boolean = () => true): Promise<DumpedCluster> {
    return ctx.stack.envoy.admin.waitForConfig(
      (dump) => {
        const clusters = dump.configs.find((c) => c["@type"].endsWith("ClustersConfigDump"))?.["dynamic_active_clusters"] as Array<{ cluster: DumpedCluster }> | undefined;
        return clusters?.map((c) => c.cluster).find((c) => c.name.startsWith(prefix) && check(c));
      },
      { timeoutMs: 20_000, description: `a cluster ${prefix}* in Envoy's config_dump` },
    );
  }

  it("gives every Service cluster the connect timeout and the default circuit breakers", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createIngress(kube, NS, "plain", simpleIngressSpec("plain.clustercfg.example.com", "app", 80));
    await ctx.stack.waitForHttp("plain.clustercfg.example.com", "/", (r) => r.status === 200, "the Ingress to answer 200");
    const cluster = await dumpedCluster(`${NS}/app/80/`);
    assert.equal(cluster.connect_timeout, "1.500s");
    assert.deepEqual(cluster.circuit_breakers, { thresholds: [{ max_connections: 7, max_pending_requests: 8 }], per_host_thresholds: [{ max_connections: 3 }] });
  });

  it("redirects a permitInsecure route of a TLS host to HTTPS (disablePermitInsecure: true)", async () => {
    const { kube } = ctx.stack;
    const host = "secure.clustercfg.example.com";
    const cert = await selfSignedCert([host]);
    await createTlsSecret(kube, NS, "secure-tls", cert.certPem, cert.keyPem);
    await validProxy("secure", {
      virtualhost: { fqdn: host, tls: { secretName: "secure-tls" } },
      routes: [{ conditions: [{ prefix: "/" }], permitInsecure: true, services: [{ name: "app", port: 80 }] }],
    });
    const res = await ctx.stack.waitForHttp(host, "/open", (r) => r.status !== 404, `${host} to be served on plain HTTP`);
    assert.equal(res.status, 301, res.body.slice(0, 200));
    assert.equal(res.headers["location"], `https://${host}/open`);
  });

  it("presents the envoy-client-certificate to a TLS backend that requires one, over TLS 1.3 at least (cluster.upstream-tls)", async () => {
    const { bed, kube } = ctx.stack;
    const backendCa = await createTestCa("backend CA");
    const clientCa = await createTestCa("envoy client CA");
    const backend = await startTlsBackend(bed, "tls-backend", await backendCa.issue({ commonName: BACKEND_NAME, dnsNames: [BACKEND_NAME], usage: "server" }), clientCa.certPem);
    await kube.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "backend-ca", namespace: NS }, type: "Opaque", stringData: { "ca.crt": backendCa.certPem } } });
    const client = await clientCa.issue({ commonName: "envoy-client", usage: "client" });
    await createTlsSecret(kube, "projectcontour", "envoy-client", client.certPem, client.keyPem);
    await createService(kube, NS, "tls-app", [{ name: "https", port: 443 }]);
    await applyEndpointSlice(kube, NS, "tls-app", "https", [{ ip: backend.ip, port: backend.port }]);
    await validProxy("upstream", {
      virtualhost: { fqdn: "upstream.clustercfg.example.com" },
      routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "tls-app", port: 443, protocol: "tls", validation: { caSecret: "backend-ca", subjectName: BACKEND_NAME } }] }],
    });
    const res = await ctx.stack.waitForHttp("upstream.clustercfg.example.com", "/mtls", (r) => r.status === 200, "the TLS backend to answer through Envoy");
    assert.deepEqual(res.json<{ name: string; path: string; client: string }>(), { name: "tls-backend", path: "/mtls", client: "envoy-client" });
    const cluster = await dumpedCluster(`${NS}/tls-app/443/`);
    const tls = cluster.transport_socket?.typed_config?.common_tls_context;
    assert.equal(tls?.tls_params?.["tls_minimum_protocol_version"], "TLSv1_3");
    assert.match(tls?.tls_certificate_sds_secret_configs?.[0]?.name ?? "", /^projectcontour\/envoy-client\//u);
  });

  it("presents the envoy-client-certificate to an Ingress backend whose Service port is upstream-protocol.tls", async () => {
    const { kube } = ctx.stack;
    // The TLS backend of the previous case, which refuses a handshake without a certificate of the client CA.
    const slice = await kube.discovery.readNamespacedEndpointSlice({ namespace: NS, name: "tls-app-e2e" });
    const endpoint = { ip: slice.endpoints[0]?.addresses[0] ?? "", port: slice.ports?.[0]?.port ?? 0 };
    await createService(kube, NS, "tls-ing", [{ name: "https", port: 443 }], { "projectcontour.io/upstream-protocol.tls": "https" });
    await applyEndpointSlice(kube, NS, "tls-ing", "https", [endpoint]);
    await createIngress(kube, NS, "upstream-tls", simpleIngressSpec("ingress-tls.clustercfg.example.com", "tls-ing", 443));
    const res = await ctx.stack.waitForHttp("ingress-tls.clustercfg.example.com", "/ing", (r) => r.status === 200, "the TLS backend to answer the Ingress through Envoy");
    assert.deepEqual(res.json<{ name: string; path: string; client: string }>(), { name: "tls-backend", path: "/ing", client: "envoy-client" });
    const cluster = await dumpedCluster(`${NS}/tls-ing/443/`);
    assert.match(cluster.transport_socket?.typed_config?.common_tls_context?.tls_certificate_sds_secret_configs?.[0]?.name ?? "", /^projectcontour\/envoy-client\//u);
  });
});
