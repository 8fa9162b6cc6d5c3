// listener.max-requests-per-io-cycle and listener.max-connections-per-listener through a real Envoy:
// contour serves them as the RTDS layer `dynamic` (the bootstrap from `contour bootstrap`'s builder
// names it), and Envoy's admin /runtime shows the values in that layer, over delta and SotW streams.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "mocha";
import { useStack } from "../fixtures/stack.js";
import { httpGet, waitFor } from "../harness/index.js";

type RuntimeDump = {
  layers: string[];
  entries: Record<string, { final_value: string; layer_values: string[] }>;
};

for (const xdsMode of ["delta", "sotw"] as const) describe(`config file: listener runtime values over RTDS through Envoy (${xdsMode} xDS)`, function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-runtime-settings-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(configPath, ["listener:", "  max-requests-per-io-cycle: 7", "  max-connections-per-listener: 123", ""].join("\n"));
  const ctx = useStack({ pods: [], xdsMode, contourArgs: [`--config-path=${configPath}`] });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function runtime(): Promise<RuntimeDump> {
    const res = await httpGet(`${ctx.stack.envoy.admin.url}/runtime`, { timeoutMs: 5_000 });
    assert.equal(res.status, 200, res.body);
    return JSON.parse(res.body) as RuntimeDump;
  }

  it("shows the values in Envoy's dynamic runtime layer, one connection limit per listener", async () => {
    let last: RuntimeDump | undefined;
    await waitFor(
      async () => {
        last = await runtime();
        return last.entries["envoy.resource_limits.listener.ingress_http.connection_limit"]?.final_value === "123";
      },
      { timeoutMs: 20_000, description: () => `Envoy's /runtime to show the listener limit (last: ${JSON.stringify(last)})` },
    );
    const dump = last!;
    assert.deepEqual(dump.layers, ["static", "dynamic", "admin"]);
    const io = dump.entries["http.max_requests_per_io_cycle"];
    assert.equal(io?.final_value, "7");
    // The value comes from the RTDS layer (second), not from static or admin.
    assert.deepEqual(io?.layer_values, ["", "7", ""]);
    // The regex limits stay in our static layer.
    assert.equal(dump.entries["re2.max_program_size.error_level"]?.final_value, "1000");
  });
});
