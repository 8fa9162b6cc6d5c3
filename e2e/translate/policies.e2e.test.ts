// Virtual host and route policies on the wire: a hand-built model, translated and served over xDS
// to a real Envoy. CORS preflights, local rate limits, IP allow/deny lists, active health checks,
// cluster protocol options and literal `%` in header values.
import assert from "node:assert/strict";
import type { Model, VirtualHost } from "../../controllers/model/model.js";
import { httpGet, httpRequest, useTestBed, waitFor, type BackendReply, type HttpResponse } from "../harness/index.js";
import { modelOf, route, serveModel, service, startSickBackend, type ServiceFixture } from "./model-bed.js";

/** What /clusters?format=json says about one endpoint. */
interface HostStatus {
  address: { socket_address: { address: string; port_value: number } };
  health_status: { failed_active_health_check?: boolean; eds_health_status?: string };
}

interface ClusterStatuses {
  cluster_statuses: { name: string; host_statuses?: HostStatus[] }[];
}

const HEALTH_PATH = "/healthz";
const LITERAL = "100% of %START_TIME%, %ENVIRONMENT(HOME)%, %RESP(host)% and %% stays"; // none on upstream's allow-list of Envoy variables

describe("translated policies through Envoy (delta xDS)", function () {
  const ctx = useTestBed({ kubernetes: false, backends: ["blue"] });
  let port: number;
  let sickPort: number;

  const request = (host: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<HttpResponse> =>
    httpRequest(`http://127.0.0.1:${port}${path}`, { host, method: options.method ?? "GET", headers: options.headers ?? {} });

  function buildModel(sick: { host: string; port: number }): { model: Model; services: ServiceFixture[] } {
    const blue = ctx.bed.backends.find((b) => b.name === "blue")!;
    const web = service("blue", [blue]);
    // Two endpoints behind one cluster; only blue passes the health check.
    const pool = service("pool", [blue, sick], {
      healthCheck: { kind: "http", path: HEALTH_PATH, host: "", intervalMs: 500, timeoutMs: 1_000, unhealthyThreshold: 1, healthyThreshold: 1 },
      idleConnectionTimeoutMs: 30_000,
    });
    const limit = { tokensPerFill: 2, maxTokens: 2, fillIntervalMs: 60_000, responseStatus: 429, responseHeaders: [{ name: "x-limited", value: "100%" }] };
    const hosts: VirtualHost[] = [
      {
        fqdn: "cors.e2e.test",
        routes: [route("/", web)],
        cors: {
          allowOrigin: [{ value: "https://allowed.example", regex: false }, { value: "https://[a-z]+\\.regex\\.example", regex: true }],
          allowMethods: ["GET", "PUT"],
          allowHeaders: ["x-custom"],
          exposeHeaders: ["x-backend-name"],
          allowCredentials: true,
          maxAgeSeconds: 600,
          allowPrivateNetwork: false,
        },
      },
      // The route's own, larger bucket replaces the host's.
      { fqdn: "limited.e2e.test", routes: [route("/", web), route("/own", web, { rateLimit: { ...limit, tokensPerFill: 100, maxTokens: 100 } })], rateLimit: limit },
      { fqdn: "unlimited.e2e.test", routes: [route("/", web)] },
      {
        fqdn: "deny.e2e.test",
        routes: [route("/", web), route("/open", web, { ipFilter: { action: "allow", rules: [{ source: "peer", cidr: "127.0.0.0/8" }] } })],
        ipFilter: { action: "deny", rules: [{ source: "peer", cidr: "127.0.0.1/32" }] },
      },
      {
        fqdn: "allow.e2e.test",
        routes: [route("/", web), route("/closed", web, { ipFilter: { action: "allow", rules: [{ source: "remote", cidr: "10.0.0.0/8" }] } })],
        ipFilter: { action: "allow", rules: [{ source: "remote", cidr: "127.0.0.0/8" }] },
      },
      // No rule survives validation: an allow list that allows nobody (fails closed).
      { fqdn: "closed.e2e.test", routes: [route("/", web)], ipFilter: { action: "allow", rules: [{ source: "peer", cidr: "127.0.0.1/33" }] } },
      { fqdn: "health.e2e.test", routes: [route("/", pool)] },
      {
        fqdn: "headers.e2e.test",
        routes: [
          route("/", web, {
            requestHeaders: { set: [{ name: "x-literal", value: LITERAL }], remove: [] },
            responseHeaders: { set: [{ name: "x-literal-response", value: LITERAL }], remove: [] },
          }),
        ],
      },
    ];
    return { model: modelOf(hosts, [web, pool]), services: [web, pool] };
  }

  before(async function () {
    this.timeout(60_000);
    const sick = await startSickBackend(ctx.bed, "sick", HEALTH_PATH);
    sickPort = sick.port;
    ({ port } = await serveModel(ctx.bed, "delta", () => buildModel(sick)));
    // Routes arrive after the listener: wait until a host without policies answers.
    await waitFor(async () => (await request("unlimited.e2e.test", "/")).status === 200, { timeoutMs: 15_000, description: "Envoy to serve the routes" });
  });

  it("answers a CORS preflight from an allowed origin, and not one from another origin", async function () {
    const preflight = (origin: string) =>
      request("cors.e2e.test", "/", { method: "OPTIONS", headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "x-custom" } });

    const allowed = await preflight("https://allowed.example");
    assert.equal(allowed.status, 200, allowed.body);
    assert.equal(allowed.headers["access-control-allow-origin"], "https://allowed.example");
    assert.equal(allowed.headers["access-control-allow-methods"], "GET,PUT");
    assert.equal(allowed.headers["access-control-allow-headers"], "x-custom");
    assert.equal(allowed.headers["access-control-allow-credentials"], "true");
    assert.equal(allowed.headers["access-control-max-age"], "600");
    // Envoy answered it itself: the backend names itself in every answer.
    assert.equal(allowed.headers["x-backend-name"], undefined);

    const byRegex = await preflight("https://app.regex.example");
    assert.equal(byRegex.headers["access-control-allow-origin"], "https://app.regex.example");

    const other = await preflight("https://evil.example");
    assert.equal(other.headers["access-control-allow-origin"], undefined);
    assert.equal(other.headers["access-control-allow-methods"], undefined);

    // A simple request from an allowed origin reaches the backend and carries the CORS headers back.
    const get = await request("cors.e2e.test", "/", { headers: { origin: "https://allowed.example" } });
    assert.equal(get.status, 200);
    assert.equal(get.headers["access-control-allow-origin"], "https://allowed.example");
    assert.equal(get.headers["access-control-expose-headers"], "x-backend-name");
  });

  it("limits a host to 2 requests per minute with 429 on the third; other hosts and a route's own limit are unaffected", async function () {
    const statuses: number[] = [];
    let limited: HttpResponse | undefined;
    for (let i = 0; i < 3; i++) {
      const res = await request("limited.e2e.test", "/");
      statuses.push(res.status);
      limited = res;
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    // The response header is user data: its `%` reaches the client as written.
    assert.equal(limited?.headers["x-limited"], "100%");

    for (let i = 0; i < 5; i++) assert.equal((await request("unlimited.e2e.test", "/")).status, 200, "another host is not limited");
    for (let i = 0; i < 3; i++) assert.equal((await request("limited.e2e.test", "/own")).status, 200, "a route with its own limit is not");
    assert.equal((await request("limited.e2e.test", "/")).status, 429, "the host stays limited");
    assert.ok(((await ctx.bed.envoy.admin.stat("vhost.limited.e2e.test.http_local_rate_limit.rate_limited")) ?? 0) >= 2);
  });

  it("refuses a denied client with 403, lets an allowed one through, and lets a route override its host", async function () {
    const denied = await request("deny.e2e.test", "/");
    assert.equal(denied.status, 403, denied.body);
    assert.equal(denied.headers["x-backend-name"], undefined);
    assert.equal((await request("deny.e2e.test", "/open")).status, 200, "the route's allow list replaces the host's deny list");

    const allowed = await request("allow.e2e.test", "/");
    assert.equal(allowed.status, 200, allowed.body);
    assert.equal(allowed.json<BackendReply>().name, "blue");
    assert.equal((await request("allow.e2e.test", "/closed")).status, 403, "127.0.0.1 is not in the route's 10.0.0.0/8");
    assert.equal((await request("closed.e2e.test", "/")).status, 403, "an allow list left without a valid rule allows nobody");
  });

  it("marks the endpoint that fails its HTTP health check unhealthy and sends traffic to the healthy one", async function () {
    this.timeout(30_000);
    const pool = async (): Promise<HostStatus[]> => {
      const statuses = (await ctx.bed.envoy.admin.clusters()) as ClusterStatuses;
      return statuses.cluster_statuses.find((c) => c.name.startsWith("e2e/pool/"))?.host_statuses ?? [];
    };
    const sickFailed = await waitFor(
      async () => (await pool()).find((h) => h.address.socket_address.port_value === sickPort)?.health_status.failed_active_health_check === true,
      { timeoutMs: 15_000, description: "Envoy to mark the sick endpoint as failing its health check" },
    );
    assert.ok(sickFailed);
    const blue = ctx.bed.backends.find((b) => b.name === "blue")!;
    const blueStatus = (await pool()).find((h) => h.address.socket_address.port_value === blue.port);
    assert.ok(blueStatus !== undefined && blueStatus.health_status.failed_active_health_check !== true, JSON.stringify(blueStatus));

    const seen = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const res = await request("health.e2e.test", "/");
      assert.equal(res.status, 200, res.body);
      const name = res.json<BackendReply>().name;
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    assert.deepEqual([...seen.entries()], [["blue", 20]]);
  });

  it("passes a `%` in a header value through literally, to the backend and to the client", async function () {
    const res = await request("headers.e2e.test", "/");
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json<BackendReply>().headers["x-literal"], LITERAL);
    assert.equal(res.headers["x-literal-response"], LITERAL);
  });

  it("has Envoy accept every resource (no NACK) and run the cluster's idle timeout", async function () {
    const dump = await ctx.bed.envoy.admin.configDump({ resource: "dynamic_active_clusters" });
    const pool = JSON.stringify(dump.configs.find((c) => JSON.stringify(c).includes("e2e/pool/")) ?? {});
    assert.match(pool, /"idle_timeout":"30s"/);
    assert.equal(await ctx.bed.envoy.admin.stat("listener_manager.lds.update_rejected"), 0);
    assert.equal(await ctx.bed.envoy.admin.stat("cluster_manager.cds.update_rejected"), 0);
    assert.equal(await ctx.bed.envoy.admin.stat("http.ingress_http.rds.ingress_http.update_rejected"), 0);
    assert.equal((await httpGet(`http://127.0.0.1:${port}/`, { host: "unlimited.e2e.test" })).status, 200);
  });
});
