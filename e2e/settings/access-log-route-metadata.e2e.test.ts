// An access log format that reads route metadata (`%METADATA(ROUTE:...)%`, as upstream's formats do)
// through a real Envoy: the routes then carry the object they came from, and the line names it. Without
// such a format no route carries it (Envoy would parse it on every route table rebuild for nothing).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "mocha";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { waitFor } from "../harness/index.js";

const NS = "logged";
const HOST = "logged.example.com";
const SOURCE = (key: string): string => `%METADATA(ROUTE:envoy.access_loggers.file:io.projectcontour:${key})%`;

describe("Envoy settings: an access log format reading route metadata", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-route-metadata-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(configPath, `accesslog-format-string: "route-source ${SOURCE("kind")}/${SOURCE("namespace")}/${SOURCE("name")} %REQ(:PATH)% %RESPONSE_CODE%"\n`);
  const ctx = useStack({ pods: ["app-1"], contourArgs: [`--config-path=${configPath}`] });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("logs the Ingress a request was routed by", async () => {
    const { bed, kube, envoy } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", undefined, [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createIngress(kube, NS, "web", simpleIngressSpec(HOST, "app", 80));
    await waitFor(async () => (await ctx.stack.http(HOST, "/metadata-path").catch(() => undefined))?.status === 200, { timeoutMs: 20_000, description: `${HOST} to answer 200` });
    // The request that answered 200 (earlier tries may have come before the route).
    const line = await waitFor(
      () => readFileSync(envoy.process.logPath, "utf8").split("\n").find((l) => l.startsWith("route-source ") && l.endsWith(" /metadata-path 200")),
      { timeoutMs: 10_000, description: "an access log line for /metadata-path in Envoy's output" },
    );
    assert.equal(line, `route-source Ingress/${NS}/web /metadata-path 200`);
  });
});
