// HTTPProxy service fields that upstream v1.33.6 has no e2e spec for, through a real Envoy:
// slowStartPolicy (upstream's cases are internal/featuretests/v3/cluster_test.go and
// internal/dag/builder_test.go: the ramp reaches Envoy's cluster, and a strategy Envoy cannot ramp
// is refused with SlowStartInvalid); gRPC-Web, which upstream translates by default
// (envoy.filters.http.grpc_web in every HCM): a gRPC-Web request reaches the backend as gRPC;
// healthPort (upstream's internal/dag/builder_test.go and featuretests endpoint cases): health
// checks go to the Service's other port, which the endpoints carry as health_check_config.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { httpRequest, type BackendReply, type RequestLogReply } from "../harness/index.js";

const NS = "fields";

describe("HTTPProxy: service fields through Envoy", function () {
  const ctx = useStack({ pods: ["app-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("sends a slowStartPolicy to Envoy as the cluster's slow_start_config, and serves through it", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createHTTPProxy(kc(), NS, "slow", {
      virtualhost: { fqdn: "slow.example.com" },
      routes: [
        { conditions: [{ prefix: "/lr" }], loadBalancerPolicy: { strategy: "WeightedLeastRequest" }, services: [{ name: "app", port: 80, slowStartPolicy: { window: "5s", aggression: "1.5", minWeightPercent: 20 } }] },
        { services: [{ name: "app", port: 80, slowStartPolicy: { window: "3s" } }] },
      ],
    });
    await waitForProxyStatus(kc(), NS, "slow", "valid");
    await ctx.stack.waitForHttp("slow.example.com", "/", (r) => r.status === 200, "the slow-start route to answer");
    assert.equal((await ctx.stack.http("slow.example.com", "/lr")).status, 200);
    const dump = await ctx.stack.envoy.admin.configDump({ resource: "dynamic_active_clusters" });
    const clusters = dump.configs.map((c) => (c as { cluster?: Record<string, unknown> }).cluster).filter((c) => String(c?.["name"] ?? "").startsWith(`${NS}/app/80/`));
    const ramps = clusters.map((c) => JSON.stringify(c?.["round_robin_lb_config"] ?? c?.["least_request_lb_config"] ?? null)).sort();
    assert.equal(ramps.length, 2, JSON.stringify(clusters));
    assert.match(ramps.find((r) => r.includes('"5s"')) ?? "", /"default_value":1\.5.*"min_weight_percent":\{"value":20\}/u);
    assert.match(ramps.find((r) => r.includes('"3s"')) ?? "", /"slow_start_window":"3s".*"default_value":1[,}].*"value":10/u);
    assert.equal(await ctx.stack.envoy.admin.stat("cluster_manager.cds.update_rejected"), 0);
  });

  it("refuses slow start with a strategy Envoy cannot ramp (SlowStartInvalid)", async () => {
    await createHTTPProxy(kc(), NS, "slow-random", {
      virtualhost: { fqdn: "slow-random.example.com" },
      routes: [{ loadBalancerPolicy: { strategy: "Random" }, services: [{ name: "app", port: 80, slowStartPolicy: { window: "5s" } }] }],
    });
    const p = await waitForProxyStatus(kc(), NS, "slow-random", "invalid");
    const error = p.status?.conditions?.[0]?.errors?.[0];
    assert.deepEqual([error?.type, error?.reason], ["ServiceError", "SlowStartInvalid"]);
  });

  it("translates gRPC-Web by default: the backend sees a gRPC request, plain requests pass untouched", async () => {
    await createHTTPProxy(kc(), NS, "grpc-web", { virtualhost: { fqdn: "grpcweb.example.com" }, routes: [{ services: [{ name: "app", port: 80 }] }] });
    await waitForProxyStatus(kc(), NS, "grpc-web", "valid");
    await ctx.stack.waitForHttp("grpcweb.example.com", "/", (r) => r.status === 200, "the gRPC-Web host to answer");
    // One empty gRPC message frame: flag 0, length 0.
    const res = await httpRequest(`http://127.0.0.1:${ctx.stack.envoyPorts.http}/pkg.Service/Method`, {
      method: "POST",
      host: "grpcweb.example.com",
      headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
      body: Buffer.from([0, 0, 0, 0, 0]),
    });
    // The answer is framed as gRPC-Web (the JSON body is not a gRPC message): read what the backend saw instead.
    assert.equal(res.status, 200);
    const log = (await ctx.stack.http("grpcweb.example.com", "/__requests?path=/pkg.Service/Method")).json<RequestLogReply>();
    assert.equal(log.count, 1);
    assert.equal(log.headers?.["content-type"], "application/grpc", "grpc_web turned the gRPC-Web request into gRPC");
    const plain = await httpRequest(`http://127.0.0.1:${ctx.stack.envoyPorts.http}/x`, { method: "POST", host: "grpcweb.example.com", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(plain.json<BackendReply>().headers["content-type"], "application/json");
  });

  it("sends health checks to the healthPort: a dead health port takes the endpoint out, the traffic port alone does not", async () => {
    const { bed, kube } = ctx.stack;
    const pod = bed.pods[0]!;
    await createService(kube, NS, "hc", [{ name: "http", port: 80 }, { name: "health", port: 81 }]);
    const slice = (healthPort: number) => ({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "hc-e2e", namespace: NS, labels: { "kubernetes.io/service-name": "hc" } },
      addressType: "IPv4",
      endpoints: [{ addresses: [pod.ip], conditions: { ready: true } }],
      ports: [{ name: "http", port: pod.port, protocol: "TCP" }, { name: "health", port: healthPort, protocol: "TCP" }],
    });
    // Port 1 of the pod: nothing listens there, so a check sent to it fails.
    await kube.discovery.createNamespacedEndpointSlice({ namespace: NS, body: slice(1) });
    const checks = { path: "/", intervalSeconds: 1, timeoutSeconds: 1, unhealthyThresholdCount: 1, healthyThresholdCount: 1 };
    await createHTTPProxy(kc(), NS, "health-port", {
      virtualhost: { fqdn: "healthport.example.com" },
      routes: [
        { conditions: [{ prefix: "/via-health-port" }], services: [{ name: "hc", port: 80, healthPort: 81 }], healthCheckPolicy: checks },
        { conditions: [{ prefix: "/via-traffic-port" }], services: [{ name: "hc", port: 80 }], healthCheckPolicy: checks },
      ],
    });
    await waitForProxyStatus(kc(), NS, "health-port", "valid");
    await ctx.stack.waitForHttp("healthport.example.com", "/via-traffic-port", (r) => r.status === 200, "the route checked on its traffic port to answer");
    await ctx.stack.waitForHttp("healthport.example.com", "/via-health-port", (r) => r.status === 503, "the route checked on the dead health port to have no healthy endpoint");
    await kube.discovery.replaceNamespacedEndpointSlice({ name: "hc-e2e", namespace: NS, body: slice(pod.port) });
    await ctx.stack.waitForHttp("healthport.example.com", "/via-health-port", (r) => r.status === 200, "the endpoint to pass once its health port answers");
  });
});
