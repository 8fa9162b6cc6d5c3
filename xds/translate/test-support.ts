/**
 * Test support for xds/translate (not used by production code): the golden cases in testdata/,
 * read from the source tree so UPDATE_GOLDEN=1 rewrites the files that are committed, and the
 * JSON form of Envoy resources the golden files hold.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { toJson } from "@bufbuild/protobuf";
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { V1EndpointSlice } from "@kubernetes/client-node";
import { ClusterSchema } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../gen/envoy/config/route/v3/route_pb.js";
import { VirtualHostSchema } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { SecretSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { envoyRegistry } from "../gen/registry.js";
import type { Model } from "../../controllers/model/model.js";
import type { EnvoyResources } from "../resources.js";
import type { TranslateOptions } from "./options.js";

/** The repository root: the nearest ancestor holding package.json (works from the source and from dist/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the repository root above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/** The golden-file folder in the source tree. */
export function testdataDir(): string {
  return join(repoRoot(), "xds", "translate", "testdata");
}

/** One golden case: `<name>.model.json`, optional `<name>.options.json` and `<name>.slices.json`. */
export interface GoldenCase {
  readonly name: string;
  readonly model: Model;
  readonly options: TranslateOptions;
  readonly slices: V1EndpointSlice[];
  /** Where the expected output lives: `<name>.envoy.json`. */
  readonly goldenPath: string;
}

function readJson<T>(path: string, fallback: T): T {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : fallback;
}

/** Every golden case, sorted by name. */
export function loadGoldenCases(): GoldenCase[] {
  const dir = testdataDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith(".model.json"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -".model.json".length);
      return {
        name,
        model: readJson<Model>(join(dir, f), { virtualHosts: [], tcpProxies: [], clusters: [], secrets: [] }),
        options: readJson<TranslateOptions>(join(dir, `${name}.options.json`), {}),
        slices: readJson<V1EndpointSlice[]>(join(dir, `${name}.slices.json`), []),
        goldenPath: join(dir, `${name}.envoy.json`),
      };
    });
}

const JSON_OPTIONS = { registry: envoyRegistry, useProtoFieldName: true } as const;

/** A copy with "@type" first in every object, where Envoy's docs and config dumps put it. */
function typeFirst(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(typeFirst);
  if (value === null || typeof value !== "object") return value;
  const { "@type": type, ...rest } = value;
  const out: JsonObject = type === undefined ? {} : { "@type": type };
  for (const [k, v] of Object.entries(rest)) out[k] = typeFirst(v);
  return out;
}

/** Envoy resources as proto3 JSON with Envoy's own (snake_case) field names, as in Envoy's docs and config dumps. */
export function resourcesToJson(resources: EnvoyResources): JsonObject {
  return typeFirst({
    listeners: resources.listeners.map((r) => toJson(ListenerSchema, r, JSON_OPTIONS)),
    routes: resources.routes.map((r) => toJson(RouteConfigurationSchema, r, JSON_OPTIONS)),
    clusters: resources.clusters.map((r) => toJson(ClusterSchema, r, JSON_OPTIONS)),
    endpoints: resources.endpoints.map((r) => toJson(ClusterLoadAssignmentSchema, r, JSON_OPTIONS)),
    secrets: resources.secrets.map((r) => toJson(SecretSchema, r, JSON_OPTIONS)),
    // VHDS, for delta streams: the plain-HTTP hosts as resources, and the route configurations naming them.
    vhds_virtual_hosts: (resources.virtualHosts ?? []).map((r) => toJson(VirtualHostSchema, r, JSON_OPTIONS)),
    delta_routes: (resources.deltaRoutes ?? []).filter((r) => !resources.routes.includes(r)).map((r) => toJson(RouteConfigurationSchema, r, JSON_OPTIONS)),
  }) as JsonObject;
}

/** The text of a golden file: two-space indented JSON and a final newline. */
export function goldenText(value: JsonValue): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** Calls visit on every object nested in a JSON value, depth first. */
export function walkJson(value: JsonValue, visit: (object: JsonObject) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walkJson(v, visit);
  } else if (value !== null && typeof value === "object") {
    visit(value);
    for (const v of Object.values(value)) walkJson(v, visit);
  }
}
