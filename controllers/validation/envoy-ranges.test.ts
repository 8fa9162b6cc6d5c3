/**
 * The ranges of envoy-ranges.ts, and the duration limit checked against Envoy itself: the longest
 * duration we allow is accepted in every timeout field we emit, one millisecond more is refused.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTimeoutSetting } from "../annotations/timeout-setting.js";
import { envoyBinary } from "../fuzz/envoy-check.js";
import { durationMsProblem, MAX_DURATION_MS, UINT32_MAX, uint32Problem, weightSumProblem } from "./envoy-ranges.js";

/** Envoy's verdict on a bootstrap whose route timeout, idle timeout, per-try timeout and cluster idle timeout are `ms`. */
function envoyAcceptsTimeouts(ms: number, only?: "timeout" | "idle" | "perTry" | "clusterIdle"): boolean {
  const d = `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}s`;
  const use = (field: string) => only === undefined || only === field;
  const route = {
    match: { prefix: "/" },
    route: {
      cluster: "c",
      ...(use("timeout") ? { timeout: d } : {}),
      ...(use("idle") ? { idle_timeout: d } : {}),
      ...(use("perTry") ? { retry_policy: { retry_on: "5xx", num_retries: 1, per_try_timeout: d } } : {}),
    },
  };
  const cluster = {
    name: "c",
    type: "STATIC",
    connect_timeout: "1s",
    load_assignment: { cluster_name: "c" },
    ...(use("clusterIdle")
      ? {
          typed_extension_protocol_options: {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
              "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
              common_http_protocol_options: { idle_timeout: d },
              explicit_http_config: { http_protocol_options: {} },
            },
          },
        }
      : {}),
  };
  const hcm = {
    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    stat_prefix: "t",
    http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
    route_config: { name: "r", virtual_hosts: [{ name: "v", domains: ["*"], routes: [route] }] },
  };
  const bootstrap = { static_resources: { clusters: [cluster], listeners: [{ name: "l", address: { socket_address: { address: "127.0.0.1", port_value: 10000 } }, filter_chains: [{ filters: [{ name: "hcm", typed_config: hcm }] }] }] } };
  const dir = mkdtempSync(join(tmpdir(), "contour-durations-"));
  try {
    const file = join(dir, "bootstrap.json");
    writeFileSync(file, JSON.stringify(bootstrap));
    return spawnSync(envoyBinary(), ["--mode", "validate", "-c", file, "--log-level", "critical", "--disable-hot-restart"]).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("envoy-ranges", function () {
  this.timeout(60_000);

  it("bounds uint32 fields and weight sums", () => {
    assert.equal(uint32Problem(UINT32_MAX), undefined);
    assert.match(uint32Problem(UINT32_MAX + 1) ?? "", /4294967296 is more than 4294967295/u);
    assert.equal(weightSumProblem([UINT32_MAX - 1, 1]), undefined);
    assert.match(weightSumProblem([UINT32_MAX, UINT32_MAX]) ?? "", /add up to 8589934590/u);
  });

  it("reads Go durations up to Envoy's limit, and refuses longer ones as out of range", () => {
    assert.deepEqual(parseTimeoutSetting("9223372035s"), { ok: true, ms: 9_223_372_035_000 });
    assert.deepEqual(parseTimeoutSetting("9223372035.999s"), { ok: true, ms: MAX_DURATION_MS });
    for (const text of ["9223372036s", "2562047h47m16.854775807s", "9223372035.9991s"]) {
      const got = parseTimeoutSetting(text);
      assert.equal(got.ok, false, text);
      assert.equal(!got.ok && got.outOfRange, true, text);
    }
    assert.equal(durationMsProblem(MAX_DURATION_MS), undefined);
  });

  it("matches Envoy: MAX_DURATION_MS is accepted in every timeout we emit, one more millisecond in none", () => {
    assert.equal(envoyAcceptsTimeouts(MAX_DURATION_MS), true, "Envoy accepts the longest duration we allow");
    for (const field of ["timeout", "idle", "perTry", "clusterIdle"] as const) {
      assert.equal(envoyAcceptsTimeouts(MAX_DURATION_MS + 1, field), false, `Envoy refuses ${field} of MAX_DURATION_MS + 1`);
    }
  });
});
