// Tracing through the real Envoy: contour started with a config file whose `tracing` names an ExtensionService
// (service name, a literal and a request-header custom tag), Envoy's OpenTelemetry tracer exporting over
// OTLP/gRPC to the small collector of e2e/harness/otlp-collector.ts in a pod network of its own. Upstream
// Contour v1.33.6 has no tracing spec in test/e2e/httpproxy; this follows its unit test's settings
// (internal/envoy/v3/tracing_test.go) on the wire.
import assert from "node:assert/strict";
import { after, before, describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { createPodNetwork, waitFor, type PodNetwork } from "../harness/index.js";
import { startOtlpCollector, type OtlpCollector } from "../harness/otlp-collector.js";
import { publishExtensionService, writeContourConfig } from "./extension-service-fixture.js";

const NS = "tracing";
const CONTOUR_CONFIG = `tracing:
  extensionService: ${NS}/otel-collector
  serviceName: contour-e2e
  includePodDetail: false
  customTags:
    - tagName: team
      literal: edge
    - tagName: tenant
      requestHeaderName: X-Tenant
`;

describe("HTTPProxy: tracing to an OTLP collector", function () {
  const config = writeContourConfig("tracing", CONTOUR_CONFIG);
  const ctx = useStack({ pods: ["echo"], crds: true, contourArgs: [`--config-path=${config.path}`] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  let network: PodNetwork | undefined;
  let collector: OtlpCollector | undefined;

  before(async function () {
    this.timeout(60_000);
    const { bed, kube } = ctx.stack;
    network = createPodNetwork();
    collector = await startOtlpCollector(bed.runDir, network);
    await publishExtensionService(kube, kc(), NS, "otel-collector", { ip: collector.address, port: collector.port }, 4317);
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
  });
  after(async () => {
    await collector?.stop();
    network?.remove();
    config.remove();
  });

  it("a request through Envoy produces a span with the service name and the custom tags", async () => {
    const host = "tracing.projectcontour.io";
    await createHTTPProxy(kc(), NS, "traced", { virtualhost: { fqdn: host }, routes: [{ services: [{ name: "echo", port: 80 }] }] });
    await waitForProxyStatus(kc(), NS, "traced", "valid");
    await ctx.stack.waitForHttp(host, "/traced", (r) => r.status === 200, `${host}/traced to answer 200`, { headers: { "X-Tenant": "acme" } });
    // Envoy exports in batches (every 5 s by default): a bounded wait, with more traced requests meanwhile.
    const span = await waitFor(
      async () => {
        await ctx.stack.http(host, "/traced", { headers: { "X-Tenant": "acme" } }).catch(() => undefined);
        return collector!.spans().find((s) => s.attributes["tenant"] === "acme" && s.kind === 2);
      },
      { timeoutMs: 30_000, intervalMs: 1_000, description: () => `a server span tagged tenant=acme at the collector (got ${JSON.stringify(collector!.spans().slice(0, 3))})` },
    );
    assert.equal(span.resource["service.name"], "contour-e2e");
    assert.equal(span.attributes["team"], "edge");
    assert.match(String(span.attributes["http.url"] ?? ""), /\/traced$/);
    assert.equal(span.attributes["podName"], undefined, "includePodDetail: false adds no pod tags");
  });
});
