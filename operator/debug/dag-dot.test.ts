import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Model } from "../../controllers/model/model.js";
import { repoRoot } from "../../xds/translate/test-support.js";
import { modelToDot, type DotListeners } from "./dag-dot.js";

const listeners: DotListeners = { http: { address: "0.0.0.0", port: 8080 }, https: { address: "0.0.0.0", port: 8443 } };

// Models shared with the translation goldens; the DOT of each is a golden here (UPDATE_GOLDEN=1 rewrites them).
const CASES = ["plain-http", "tls-redirect", "weighted-clusters", "mirror", "tcp-proxy"];

function readModel(name: string): Model {
  return JSON.parse(readFileSync(join(repoRoot(), "xds", "translate", "testdata", `${name}.model.json`), "utf8")) as Model;
}

describe("modelToDot", () => {
  for (const name of CASES) {
    it(`draws ${name} as its golden DOT`, () => {
      const golden = join(repoRoot(), "operator", "debug", "testdata", `${name}.dot`);
      const dot = modelToDot(readModel(name), listeners);
      if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(golden, dot);
      assert.ok(existsSync(golden), `missing golden ${golden}: run with UPDATE_GOLDEN=1 and review it`);
      assert.equal(dot, readFileSync(golden, "utf8"));
    });
  }

  it("is deterministic whatever the order of the model's lists", () => {
    const model = readModel("weighted-clusters");
    const shuffled: Model = { ...model, clusters: [...model.clusters].reverse(), virtualHosts: [...model.virtualHosts].reverse() };
    assert.equal(modelToDot(shuffled, listeners), modelToDot(model, listeners));
  });

  it("draws an empty model as the HTTP listener alone", () => {
    assert.equal(
      modelToDot({ virtualHosts: [], tcpProxies: [], clusters: [], secrets: [] }, listeners),
      'digraph DAG {\nrankdir="LR"\n"listener/ingress_http" [shape=record, label="{listener|0.0.0.0:8080}"]\n}\n',
    );
  });

  it("keeps user text from breaking out of a record label or a quoted string", () => {
    const model: Model = {
      virtualHosts: [
        {
          fqdn: "a.example.com",
          routes: [
            {
              source: { kind: "HTTPProxy", namespace: "ns", name: "p" },
              match: { path: { kind: "regex", value: '/x{2}|<y>"\\' }, headers: [], queryParams: [] },
              action: { kind: "direct", status: 200 },
              httpsRedirect: false,
            },
          ],
        },
      ],
      tcpProxies: [],
      clusters: [],
      secrets: [],
    };
    const line = modelToDot(model, listeners).split("\n").find((l) => l.startsWith('"route/'));
    assert.equal(line, '"route/http/a.example.com/0" [shape=record, label="{regex: /x\\{2\\}\\|\\<y\\>\\"\\\\|direct 200}"]');
  });
});
