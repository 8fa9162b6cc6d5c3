import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadServeConfig } from "./load-serve-config.js";
import { SETTINGS } from "./settings.js";
import { UPSTREAM_FILE_KEYS } from "./upstream-schema.js";

// Compiled to dist/operator/config/: the repository root is three levels up.
const root = new URL("../../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), "utf8");

describe("config docs", () => {
  it("config/contour.yaml is a valid config file", () => {
    const result = loadServeConfig(["--config-file", new URL("config/contour.yaml", root).pathname], (p) => readFileSync(p, "utf8"));
    assert.ok("config" in result, JSON.stringify(result));
    assert.deepEqual(result.config.xds.tls, { caFile: "/certs/ca.crt", certFile: "/certs/tls.crt", keyFile: "/certs/tls.key" });
  });

  it("config/README.md and config/contour.yaml mention every setting", () => {
    const readme = read("config/README.md");
    const example = read("config/contour.yaml");
    for (const s of SETTINGS) {
      for (const flag of [s.name, ...(s.aliases ?? [])]) assert.ok(readme.includes(`\`--${flag}\``), `README lacks --${flag}`);
      if (s.env !== undefined) assert.ok(readme.includes(`\`${s.env}\``), `README lacks ${s.env}`);
      // The example shows what works: settings without effect and the ContourConfiguration flag are only in the README.
      const inExample = s.name !== "config-file" && s.name !== "contour-config-name" && s.notImplemented === undefined;
      if (inExample) assert.ok(example.includes(`${s.name}:`), `contour.yaml lacks ${s.name}`);
    }
    for (const key of Object.keys(UPSTREAM_FILE_KEYS)) assert.ok(readme.includes(`\`${key}\``), `README lacks upstream's key ${key}`);
  });
});
