import assert from "node:assert/strict";
import { cluster, endpoints, resources, routeConfig } from "../../xds/cache/testing/fixtures.js";
import { startTestServer, type TestServer } from "../../xds/server/testing/server.js";
import { parseCliArgs, type CliArgs } from "./cli-args.js";
import { splitJsonDocuments, watchXds } from "./xds-watch.js";

function args(argv: string[]): CliArgs {
  const parsed = parseCliArgs(argv);
  if (!("type" in parsed)) throw new Error(JSON.stringify(parsed));
  return parsed;
}

async function run(argv: string[], timeoutMs = 5_000): Promise<{ code: number; docs: Record<string, unknown>[]; logs: string[] }> {
  let out = "";
  const logs: string[] = [];
  const code = await watchXds(args(argv), { out: (t) => (out += t), log: (l) => logs.push(l) }, AbortSignal.timeout(timeoutMs));
  return { code, docs: splitJsonDocuments(out) as Record<string, unknown>[], logs };
}

describe("contour cli's xDS watch", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    t.cache.publish(resources({ routes: [routeConfig("ingress_http", [{ prefix: "/", to: "default/web/80" }])], clusters: [cluster("default/web/80")], endpoints: [endpoints("default/web/80", ["127.0.0.1:9"])] }));
  });
  after(() => t.server.close());

  for (const delta of [false, true]) {
    it(`prints the route configuration as JSON with proto field names (${delta ? "delta" : "SotW"})`, async () => {
      const { code, docs } = await run(["--contour", t.target, "--once", ...(delta ? ["--delta"] : []), "rds"]);
      assert.equal(code, 0);
      assert.equal(docs.length, 2, "the request, then the response");
      const [request, response] = docs;
      assert.deepEqual((request?.["node"] as { id: string }).id, "ContourCLI");
      assert.equal(response?.["type_url"], "type.googleapis.com/envoy.config.route.v3.RouteConfiguration");
      const list = response?.["resources"] as Record<string, unknown>[];
      const routeConfiguration = (delta ? list.map((r) => r["resource"]) : list)[0] as Record<string, unknown>;
      assert.equal(routeConfiguration["@type"], "type.googleapis.com/envoy.config.route.v3.RouteConfiguration");
      assert.equal(routeConfiguration["name"], "ingress_http");
      assert.ok(JSON.stringify(routeConfiguration).includes('"default/web/80"'));
    });
  }

  it("subscribes to the names given", async () => {
    // Nothing of that name exists, so nothing comes back; the watch ends when its signal aborts.
    const { docs } = await run(["--contour", t.target, "--once", "cds", "nope"], 300);
    assert.deepEqual((docs[0] as { resource_names: string[] }).resource_names, ["nope"]);
  });

  it("says in one line when contour cannot be reached", async () => {
    const { code, logs } = await run(["--contour", "127.0.0.1:1", "--once", "cds"]);
    assert.equal(code, 1);
    assert.equal(logs.length, 1);
    assert.match(logs[0] ?? "", /^contour cli: .*\(contour at 127\.0\.0\.1:1\)$/);
  });
});
