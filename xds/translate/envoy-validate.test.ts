/**
 * Runs Envoy's own config validation (`envoy --mode validate`) over everything the golden cases
 * emit, so output Envoy would NACK fails here rather than in a cluster. RDS, EDS and SDS are
 * dynamic in production; for a static bootstrap they are inlined: route configurations into their
 * HCMs, ClusterLoadAssignments into STATIC clusters, and secrets referenced by name from
 * static_resources.secrets.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";
import type { Model } from "../../controllers/model/model.js";
import { translateModel } from "./translate-model.js";
import type { GoldenCase } from "./test-support.js";
import { loadGoldenCases, repoRoot, resourcesToJson, walkJson } from "./test-support.js";

/**
 * Runs a command with stdout and stderr going to a file rather than a pipe: the access logs open
 * /dev/stdout, which fails (ENXIO) on the socket pairs Node uses for piped stdio.
 */
async function runToFile(command: string, args: readonly string[], outputFile: string): Promise<{ code: number | null; output: string }> {
  const fd = openSync(outputFile, "w");
  try {
    const child = spawn(command, args, { stdio: ["ignore", fd, fd] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (c) => resolve(c));
    });
    return { code, output: readFileSync(outputFile, "utf8") };
  } finally {
    closeSync(fd);
  }
}

/** ENVOY_BIN, else the path `make tools` recorded; undefined when Envoy is not installed. */
function findEnvoy(): string | undefined {
  const fromEnv = process.env["ENVOY_BIN"];
  if (fromEnv) return fromEnv;
  const toolsEnv = join(repoRoot(), ".tools", "tools.env");
  if (!existsSync(toolsEnv)) return undefined;
  const line = readFileSync(toolsEnv, "utf8").split("\n").find((l) => l.startsWith("ENVOY_BIN="));
  const path = line?.slice("ENVOY_BIN=".length).trim();
  return path && existsSync(path) ? path : undefined;
}

/** The union of all cases' models; hosts must be unique across cases, shared names identical. */
function mergeModels(cases: readonly GoldenCase[]): Model {
  const hosts = new Map<string, string>();
  const byName = <T extends { readonly name: string }>(lists: (readonly T[])[]): T[] => {
    const merged = new Map<string, T>();
    for (const item of lists.flat()) {
      const seen = merged.get(item.name);
      if (seen !== undefined) assert.deepEqual(item, seen, `two golden cases define ${item.name} differently`);
      merged.set(item.name, item);
    }
    return [...merged.values()];
  };
  for (const c of cases) {
    for (const fqdn of [...c.model.virtualHosts, ...c.model.tcpProxies].map((h) => h.fqdn)) {
      if (fqdn === "*") continue;
      assert.ok(!hosts.has(fqdn), `golden cases ${hosts.get(fqdn)} and ${c.name} both use ${fqdn}; keep hosts unique so they can be validated together`);
      hosts.set(fqdn, c.name);
    }
  }
  return {
    virtualHosts: cases.flatMap((c) => c.model.virtualHosts),
    tcpProxies: cases.flatMap((c) => c.model.tcpProxies),
    clusters: byName(cases.map((c) => c.model.clusters)),
    secrets: byName(cases.map((c) => c.model.secrets)),
    gatewayListeners: cases.flatMap((c) => c.model.gatewayListeners ?? []),
    // The plain-HTTP listener has one global authorization: the first case's that sets one.
    ...(cases.find((c) => c.model.globalAuthorization !== undefined)?.model.globalAuthorization !== undefined
      ? { globalAuthorization: cases.find((c) => c.model.globalAuthorization !== undefined)!.model.globalAuthorization! }
      : {}),
  };
}

function byKey(list: unknown, key: string): Map<string, JsonObject> {
  return new Map((list as JsonObject[]).map((r) => [String(r[key]), r]));
}

/** Listeners with each HCM's RDS reference replaced by the route configuration itself. */
function inlineRoutes(listeners: unknown, routes: ReadonlyMap<string, JsonObject>, prefix: string): JsonObject[] {
  const copy = structuredClone(listeners) as JsonObject[];
  walkJson(copy, (o) => {
    const rds = o["rds"] as JsonObject | undefined;
    if (rds === undefined) return;
    const name = String(rds["route_config_name"]);
    const config = routes.get(name);
    assert.ok(config !== undefined, `route configuration ${name} is referenced but not emitted`);
    delete o["rds"];
    o["route_config"] = config;
  });
  for (const l of copy) l["name"] = prefix + String(l["name"]);
  return copy;
}

/** EDS clusters made STATIC with their ClusterLoadAssignment inline instead of fetched over EDS. */
function inlineEndpoints(clusters: unknown, assignments: ReadonlyMap<string, JsonObject>): JsonObject[] {
  return (structuredClone(clusters) as JsonObject[]).map((c) => {
    // Clusters Envoy resolves by DNS (JWKS) carry their own load assignment.
    if (c["eds_cluster_config"] === undefined) return c;
    const eds = c["eds_cluster_config"] as JsonObject;
    const cla = assignments.get(String(eds["service_name"]));
    assert.ok(cla !== undefined, `ClusterLoadAssignment ${String(eds["service_name"])} is referenced but not emitted`);
    const { eds_cluster_config: _eds, type: _type, ...rest } = c;
    return { ...rest, type: "STATIC", load_assignment: { ...cla, cluster_name: c["name"] ?? "" } };
  });
}

/** One bootstrap holding every golden case's output. */
function buildBootstrap(cases: readonly GoldenCase[]): JsonObject {
  // All models together under default options, plus the listeners of cases with their own
  // options (renamed, on their own addresses) and their clusters (renamed) so non-default listener
  // and cluster settings are checked too.
  const merged = resourcesToJson(translateModel(mergeModels(cases), cases.flatMap((c) => c.slices)));
  const routes = byKey(merged["routes"], "name");
  // Delta streams get the plain-HTTP hosts as VHDS resources, which Envoy adds to ingress_http:
  // validating ingress_http with them in place of its own checks them as Envoy assembles them.
  const http = routes.get("ingress_http");
  const vhds = merged["vhds_virtual_hosts"] as JsonObject[];
  assert.equal(vhds.length, (http?.["virtual_hosts"] as JsonObject[] | undefined)?.length ?? 0, "a VHDS resource for every plain-HTTP host");
  if (http !== undefined) routes.set("ingress_http", { ...http, virtual_hosts: vhds });
  const listeners = inlineRoutes(merged["listeners"], routes, "");
  const clusters = inlineEndpoints(merged["clusters"], byKey(merged["endpoints"], "cluster_name"));
  for (const c of cases.filter((c) => Object.keys(c.options).length > 0)) {
    const own = resourcesToJson(translateModel(c.model, c.slices, c.options));
    listeners.push(...inlineRoutes(own["listeners"], byKey(own["routes"], "name"), `${c.name}/`));
    const ownClusters = inlineEndpoints(own["clusters"], byKey(own["endpoints"], "cluster_name"));
    clusters.push(...ownClusters.map((cluster) => ({ ...cluster, name: `${c.name}/${String(cluster["name"])}` })));
  }
  const bootstrap: JsonObject = {
    static_resources: {
      listeners,
      clusters,
      secrets: merged["secrets"] ?? [],
    },
  };
  // Without an sds_config a secret reference resolves against static_resources.secrets.
  walkJson(bootstrap, (o) => void delete o["sds_config"]);
  return bootstrap;
}

describe("Envoy accepts the translated resources (envoy --mode validate)", function () {
  this.timeout(60_000);

  it("validates every golden case's output in one bootstrap", async function () {
    const envoy = findEnvoy();
    // A test that cannot run fails (it never skips): name the tool and how to get it.
    assert.ok(envoy !== undefined, "envoy: not found (ENVOY_BIN unset and no ENVOY_BIN in .tools/tools.env); run `make tools`");
    const dir = mkdtempSync(join(tmpdir(), "contour-envoy-validate-"));
    try {
      const file = join(dir, "bootstrap.json");
      writeFileSync(file, JSON.stringify(buildBootstrap(loadGoldenCases()), null, 2));
      const args = ["--mode", "validate", "-c", file, "--log-level", "warn", "--disable-hot-restart"];
      const { code, output } = await runToFile(envoy!, args, join(dir, "envoy.log"));
      assert.equal(code, 0, `Envoy rejected the config (KEEP_ENVOY_BOOTSTRAP=1 keeps ${file}):\n${output}`);
      assert.match(output, /configuration .* OK/, output);
      // A deprecation warning today is a rejection after some future Envoy upgrade.
      assert.doesNotMatch(output, /deprecated/i, output);
    } finally {
      if (process.env["KEEP_ENVOY_BOOTSTRAP"] !== "1") rmSync(dir, { recursive: true, force: true });
    }
  });
});
