// Real Envoy against the xDS server over mTLS, in both ADS protocols: first config, changes under
// traffic without a failed request, a NACK followed by a good snapshot, and a control-plane restart.
import assert from "node:assert/strict";
import type { XdsMode } from "../../xds/bootstrap/index.js";
import type { Snapshot } from "../../xds/cache/snapshot.js";
import { TypeUrl } from "../../xds/resources.js";
import { httpGet, useTestBed, waitFor, type Backend, type BackendReply } from "../harness/index.js";
import { LISTENER, startTraffic, startXdsSide, worldFor, type Routes, type XdsSide } from "./xds-bed.js";

for (const mode of ["delta", "sotw"] as const satisfies readonly XdsMode[]) {
  describe(`xDS server with Envoy (${mode})`, function () {
    const ctx = useTestBed({ kubernetes: false, backends: ["blue", "green", "red"] });
    let xds: XdsSide;
    let port: number;
    const backends = (): readonly Backend[] => ctx.bed.backends;
    const publish = (routes: Routes, options: { regexRoute?: string; timeouts?: Record<string, number> } = {}) => xds.cache.publish(worldFor(xds.listenerPort, backends(), routes, options));
    // Envoy runs a snapshot's routes once its config_dump shows their version: the response's
    // version_info in SotW, the resource's own version in delta.
    const waitForRoutes = (snapshot: Snapshot) => {
      const versions = [snapshot.types[TypeUrl.route].version, snapshot.types[TypeUrl.route].resources.get(LISTENER)?.version ?? "-"];
      return ctx.bed.envoy.admin.waitForConfig(
        (dump) => {
          const routes = JSON.stringify(dump.configs.find((c) => c["@type"].endsWith(".RoutesConfigDump")) ?? {});
          return versions.some((v) => routes.includes(`"version_info":"${v}"`));
        },
        { timeoutMs: 15_000, description: `Envoy to run route version ${versions.join(" or ")}` },
      );
    };
    const get = async (path: string): Promise<string> => {
      const res = await httpGet(`http://127.0.0.1:${port}${path}`);
      assert.equal(res.status, 200, `${path}: ${res.status} ${res.body}`);
      return res.json<BackendReply>().name;
    };

    before(async function () {
      const side = await startXdsSide(ctx.bed, mode, (listenerPort) => worldFor(listenerPort, ctx.bed.backends, { "/": "blue" }));
      xds = side.xds;
      await ctx.bed.startEnvoy({ bootstrap: side.bootstrap, componentLogLevel: "config:debug,upstream:debug" });
      port = (await ctx.bed.envoy.admin.waitForListener(LISTENER, { timeoutMs: 15_000 })).port;
    });

    it("gets listener, route, cluster and endpoints over mTLS and proxies to the backend", async function () {
      assert.equal(await get("/"), "blue");
      const streams = xds.server.streams();
      assert.deepEqual(streams.map((s) => [s.kind, s.node]), [[mode, `envoy-${mode}`]]);
      assert.equal(await ctx.bed.envoy.admin.stat("control_plane.connected_state"), 1);
      assert.equal(await xds.metric("contour_xds_nacks_total", { type: "route" }), 0);
    });

    it("applies new routes, weight changes and cluster removals without a failed request", async function () {
      this.timeout(60_000);
      const paths = ["/", "/green"];
      const traffic = startTraffic(port, () => paths);
      try {
        // A new route to a new cluster: the cluster must be there before the route.
        let v = publish({ "/": "blue", "/green": "green" });
        await waitForRoutes(v);
        await waitFor(() => traffic.seen.get("/green")?.has("green"), { timeoutMs: 10_000, description: "/green to reach green" });

        // Weights: "/" split between blue and red (red is a new cluster).
        v = publish({ "/": { blue: 50, red: 50 }, "/green": "green" });
        await waitForRoutes(v);
        traffic.resetSeen();
        await waitFor(() => (traffic.seen.get("/")?.get("red") ?? 0) > 2 && (traffic.seen.get("/")?.get("blue") ?? 0) > 2, {
          timeoutMs: 15_000,
          description: "/ to reach both blue and red",
        });

        // "/" moves to red only and blue's cluster goes away in the same snapshot.
        v = publish({ "/": "red", "/green": "green" });
        await waitForRoutes(v);
        await ctx.bed.envoy.admin.waitForConfig(
          (dump) => !JSON.stringify(dump.configs.find((c) => c["@type"].endsWith("ClustersConfigDump")) ?? {}).includes('"name":"blue"'),
          { timeoutMs: 15_000, description: "cluster blue to be removed from Envoy" },
        );
        traffic.resetSeen();
        await waitFor(() => (traffic.seen.get("/")?.get("red") ?? 0) > 5, { timeoutMs: 10_000, description: "/ to reach red" });
        assert.equal(traffic.seen.get("/")?.get("blue"), undefined);

        // A changed cluster: Envoy re-creates it and keeps it warming until its endpoints are sent
        // again, which the server must do although they did not change (else: 15 s initial fetch timeout).
        const started = Date.now();
        v = publish({ "/": "red", "/green": "green" }, { timeouts: { red: 7 } });
        await waitFor(() => xds.logs.records.some((r) => r["msg"] === "xDS response accepted" && r["type"] === "cluster" && r["version"] === v.types[TypeUrl.cluster].version), {
          timeoutMs: 10_000,
          description: "Envoy to ACK the changed cluster (it ACKs CDS only once the cluster has warmed)",
        });
        assert.equal(await ctx.bed.envoy.admin.stat("cluster_manager.warming_clusters"), 0);
        console.log(`      changed cluster warmed and ACKed in ${Date.now() - started} ms`);

        // And back: blue returns as the only cluster of "/", red is removed.
        v = publish({ "/": "blue", "/green": "green" });
        await waitForRoutes(v);
        traffic.resetSeen();
        await waitFor(() => (traffic.seen.get("/")?.get("blue") ?? 0) > 5, { timeoutMs: 10_000, description: "/ to reach blue again" });
      } finally {
        await traffic.stop();
      }
      console.log(`      ${traffic.total()} requests during the changes, ${traffic.failures.length} failed`);
      assert.deepEqual(traffic.failures, []);
      assert.equal(await xds.metric("contour_xds_nacks_total", { type: "route" }), 0);
      assert.equal(await xds.metric("contour_xds_nacks_total", { type: "cluster" }), 0);
    });

    it("counts and logs a NACK, keeps serving, and accepts the next good snapshot", async function () {
      const before = await xds.metric("contour_xds_nacks_total", { type: "route" });
      const good = xds.cache.current()!;
      // "(" passes protobuf encoding and the consistency check; Envoy's RE2 refuses it.
      const bad = publish({ "/": "blue", "/green": "green" }, { regexRoute: "/bad(" });
      assert.notEqual(bad.types[TypeUrl.route].version, good.types[TypeUrl.route].version);
      await waitFor(async () => (await xds.metric("contour_xds_nacks_total", { type: "route" })) > before, {
        timeoutMs: 15_000,
        description: "Envoy to NACK the bad route",
      });
      const log = xds.logs.records.find((r) => r["level"] === 50 && r["type"] === "route");
      assert.ok(log !== undefined, "NACK logged at error level");
      assert.equal(log["node"], `envoy-${mode}`);
      assert.equal(log["version"], bad.types[TypeUrl.route].version);
      assert.match(String(log["envoyError"]), /regex|RE2|missing/i);
      // Envoy keeps the routes it accepted.
      assert.equal(await get("/"), "blue");

      const fixed = publish({ "/": "blue", "/green": "green", "/red": "red" });
      await waitForRoutes(fixed);
      await waitFor(async () => (await get("/red")) === "red", { timeoutMs: 10_000, description: "/red to reach red" });
    });

    it("counts a NACKed cluster and accepts the next good snapshot", async function () {
      const before = await xds.metric("contour_xds_nacks_total", { type: "cluster" });
      // A negative connect_timeout encodes fine; Envoy's proto validation refuses it.
      publish({ "/": "blue", "/green": "green", "/red": "red" }, { timeouts: { green: -1 } });
      await waitFor(async () => (await xds.metric("contour_xds_nacks_total", { type: "cluster" })) > before, {
        timeoutMs: 15_000,
        description: "Envoy to NACK the bad cluster",
      });
      assert.equal(await get("/green"), "green", "the accepted cluster keeps serving");
      const fixed = publish({ "/": "blue", "/green": "green", "/red": "red" }, { timeouts: { green: 4 } });
      await waitFor(() => xds.logs.records.some((r) => r["msg"] === "xDS response accepted" && r["type"] === "cluster" && r["version"] === fixed.types[TypeUrl.cluster].version), {
        timeoutMs: 10_000,
        description: "Envoy to accept the fixed cluster",
      });
      assert.equal(await get("/green"), "green");
    });

    it("keeps serving while the control plane restarts, reconnects, and gets nothing it already has", async function () {
      this.timeout(60_000);
      const traffic = startTraffic(port, () => ["/", "/green", "/red"]);
      try {
        await xds.server.close();
        await waitFor(async () => (await ctx.bed.envoy.admin.stat("control_plane.connected_state")) === 0, {
          timeoutMs: 10_000,
          description: "Envoy to notice the control plane is gone",
        });
        const servedBefore = traffic.total();
        await waitFor(() => traffic.total() > servedBefore + 20, { timeoutMs: 10_000, description: "traffic while disconnected" });

        const pushesBefore = xds.logs.records.length;
        await xds.restart();
        await waitFor(async () => (await ctx.bed.envoy.admin.stat("control_plane.connected_state")) === 1, {
          timeoutMs: 30_000,
          description: "Envoy to reconnect",
        });
        await waitFor(() => xds.server.streams().length === 1, { timeoutMs: 10_000, description: "the new stream" });
        // The reconnect is settled when the server has logged nothing new for a few polls (a
        // SotW Envoy holding current versions gets no response at all, so there is no ACK to await).
        let lastCount = -1;
        let quietPolls = 0;
        await waitFor(
          () => {
            const count = xds.logs.records.length;
            quietPolls = count === lastCount ? quietPolls + 1 : 0;
            lastCount = count;
            return quietPolls >= 3;
          },
          { timeoutMs: 10_000, intervalMs: 100, description: "the reconnected stream to settle" },
        );
        assert.ok(xds.logs.records.slice(pushesBefore).some((r) => r["msg"] === "xDS stream opened"));
        const resent = xds.logs.records
          .slice(pushesBefore)
          .filter((r) => r["msg"] === "xDS response sent")
          .reduce((n, r) => n + Number(r["resources"] ?? 0), 0);
        console.log(`      resources resent on reconnect: ${resent}`);
        assert.equal(resent, 0, "Envoy already had every resource");

        const v = publish({ "/": "green", "/green": "green", "/red": "red" });
        await waitForRoutes(v);
        await waitFor(async () => (await get("/")) === "green", { timeoutMs: 10_000, description: "/ to reach green after the restart" });
      } finally {
        await traffic.stop();
      }
      assert.deepEqual(traffic.failures, []);
    });
  });
}
