import { strict as assert } from "node:assert";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { BootstrapSchema } from "../gen/envoy/config/bootstrap/v3/bootstrap_pb.js";
import { envoyRegistry } from "../gen/registry.js";
import {
  DOWNSTREAM_CONNECTIONS_CONFIG_TYPE,
  bootstrapOptions,
  buildBootstrap,
  renderBootstrap,
  validateBootstrapOptions,
  type BootstrapOptions,
} from "./index.js";

// Goldens live in the source tree (the test runs from dist/): regenerate with UPDATE_GOLDEN=1.
const TESTDATA = join(repoRoot(), "xds", "bootstrap", "testdata");

const cases: Array<{ golden: string; options: BootstrapOptions }> = [
  {
    golden: "delta-mtls.json",
    options: bootstrapOptions({
      nodeId: "envoy-0",
      xdsAddress: "contour.projectcontour",
      xdsTls: {
        caFile: "/certs/cacert.pem",
        certFile: "/certs/envoycert.pem",
        keyFile: "/certs/envoykey.pem",
        serverName: "contour",
      },
    }),
  },
  {
    // Admin on a socket, SDS files, and our optional static stats-health listener (--stats-port 8002).
    golden: "stats-sds-unix-admin.json",
    options: bootstrapOptions({
      admin: { kind: "unix", path: "/admin/admin.sock" },
      xdsAddress: "contour",
      xdsTls: { caFile: "/certs/ca.crt", certFile: "/certs/tls.crt", keyFile: "/certs/tls.key", serverName: "contour" },
      statsListener: { address: "0.0.0.0", port: 8002 },
      resourcesDir: "/config/resources",
      namespace: "projectcontour",
    }),
  },
  {
    golden: "sotw-insecure.json",
    options: bootstrapOptions({ xdsMode: "sotw", admin: { kind: "unix", path: "/admin/admin.sock" }, xdsTls: "insecure" }),
  },
];

describe("xds/bootstrap", () => {
  for (const { golden, options } of cases) {
    describe(golden, () => {
      it("matches the golden file", () => {
        const path = join(TESTDATA, golden);
        const got = renderBootstrap(options);
        if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(path, got);
        assert.equal(got, readFileSync(path, "utf8"), `${golden} differs; rerun with UPDATE_GOLDEN=1 if the change is intended`);
      });

      it("parses as an Envoy Bootstrap with no unknown field", () => {
        const json = buildBootstrap(options);
        const bootstrap = fromJson(BootstrapSchema, withoutUnregisteredAny(json), { registry: envoyRegistry });
        assert.equal(bootstrap.node?.id, options.nodeId);
        assert.equal(bootstrap.staticResources?.clusters[0]?.name, "contour");
        assert.equal(bootstrap.dynamicResources?.adsConfig?.setNodeOnFirstMessageOnly, true);
      });
    });
  }

  it("uses STATIC for an IP and STRICT_DNS for a name", () => {
    const typeOf = (xdsAddress: string) => {
      const bootstrap = buildBootstrap(bootstrapOptions({ xdsAddress, xdsTls: "insecure" })) as any;
      return bootstrap.static_resources.clusters[0].type as string;
    };
    assert.equal(typeOf("10.0.0.1"), "STATIC");
    assert.equal(typeOf("::1"), "STATIC");
    assert.equal(typeOf("contour.projectcontour.svc"), "STRICT_DNS");
  });

  it("has no static listener unless asked for, and always upstream's envoy-admin cluster pointing at admin", () => {
    // Envoy's /ready (the readiness probe on :8002) must answer only once contour's LDS delivered it.
    const unix = buildBootstrap(bootstrapOptions({ admin: { kind: "unix", path: "/admin/admin.sock" }, xdsTls: "insecure" }));
    const statics = unix["static_resources"] as JsonObject;
    assert.equal(statics["listeners"], undefined);
    const admin = (statics["clusters"] as JsonObject[]).find((c) => c["name"] === "envoy-admin");
    assert.deepEqual((admin?.["load_assignment"] as JsonObject)["endpoints"], [{ lb_endpoints: [{ endpoint: { address: { pipe: { path: "/admin/admin.sock" } } } }] }]);
    assert.equal(admin?.["alt_stat_name"], "projectcontour_envoy-admin_9001");
    const tcp = buildBootstrap(bootstrapOptions({ admin: { kind: "tcp", address: "127.0.0.1", port: 19000 }, xdsTls: "insecure" }));
    const tcpAdmin = ((tcp["static_resources"] as JsonObject)["clusters"] as JsonObject[]).find((c) => c["name"] === "envoy-admin");
    assert.match(JSON.stringify(tcpAdmin), /"address":"127\.0\.0\.1","port_value":19000/);
  });

  it("defers each cluster's traffic stats to its first request unless told to create them eagerly", () => {
    const deferred = buildBootstrap(bootstrapOptions({ xdsTls: "insecure" }));
    assert.deepEqual(deferred["deferred_stat_options"], { enable_deferred_creation_stats: true });
    const eager = buildBootstrap(bootstrapOptions({ xdsTls: "insecure", eagerClusterStats: true }));
    assert.equal(eager["deferred_stat_options"], undefined);
    // Envoy's Bootstrap message has the field under that name (an unknown field would be rejected).
    const parsed = fromJson(BootstrapSchema, withoutUnregisteredAny(deferred), { registry: envoyRegistry });
    assert.equal(parsed.deferredStatOptions?.enableDeferredCreationStats, true);
  });

  it("is deterministic", () => {
    const options = cases[0]?.options;
    assert.ok(options);
    assert.equal(renderBootstrap(options), renderBootstrap({ ...options }));
  });

  describe("validateBootstrapOptions", () => {
    const tls = { caFile: "ca.pem", certFile: "c.pem", keyFile: "k.pem", serverName: "contour" };
    const table: Array<{ name: string; options: Partial<BootstrapOptions>; want: RegExp[] }> = [
      { name: "defaults", options: {}, want: [] },
      { name: "port 0", options: { xdsPort: 0 }, want: [/xds port 0/] },
      { name: "port 65536", options: { xdsPort: 65536 }, want: [/xds port 65536/] },
      { name: "fractional port", options: { admin: { kind: "tcp", address: "127.0.0.1", port: 1.5 } }, want: [/admin port 1.5/] },
      { name: "admin on a name", options: { admin: { kind: "tcp", address: "localhost", port: 9001 } }, want: [/admin address "localhost"/] },
      { name: "long socket path", options: { admin: { kind: "unix", path: `/${"a".repeat(120)}` } }, want: [/longer than 107/] },
      { name: "bad xds host", options: { xdsAddress: "contour_xds" }, want: [/xds address/] },
      { name: "empty node id", options: { nodeId: " " }, want: [/node id/] },
      { name: "bad server name", options: { xdsTls: { ...tls, serverName: "a b" } }, want: [/server name "a b"/] },
      { name: "empty file", options: { xdsTls: { ...tls, keyFile: "" } }, want: [/key file/] },
    ];
    for (const { name, options, want } of table) {
      it(name, () => {
        const problems = validateBootstrapOptions(bootstrapOptions({ xdsTls: tls, ...options }));
        assert.equal(problems.length, want.length, problems.join("; "));
        want.forEach((re, i) => assert.match(problems[i] ?? "", re));
      });
    }
  });
});

/**
 * The bootstrap without Any values whose type the generated registry does not hold yet (the
 * overload manager's monitor config); Envoy itself checks those (`envoy --mode validate`).
 */
function withoutUnregisteredAny(json: JsonObject): JsonObject {
  const typeName = DOWNSTREAM_CONNECTIONS_CONFIG_TYPE.slice(DOWNSTREAM_CONNECTIONS_CONFIG_TYPE.indexOf("/") + 1);
  if (envoyRegistry.getMessage(typeName) !== undefined) return json;
  const { overload_manager: _dropped, ...rest } = json;
  return rest;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the repository root above the test");
    dir = parent;
  }
  return dir;
}
