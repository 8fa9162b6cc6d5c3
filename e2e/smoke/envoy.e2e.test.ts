// Smoke test of the bed's data-plane half: a real Envoy with a static bootstrap proxying to a backend.
import assert from "node:assert/strict";
import { httpGet, useTestBed, type Backend, type BackendReply, type EnvoyBootstrap } from "../harness/index.js";

const LISTENER = "smoke_http";

/** One HTTP listener (port 0: Envoy picks, the test reads it back) routing everything to `backend`. */
function staticBootstrap(backend: Backend): EnvoyBootstrap {
  return {
    node: { id: "smoke", cluster: "smoke" },
    static_resources: {
      listeners: [
        {
          name: LISTENER,
          address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    stat_prefix: "smoke",
                    route_config: {
                      name: "smoke",
                      virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "backend" } }] }],
                    },
                    http_filters: [
                      {
                        name: "envoy.filters.http.router",
                        typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: "backend",
          type: "STATIC",
          connect_timeout: "1s",
          load_assignment: {
            cluster_name: "backend",
            endpoints: [
              { lb_endpoints: [{ endpoint: { address: { socket_address: { address: backend.host, port_value: backend.port } } } }] },
            ],
          },
        },
      ],
    },
  };
}

describe("smoke: envoy", function () {
  const ctx = useTestBed({
    kubernetes: false,
    backends: ["smoke-backend"],
    envoy: (bed) => ({ bootstrap: staticBootstrap(bed.backends[0] as Backend) }),
  });

  it("proxies a request to the backend", async function () {
    console.log(`      startup: envoy ${ctx.bed.startupMs["envoy"]} ms`);
    const { port } = await ctx.bed.envoy.admin.waitForListener(LISTENER);
    const res = await httpGet(`http://127.0.0.1:${port}/hello?x=1`, { host: "smoke.example.com", headers: { "x-test": "yes" } });
    assert.equal(res.status, 200, res.body);
    const reply = res.json<BackendReply>();
    assert.equal(reply.name, "smoke-backend");
    assert.equal(reply.path, "/hello?x=1");
    assert.equal(reply.headers["host"], "smoke.example.com");
    assert.equal(reply.headers["x-test"], "yes");
    assert.equal(await ctx.bed.envoy.admin.stat("cluster.backend.upstream_rq_200"), 1);
  });

  it("passes the backend's status codes through", async function () {
    const { port } = await ctx.bed.envoy.admin.waitForListener(LISTENER);
    const res = await httpGet(`http://127.0.0.1:${port}/status/503`);
    assert.equal(res.status, 503);
    assert.equal(res.headers["x-backend-name"], "smoke-backend");
  });
});
