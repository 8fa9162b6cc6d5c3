/**
 * The regex check against its ground truth, Envoy's RE2: every pattern regexProblem accepts must be
 * accepted by `envoy --mode validate` under contour's runtime (program-size error level), as a path,
 * a header and a query-parameter regex. Patterns come from a table (the examples and near-
 * budget ones) and from fast-check (tokens of RE2 and JavaScript syntax), many per Envoy run.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { buildLayeredRuntime } from "../../xds/bootstrap/runtime.js";
import { envoyBinary } from "../fuzz/envoy-check.js";
import { regexBodyArb } from "../fuzz/generators.js";
import { regexProblem } from "./regex-check.js";

/** Envoy's verdict on a set of regexes, each used as a path, header and query regex: undefined when all are accepted. */
function envoyRejects(patterns: readonly string[]): string | undefined {
  const routes = patterns.flatMap((regex) => [
    { match: { safe_regex: { regex } }, direct_response: { status: 200 } },
    { match: { prefix: "/", headers: [{ name: "x-a", string_match: { safe_regex: { regex } } }] }, direct_response: { status: 200 } },
    { match: { prefix: "/", query_parameters: [{ name: "q", string_match: { safe_regex: { regex } } }] }, direct_response: { status: 200 } },
  ]);
  const hcm = {
    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    stat_prefix: "regex",
    http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
    route_config: { name: "regexes", virtual_hosts: [{ name: "all", domains: ["*"], routes }] },
  };
  const bootstrap = {
    layered_runtime: buildLayeredRuntime(),
    static_resources: { listeners: [{ name: "l", address: { socket_address: { address: "127.0.0.1", port_value: 10000 } }, filter_chains: [{ filters: [{ name: "hcm", typed_config: hcm }] }] }] },
  };
  const dir = mkdtempSync(join(tmpdir(), "contour-regex-"));
  try {
    const file = join(dir, "bootstrap.json");
    writeFileSync(file, JSON.stringify(bootstrap));
    const r = spawnSync(envoyBinary(), ["--mode", "validate", "-c", file, "--log-level", "critical", "--disable-hot-restart"], { encoding: "utf8" });
    return r.status === 0 ? undefined : `${r.stdout}${r.stderr}`.slice(0, 2000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("regexProblem agrees with Envoy's RE2", function () {
  this.timeout(120_000);

  const refused = ["/\\cA", "/\\p{Letter}", "/(?:(?:){30}){40}", "/a{2}{2}", "\\u0041", "[\\b]", "\\cA", "/\\cA*", "/[\\b]*", "/a**", "/x{1001}", "/(?=a)", "/(a)\\1", "/\\Z", "/["];
  for (const p of refused) it(`refuses ${JSON.stringify(p)} (RE2 does not compile it)`, () => assert.notEqual(regexProblem(p), undefined));

  it("accepts ordinary and near-budget patterns, and Envoy accepts them too", () => {
    const accepted = ["/api/v[0-9]+/.*", "(?i)abc", "/\\p{Greek}+", "/(?P<id>[0-9]+)", "/(?<id>[0-9]+)", "/[[:alpha:]]+", "/\\x{41}", "/\\Qa.b\\E", "/(?:(?:){30}){33}", "/(?:ab){190}", "/[a-z]{150}", "/\\w{60}", "/.{150}", "/(?:a|b|c){100}"];
    for (const p of accepted) assert.equal(regexProblem(p), undefined, p);
    assert.equal(envoyRejects(accepted), undefined);
  });

  it("never accepts a generated pattern Envoy refuses (fast-check, 20 batches of 40)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(regexBodyArb, regexBodyArb.map((r) => `/${r}`)), { minLength: 40, maxLength: 40 }), (patterns) => {
        const ours = patterns.filter((p) => regexProblem(p) === undefined);
        const why = envoyRejects(ours);
        assert.equal(why, undefined, `regexProblem accepted a pattern Envoy refuses: ${why}`);
      }),
      { numRuns: 20 },
    );
  });
});
