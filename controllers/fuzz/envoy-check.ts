/**
 * Test support: runs Envoy's own validation (`envoy --mode validate`) over a whole set of translated
 * resources, as contour's Envoys would load them. Routes, endpoints and secrets are dynamic in
 * production (RDS, EDS, SDS); for a static bootstrap they are inlined. The bootstrap carries contour's
 * layered runtime, so the RE2 program-size limit is the one production Envoys enforce. Every resource
 * is also encoded to protobuf binary first: a value a field cannot hold (a uint32 above 2^32-1) throws
 * there, exactly where the xDS server would.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBinary, type JsonObject } from "@bufbuild/protobuf";
import { ClusterSchema } from "../../xds/gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../../xds/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../../xds/gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../../xds/gen/envoy/config/route/v3/route_pb.js";
import { SecretSchema } from "../../xds/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { buildLayeredRuntime } from "../../xds/bootstrap/runtime.js";
import type { EnvoyResources } from "../../xds/resources.js";
import { repoRoot, resourcesToJson, walkJson } from "../../xds/translate/test-support.js";

/** What Envoy said about one configuration. */
export interface EnvoyVerdict {
  readonly ok: boolean;
  /** Envoy's output (its error on rejection), or the encoding error. */
  readonly output: string;
}

/** The Envoy binary: ENVOY_BIN, else the one `make tools` recorded; throws naming the tool when missing. */
export function envoyBinary(): string {
  const fromEnv = process.env["ENVOY_BIN"];
  if (fromEnv) return fromEnv;
  const toolsEnv = join(repoRoot(), ".tools", "tools.env");
  const line = existsSync(toolsEnv) ? readFileSync(toolsEnv, "utf8").split("\n").find((l) => l.startsWith("ENVOY_BIN=")) : undefined;
  const path = line?.slice("ENVOY_BIN=".length).trim();
  if (path === undefined || path === "" || !existsSync(path)) throw new Error("envoy not found: set ENVOY_BIN or run `make tools` (.tools/tools.env)");
  return path;
}

/** Encodes every resource to binary as the xDS server does; the first failure, or undefined. */
export function encodingProblem(resources: EnvoyResources): string | undefined {
  const attempts: (readonly [string, () => unknown])[] = [
    ...resources.listeners.map((r) => [`listener ${r.name}`, () => toBinary(ListenerSchema, r)] as const),
    ...resources.routes.map((r) => [`route configuration ${r.name}`, () => toBinary(RouteConfigurationSchema, r)] as const),
    ...resources.clusters.map((r) => [`cluster ${r.name}`, () => toBinary(ClusterSchema, r)] as const),
    ...resources.endpoints.map((r) => [`endpoints ${r.clusterName}`, () => toBinary(ClusterLoadAssignmentSchema, r)] as const),
    ...resources.secrets.map((r) => [`secret ${r.name}`, () => toBinary(SecretSchema, r)] as const),
  ];
  for (const [what, encode] of attempts) {
    try {
      encode();
    } catch (e) {
      return `${what}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return undefined;
}

/** The resources as one static bootstrap. */
export function staticBootstrap(resources: EnvoyResources): JsonObject {
  const json = resourcesToJson(resources);
  const routes = new Map((json["routes"] as JsonObject[]).map((r) => [String(r["name"]), r]));
  const listeners = structuredClone(json["listeners"]) as JsonObject[];
  walkJson(listeners, (o) => {
    const rds = o["rds"] as JsonObject | undefined;
    if (rds === undefined) return;
    const config = routes.get(String(rds["route_config_name"]));
    delete o["rds"];
    // A route configuration referenced but not emitted is a translation bug: Envoy would wait forever.
    o["route_config"] = config ?? { name: `missing ${String(rds["route_config_name"])}`, virtual_hosts: [{ name: "missing", domains: ["missing.invalid"] }] };
  });
  const assignments = new Map((json["endpoints"] as JsonObject[]).map((e) => [String(e["cluster_name"]), e]));
  const clusters = (json["clusters"] as JsonObject[]).map((c) => {
    const eds = c["eds_cluster_config"] as JsonObject | undefined;
    if (eds === undefined) return c;
    const { eds_cluster_config: _eds, type: _type, ...rest } = c;
    const cla = assignments.get(String(eds["service_name"])) ?? { cluster_name: String(c["name"]) };
    return { ...rest, type: "STATIC", load_assignment: { ...cla, cluster_name: String(c["name"]) } };
  });
  const bootstrap: JsonObject = {
    layered_runtime: buildLayeredRuntime(),
    static_resources: { listeners, clusters, secrets: json["secrets"] ?? [] },
  };
  walkJson(bootstrap, (o) => void delete o["sds_config"]);
  return bootstrap;
}

/**
 * Runs Envoy's stdout and stderr into a file rather than a pipe: the access logs open /dev/stdout,
 * which fails (ENXIO) on the socket pairs Node uses for piped stdio.
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

/** Encodes the resources and asks Envoy whether it accepts them; KEEP_ENVOY_BOOTSTRAP=1 keeps the file. */
export async function envoyValidate(resources: EnvoyResources): Promise<EnvoyVerdict> {
  const encoding = encodingProblem(resources);
  if (encoding !== undefined) return { ok: false, output: `encoding failed: ${encoding}` };
  const envoy = envoyBinary();
  const dir = mkdtempSync(join(tmpdir(), "contour-envoy-check-"));
  try {
    const file = join(dir, "bootstrap.json");
    writeFileSync(file, JSON.stringify(staticBootstrap(resources)));
    const args = ["--mode", "validate", "-c", file, "--log-level", "warn", "--disable-hot-restart"];
    const { code, output } = await runToFile(envoy, args, join(dir, "envoy.log"));
    const accepted = code === 0 && /configuration .* OK/u.test(output);
    return { ok: accepted, output: accepted ? output : `${output}\n(bootstrap: ${process.env["KEEP_ENVOY_BOOTSTRAP"] === "1" ? file : "set KEEP_ENVOY_BOOTSTRAP=1 to keep it"})` };
  } finally {
    if (process.env["KEEP_ENVOY_BOOTSTRAP"] !== "1") rmSync(dir, { recursive: true, force: true });
  }
}
