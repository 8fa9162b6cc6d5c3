import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { cluster, endpoints, resources } from "../../xds/cache/testing/fixtures.js";
import { startTestServer } from "../../xds/server/testing/server.js";
import { parseCliArgs } from "../xds-cli/cli-args.js";
import { watchXds } from "../xds-cli/xds-watch.js";
import { createGrpcServerMetrics, grpcCodeName } from "./grpc-server-metrics.js";

describe("gRPC server metrics", () => {
  it("counts an xDS stream's start, messages and end under go-grpc-prometheus's names", async () => {
    const registry = new Registry();
    const t = await startTestServer({ interceptors: [createGrpcServerMetrics(registry)] });
    try {
      t.cache.publish(resources({ clusters: [cluster("a/b/80")], endpoints: [endpoints("a/b/80", ["127.0.0.1:9"])] }));
      const args = parseCliArgs(["--contour", t.target, "--once", "cds"]);
      assert.ok("type" in args);
      assert.equal(await watchXds(args, { out: () => undefined, log: () => undefined }, AbortSignal.timeout(5_000)), 0);
      const labels = 'grpc_type="bidi_stream",grpc_service="envoy.service.cluster.v3.ClusterDiscoveryService",grpc_method="StreamClusters"';
      const deadline = Date.now() + 5_000;
      let out = "";
      // The server sees the client's cancel a moment after the client has moved on.
      while (Date.now() < deadline && !(out = await registry.metrics()).includes("grpc_server_handled_total{")) await new Promise((r) => setTimeout(r, 20));
      assert.ok(out.includes(`grpc_server_started_total{${labels}} 1`), out);
      assert.ok(out.includes(`grpc_server_msg_received_total{${labels}} 1`), out);
      assert.ok(out.includes(`grpc_server_msg_sent_total{${labels}} 1`), out);
      assert.match(out, /^grpc_server_handled_total\{grpc_type="bidi_stream",grpc_service="envoy\.service\.cluster\.v3\.ClusterDiscoveryService",grpc_method="StreamClusters",grpc_code="(Canceled|OK)"\} 1$/m);
    } finally {
      await t.server.close();
    }
  });

  it("names codes as grpc-go does", () => {
    assert.equal(grpcCodeName(undefined), "OK");
    assert.equal(grpcCodeName(1), "Canceled");
    assert.equal(grpcCodeName(14), "Unavailable");
  });
});
