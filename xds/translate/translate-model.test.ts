import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import type { JsonObject } from "@bufbuild/protobuf";
import type { Model } from "../../controllers/model/model.js";
import { checkConsistency } from "../cache/consistency.js";
import { translateModel } from "./translate-model.js";
import { goldenText, loadGoldenCases, resourcesToJson, walkJson } from "./test-support.js";

const update = process.env["UPDATE_GOLDEN"] === "1";

/** The names a resource set refers to and the names it defines, per xDS type. */
function references(json: JsonObject): { rds: Set<string>; eds: Set<string>; sds: Set<string> } {
  const rds = new Set<string>();
  const eds = new Set<string>();
  const sds = new Set<string>();
  walkJson(json["listeners"] ?? [], (o) => {
    const rdsRef = o["rds"] as JsonObject | undefined;
    if (rdsRef !== undefined) rds.add(String(rdsRef["route_config_name"]));
  });
  walkJson(json["clusters"] ?? [], (o) => {
    const edsRef = o["eds_cluster_config"] as JsonObject | undefined;
    if (edsRef !== undefined) eds.add(String(edsRef["service_name"]));
  });
  walkJson([json["listeners"] ?? [], json["clusters"] ?? []], (o) => {
    for (const [k, v] of Object.entries(o)) {
      if (k === "validation_context_sds_secret_config") sds.add(String((v as JsonObject)["name"]));
      if (k === "tls_certificate_sds_secret_configs") for (const s of v as JsonObject[]) sds.add(String(s["name"]));
    }
  });
  return { rds, eds, sds };
}

function namesOf(list: unknown, key: string): Set<string> {
  return new Set((list as JsonObject[]).map((r) => String(r[key])));
}

function reversed(model: Model): Model {
  return {
    virtualHosts: [...model.virtualHosts].reverse(),
    tcpProxies: [...model.tcpProxies].reverse(),
    clusters: [...model.clusters].reverse(),
    secrets: [...model.secrets].reverse(),
    ...(model.gatewayListeners === undefined ? {} : { gatewayListeners: [...model.gatewayListeners].reverse() }),
    ...(model.globalAuthorization === undefined ? {} : { globalAuthorization: model.globalAuthorization }),
  };
}

describe("translateModel golden files", () => {
  for (const c of loadGoldenCases()) {
    describe(c.name, () => {
      const json = resourcesToJson(translateModel(c.model, c.slices, c.options));

      it("matches " + c.name + ".envoy.json", () => {
        const text = goldenText(json);
        if (update || !existsSync(c.goldenPath)) writeFileSync(c.goldenPath, text);
        assert.equal(text, readFileSync(c.goldenPath, "utf8"), `golden mismatch; rerun with UPDATE_GOLDEN=1 if intended`);
      });

      it("is deterministic and independent of the model's list order", () => {
        const again = goldenText(resourcesToJson(translateModel(c.model, [...c.slices].reverse(), c.options)));
        assert.equal(again, goldenText(json));
        const shuffled = goldenText(resourcesToJson(translateModel(reversed(c.model), c.slices, c.options)));
        assert.equal(shuffled, goldenText(json));
      });

      it("is consistent: every RDS, EDS and SDS name referenced is emitted", () => {
        const refs = references(json);
        const routes = namesOf(json["routes"], "name");
        const endpoints = namesOf(json["endpoints"], "cluster_name");
        const secrets = namesOf(json["secrets"], "name");
        for (const n of refs.rds) assert.ok(routes.has(n), `route configuration ${n} is referenced but not emitted`);
        for (const n of refs.eds) assert.ok(endpoints.has(n), `ClusterLoadAssignment ${n} is referenced but not emitted`);
        for (const n of refs.sds) assert.ok(secrets.has(n), `secret ${n} is referenced but not emitted`);
        // The same check the snapshot cache makes before publishing.
        assert.deepEqual(checkConsistency(translateModel(c.model, c.slices, c.options)), []);
      });
    });
  }
});
