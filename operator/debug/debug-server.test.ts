import assert from "node:assert/strict";
import { get } from "node:http";
import { createNullLogger } from "../log.js";
import { createDebugServer, type DebugServer } from "./debug-server.js";

function fetchText(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers["content-type"]) }));
    }).on("error", reject);
  });
}

describe("createDebugServer", () => {
  let server: DebugServer;
  let port: number;
  before(async () => {
    server = createDebugServer({
      address: "127.0.0.1",
      port: 0,
      model: () => ({ virtualHosts: [{ fqdn: "a.example.com", routes: [] }], tcpProxies: [], clusters: [], secrets: [] }),
      listeners: { http: { address: "0.0.0.0", port: 8080 }, https: { address: "0.0.0.0", port: 8443 } },
      log: createNullLogger(),
    });
    port = await server.start();
  });
  after(() => server.stop());

  it("/debug/dag serves the current model as DOT", async () => {
    const res = await fetchText(port, "/debug/dag");
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/vnd\.graphviz/);
    assert.match(res.body, /^digraph DAG \{\nrankdir="LR"\n/);
    assert.match(res.body, /"listener\/ingress_http" -> "vhost\/http\/a\.example\.com"/);
  });

  it("/debug/pprof/profile takes a CPU profile of the asked length, one at a time", async () => {
    const [first, second] = await Promise.all([fetchText(port, "/debug/pprof/profile?seconds=0.3"), fetchText(port, "/debug/pprof/profile?seconds=0.3")]);
    const statuses = [first.status, second.status].sort();
    assert.deepEqual(statuses, [200, 409]);
    const ok = first.status === 200 ? first : second;
    const profile = JSON.parse(ok.body) as { nodes: unknown[]; startTime: number; endTime: number };
    assert.ok(profile.nodes.length > 0);
    assert.ok(profile.endTime > profile.startTime);
  });

  it("/debug/pprof/profile refuses a length out of range", async () => {
    assert.equal((await fetchText(port, "/debug/pprof/profile?seconds=1000")).status, 400);
    assert.equal((await fetchText(port, "/debug/pprof/profile?seconds=x")).status, 400);
  });

  it("/debug/pprof/heap streams a V8 heap snapshot", async function () {
    this.timeout(60_000); // a whole mocha process's heap: seconds on a loaded machine
    const res = await fetchText(port, "/debug/pprof/heap");
    assert.equal(res.status, 200);
    const snapshot = JSON.parse(res.body) as { snapshot: { node_count: number } };
    assert.ok(snapshot.snapshot.node_count > 0);
  });

  it("lists its endpoints and answers 404 elsewhere", async () => {
    assert.match((await fetchText(port, "/debug/pprof/")).body, /\/debug\/dag/);
    assert.equal((await fetchText(port, "/nope")).status, 404);
  });
});
