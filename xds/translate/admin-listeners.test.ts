// The stats/health and read-only admin listeners: golden files for upstream's three layouts (combined,
// separate, metrics over TLS with a client CA), the admin listener switched off, the re-basing that
// keeps snapshots incremental, and Envoy's own validation of all of them beside the bootstrap's
// envoy-admin cluster.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toJson, type JsonObject } from "@bufbuild/protobuf";
import { describe, it } from "mocha";
import { ListenerSchema } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { envoyRegistry } from "../gen/registry.js";
import { buildAdminCluster } from "../bootstrap/index.js";
import type { EnvoyResources } from "../resources.js";
import { createTestCa } from "../../e2e/fixtures/test-ca.js";
import { ADMIN_LISTENER_DEFAULTS, translateAdminListeners, withAdminListeners, type AdminListenerSettings } from "./admin-listeners.js";
import { goldenText, repoRoot, testdataDir } from "./test-support.js";

const update = process.env["UPDATE_GOLDEN"] === "1";

const CASES: Record<string, AdminListenerSettings> = {
  "admin-listeners-default": ADMIN_LISTENER_DEFAULTS,
  "admin-listeners-separate": { metrics: { address: "127.0.0.1", port: 18002 }, health: { address: "0.0.0.0", port: 18003 }, adminPort: 19001, omEnforcedHealth: { address: "0.0.0.0", port: 18004 } },
  "admin-listeners-tls": {
    metrics: { address: "0.0.0.0", port: 28002, tls: { certFile: "/certs/tls.crt", keyFile: "/certs/tls.key", caFile: "/certs/ca.crt" } },
    health: { address: "0.0.0.0", port: 28003 },
    adminPort: 0,
  },
};

const toJsonList = (settings: AdminListenerSettings): JsonObject[] => translateAdminListeners(settings).map((l) => toJson(ListenerSchema, l, { registry: envoyRegistry, useProtoFieldName: true }) as JsonObject);

describe("translateAdminListeners", () => {
  for (const [name, settings] of Object.entries(CASES)) {
    it(`matches ${name}.envoy.json`, () => {
      const path = join(testdataDir(), `${name}.envoy.json`);
      const text = goldenText(toJsonList(settings));
      if (update) writeFileSync(path, text);
      assert.ok(existsSync(path), `${path} is missing; UPDATE_GOLDEN=1 writes it`);
      assert.equal(text, readFileSync(path, "utf8"), "golden mismatch; rerun with UPDATE_GOLDEN=1 if intended");
    });
  }

  it("names the listeners as upstream: stats-health together, stats and health apart or with TLS, health-om-enforced, envoy-admin unless port 0", () => {
    const names = (s: AdminListenerSettings) => translateAdminListeners(s).map((l) => l.name);
    assert.deepEqual(names(CASES["admin-listeners-default"]!), ["envoy-admin", "stats-health"]);
    assert.deepEqual(names(CASES["admin-listeners-separate"]!), ["envoy-admin", "health", "health-om-enforced", "stats"]);
    // Only upstream's overload-manager health listener is subject to the global connection limit.
    const limited = translateAdminListeners(CASES["admin-listeners-separate"]!).filter((l) => !l.ignoreGlobalConnLimit).map((l) => l.name);
    assert.deepEqual(limited, ["health-om-enforced"]);
    assert.deepEqual(names(CASES["admin-listeners-tls"]!), ["health", "stats"]);
    // TLS splits even on one address: the readiness probe stays plain HTTP.
    const sameAddressTls: AdminListenerSettings = { ...ADMIN_LISTENER_DEFAULTS, metrics: { address: "0.0.0.0", port: 8003, tls: { certFile: "/c", keyFile: "/k" } }, health: { address: "0.0.0.0", port: 8002 } };
    assert.deepEqual(names(sameAddressTls), ["envoy-admin", "health", "stats"]);
  });

  it("routes only upstream's read-only admin paths, GET only, to envoy-admin", () => {
    const admin = toJsonList(ADMIN_LISTENER_DEFAULTS).find((l) => l["name"] === "envoy-admin")!;
    const text = JSON.stringify(admin);
    for (const path of ["/quitquitquit", "/healthcheck/fail", "/healthcheck/ok", "/logging", "/drain_listeners"]) assert.ok(!text.includes(`"${path}"`), path);
    assert.match(text, /"address":"127\.0\.0\.1","port_value":9001/);
  });
});

describe("withAdminListeners", () => {
  const base = (listeners: string[], changes?: EnvoyResources["changes"]): EnvoyResources => ({
    listeners: listeners.map((name) => ({ name }) as never),
    routes: [],
    clusters: [],
    endpoints: [],
    secrets: [],
    ...(changes === undefined ? {} : { changes }),
  });
  const admin = translateAdminListeners();

  it("adds the listeners sorted by name, and re-bases a set derived from the last one on what was published", () => {
    const first = base(["ingress_http"]);
    const published = withAdminListeners(first, admin);
    assert.deepEqual(published.listeners.map((l) => l.name), ["envoy-admin", "ingress_http", "stats-health"]);
    const next = base(["ingress_http", "ingress_https"], { from: first, lists: { listeners: { upserted: [], removed: [] } } });
    const again = withAdminListeners(next, admin, { from: first, published });
    assert.equal(again.changes?.from, published);
    // Derived from something else: no change lists, so the snapshot is built in full.
    assert.equal(withAdminListeners(next, admin, { from: base([]), published }).changes, undefined);
  });
});

describe("Envoy accepts the admin listeners (envoy --mode validate)", function () {
  this.timeout(60_000);

  it("validates every case beside the bootstrap's envoy-admin cluster", async () => {
    const envoy = process.env["ENVOY_BIN"] ?? readFileSync(join(repoRoot(), ".tools", "tools.env"), "utf8").split("\n").find((l) => l.startsWith("ENVOY_BIN="))?.slice("ENVOY_BIN=".length).trim();
    assert.ok(envoy !== undefined && existsSync(envoy), "envoy: not found (ENVOY_BIN unset and no ENVOY_BIN in .tools/tools.env); run `make tools`");
    const dir = mkdtempSync(join(tmpdir(), "contour-admin-listeners-"));
    try {
      const ca = await createTestCa("metrics-ca");
      const server = await ca.issue({ commonName: "localhost", dnsNames: ["localhost"], usage: "server" });
      writeFileSync(join(dir, "tls.crt"), server.certPem);
      writeFileSync(join(dir, "tls.key"), server.keyPem);
      writeFileSync(join(dir, "ca.crt"), ca.certPem);
      const listeners = Object.entries(CASES).flatMap(([name, settings]) =>
        toJsonList(settings).map((l) => ({ ...l, name: `${name}/${String(l["name"])}` })),
      );
      const text = JSON.stringify({
        admin: { address: { pipe: { path: join(dir, "admin.sock") } } },
        static_resources: { listeners, clusters: [buildAdminCluster({ admin: { kind: "unix", path: join(dir, "admin.sock") } })] },
      }).replaceAll("/certs/", `${dir}/`);
      const file = join(dir, "bootstrap.json");
      writeFileSync(file, text);
      const run = spawnSync(envoy!, ["--mode", "validate", "-c", file, "--log-level", "warn", "--disable-hot-restart"], { encoding: "utf8" });
      const output = `${run.stdout}${run.stderr}`;
      assert.equal(run.status, 0, `Envoy rejected the admin listeners:\n${output}`);
      assert.match(output, /configuration .* OK/, output);
      assert.doesNotMatch(output, /deprecated/i, output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
