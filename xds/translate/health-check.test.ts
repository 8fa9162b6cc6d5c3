import assert from "node:assert/strict";
import type { Cluster, HealthCheck } from "../../controllers/model/model.js";
import { CodecClientType } from "../gen/envoy/type/v3/http_pb.js";
import { translateCluster } from "./clusters.js";
import { HEALTH_CHECK_DEFAULTS, translateHealthChecks } from "./health-check.js";

const cluster = (over: Partial<Cluster> = {}): Cluster => ({
  name: "ns/web/80/abc",
  service: { namespace: "ns", name: "web", port: 80, portName: "http" },
  endpoints: "ns/web/http",
  protocol: "http1",
  loadBalancer: "RoundRobin",
  connectTimeoutMs: 2000,
  ...over,
});

const http = (over: Partial<Extract<HealthCheck, { kind: "http" }>> = {}): HealthCheck => ({
  kind: "http",
  path: "/healthz",
  host: "",
  intervalMs: 5_000,
  timeoutMs: 1_000,
  unhealthyThreshold: 3,
  healthyThreshold: 2,
  ...over,
});

const ms = (d: { seconds: bigint; nanos: number } | undefined): number => (d === undefined ? -1 : Number(d.seconds) * 1000 + d.nanos / 1e6);

describe("health checks", () => {
  it("emits none without a health check", () => {
    assert.deepEqual(translateHealthChecks(cluster()), []);
  });

  it("checks HTTP with upstream's default host, the cluster's codec and the interval also when idle", () => {
    const [check] = translateHealthChecks(cluster({ protocol: "h2c", healthCheck: http() }));
    assert.ok(check !== undefined && check.healthChecker.case === "httpHealthCheck");
    assert.equal(check.healthChecker.value.host, HEALTH_CHECK_DEFAULTS.host);
    assert.equal(check.healthChecker.value.codecClientType, CodecClientType.HTTP2);
    assert.equal(ms(check.interval), 5_000);
    assert.equal(ms(check.noTrafficInterval), 5_000);
    assert.equal(ms(check.timeout), 1_000);
  });

  it("falls back to upstream's defaults for zero or invalid timings and thresholds", () => {
    const [check] = translateHealthChecks(cluster({ healthCheck: { kind: "tcp", intervalMs: 0, timeoutMs: -5, unhealthyThreshold: 0, healthyThreshold: 1.5 } }));
    assert.ok(check !== undefined);
    assert.equal(check.healthChecker.case, "tcpHealthCheck");
    assert.equal(ms(check.interval), HEALTH_CHECK_DEFAULTS.intervalMs);
    assert.equal(ms(check.timeout), HEALTH_CHECK_DEFAULTS.timeoutMs);
    assert.equal(check.unhealthyThreshold, HEALTH_CHECK_DEFAULTS.unhealthyThreshold);
    assert.equal(check.healthyThreshold, HEALTH_CHECK_DEFAULTS.healthyThreshold);
  });

  it("keeps only the expected status ranges Envoy accepts", () => {
    const ranges = [
      { start: 200, end: 300 },
      { start: 99, end: 200 },
      { start: 500, end: 601 },
      { start: 300, end: 300 },
      { start: 503, end: 504 },
    ];
    const [check] = translateHealthChecks(cluster({ healthCheck: http({ expectedStatuses: ranges }) }));
    assert.ok(check !== undefined && check.healthChecker.case === "httpHealthCheck");
    assert.deepEqual(
      check.healthChecker.value.expectedStatuses.map((r) => [Number(r.start), Number(r.end)]),
      [
        [200, 300],
        [503, 504],
      ],
    );
  });

  it("leaves the check out when its path cannot be sent", () => {
    assert.deepEqual(translateHealthChecks(cluster({ healthCheck: http({ path: "healthz" }) })), []);
    assert.deepEqual(translateHealthChecks(cluster({ healthCheck: http({ path: "/a\r\nb" }) })), []);
  });

  it("turns off panic routing and drops removed hosts at once on health-checked clusters only", () => {
    const checked = translateCluster(cluster({ healthCheck: http() }));
    assert.equal(checked.ignoreHealthOnHostRemoval, true);
    assert.equal(checked.commonLbConfig?.healthyPanicThreshold?.value, 0);
    const plain = translateCluster(cluster());
    assert.equal(plain.ignoreHealthOnHostRemoval, false);
    assert.equal(plain.commonLbConfig, undefined);
  });

  it("puts the idle timeout and the protocol into one HttpProtocolOptions", () => {
    const h2 = translateCluster(cluster({ protocol: "h2c", idleConnectionTimeoutMs: 30_000 }));
    assert.deepEqual(Object.keys(h2.typedExtensionProtocolOptions), ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]);
    assert.deepEqual(Object.keys(translateCluster(cluster()).typedExtensionProtocolOptions), []);
    assert.deepEqual(Object.keys(translateCluster(cluster({ idleConnectionTimeoutMs: -1 })).typedExtensionProtocolOptions), []);
  });
});
