// HTTPProxy policies through the whole product (kube-apiserver with CRDs, `contour serve`, a real
// Envoy, backends in the pod network): CORS, local rate limits, IP allow/deny lists, request
// mirroring, hash-based load balancing, header policies at route and service level, and active
// health checks. Each checks what a client and the backends see on the wire.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "mocha";
import type { HTTPProxy, HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy } from "../fixtures/contour-objects.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, httpRequest, waitFor, type BackendReply, type HttpRequestOptions, type HttpResponse, type PodBackend, type RequestLogReply } from "../harness/index.js";

const NS = "policies";
const PODS = ["web-1", "web-2", "web-3", "shadow-1"] as const;
type PodName = (typeof PODS)[number];

/** What /clusters?format=json says about one cluster's endpoints. */
interface ClusterStatuses {
  cluster_statuses?: {
    name: string;
    host_statuses?: { address: { socket_address: { port_value: number } }; health_status: { failed_active_health_check?: boolean } }[];
  }[];
}

const nameOf = (res: HttpResponse): string => (res.status === 200 ? res.json<BackendReply>().name : `HTTP ${res.status}`);

describe("HTTPProxy: policies through Envoy", function () {
  const ctx = useStack({ pods: PODS, crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  const pod = (name: PodName): PodBackend => ctx.stack.bed.pods.find((p) => p.name === name)!;
  const request = (host: string, path: string, options: HttpRequestOptions = {}): Promise<HttpResponse> =>
    httpRequest(`http://127.0.0.1:${ctx.stack.envoyPorts.http}${path}`, { host, timeoutMs: 3000, ...options });

  /** A Service on port 80 whose endpoints are the named pods (one EndpointSlice per pod: they differ in port). */
  async function service(name: string, pods: readonly PodName[]): Promise<void> {
    const { kube } = ctx.stack;
    await createService(kube, NS, name, [{ name: "http", port: 80 }]);
    for (const p of pods) await applyEndpointSlice(kube, NS, name, "http", [{ ip: pod(p).ip, port: pod(p).port }], p);
  }

  async function proxy(name: string, spec: HTTPProxySpec): Promise<void> {
    await createHTTPProxy(kc(), NS, name, spec);
    let last: HTTPProxy | undefined;
    await waitFor(
      async () => {
        last = await readHTTPProxy(kc(), NS, name);
        return last.status?.currentStatus === "valid";
      },
      { timeoutMs: 20_000, description: () => `${NS}/${name} to be valid (status: ${JSON.stringify(last?.status)})` },
    );
  }

  /** Asks a pod backend directly (not through Envoy) how often it saw `path`. */
  async function seenBy(name: PodName, path: string): Promise<RequestLogReply> {
    const res = await httpGet(`${pod(name).url}/__requests?path=${encodeURIComponent(path)}`, { timeoutMs: 3000 });
    return res.json<RequestLogReply>();
  }

  before(async function () {
    await ensureNamespace(ctx.stack.kube, NS);
    await service("web", ["web-1"]);
    await service("pool", ["web-1", "web-2", "web-3"]);
    await service("shadow", ["shadow-1"]);
    await service("checked", ["web-1", "web-2"]);
  });

  it("answers a CORS preflight from an allowed origin, and not one from another origin", async () => {
    await proxy("cors", {
      virtualhost: {
        fqdn: "cors.example.com",
        corsPolicy: {
          allowOrigin: ["https://allowed.example"],
          allowMethods: ["GET", "PUT"],
          allowHeaders: ["x-custom"],
          exposeHeaders: ["x-backend-name"],
          allowCredentials: true,
          maxAge: "10m",
        },
      },
      routes: [{ services: [{ name: "web", port: 80 }] }],
    });
    await ctx.stack.waitForHttp("cors.example.com", "/", (r) => r.status === 200, "cors.example.com to be served");
    const preflight = (origin: string) =>
      request("cors.example.com", "/", { method: "OPTIONS", headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "x-custom" } });

    const allowed = await preflight("https://allowed.example");
    assert.equal(allowed.status, 200, allowed.body);
    assert.equal(allowed.headers["access-control-allow-origin"], "https://allowed.example");
    assert.equal(allowed.headers["access-control-allow-methods"], "GET,PUT");
    assert.equal(allowed.headers["access-control-allow-headers"], "x-custom");
    assert.equal(allowed.headers["access-control-allow-credentials"], "true");
    assert.equal(allowed.headers["access-control-max-age"], "600");
    assert.equal(allowed.headers["x-backend-name"], undefined, "Envoy answered the preflight itself");

    const other = await preflight("https://evil.example");
    assert.equal(other.headers["access-control-allow-origin"], undefined);
    assert.equal(other.headers["access-control-allow-methods"], undefined);

    // A simple request from the allowed origin reaches the backend and carries the CORS headers back.
    const get = await request("cors.example.com", "/", { headers: { origin: "https://allowed.example" } });
    assert.equal(nameOf(get), "web-1");
    assert.equal(get.headers["access-control-allow-origin"], "https://allowed.example");
    assert.equal(get.headers["access-control-expose-headers"], "x-backend-name");
  });

  it("limits a virtual host to 2 requests a minute (429 on the third) while a route with its own limit is unaffected", async () => {
    await proxy("limited", {
      virtualhost: { fqdn: "limited.example.com", rateLimitPolicy: { local: { requests: 2, unit: "minute", responseHeadersToAdd: [{ name: "x-limited", value: "100%" }] } } },
      routes: [
        { services: [{ name: "web", port: 80 }] },
        { conditions: [{ prefix: "/own" }], services: [{ name: "web", port: 80 }], rateLimitPolicy: { local: { requests: 100, unit: "minute" } } },
      ],
    });
    // Wait on the route with its own bucket, so the host's two tokens are still there afterwards.
    await ctx.stack.waitForHttp("limited.example.com", "/own", (r) => r.status === 200, "limited.example.com/own to be served");
    const answers: HttpResponse[] = [];
    for (let i = 0; i < 3; i++) answers.push(await request("limited.example.com", "/"));
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 429]);
    assert.equal(answers[2]?.headers["x-limited"], "100%", "the limit's response header, % kept literal");
    assert.equal(answers[2]?.headers["x-backend-name"], undefined, "the limited request never reached the backend");

    for (let i = 0; i < 3; i++) assert.equal((await request("limited.example.com", "/own/x")).status, 200, "the route's own limit replaces the host's");
    assert.equal((await request("limited.example.com", "/")).status, 429, "the host stays limited");
  });

  it("filters clients by IP: Envoy sees 127.0.0.1, allowed by 127.0.0.1/32 and refused by 10.0.0.0/8 (and the reverse for deny lists)", async () => {
    const routes: HTTPProxySpec["routes"] = [{ services: [{ name: "web", port: 80 }] }];
    await proxy("allow-local", { virtualhost: { fqdn: "allow-local.example.com", ipAllowPolicy: [{ source: "Peer", cidr: "127.0.0.1/32" }] }, routes });
    await proxy("allow-ten", {
      virtualhost: { fqdn: "allow-ten.example.com", ipAllowPolicy: [{ source: "Peer", cidr: "10.0.0.0/8" }] },
      routes: [...routes, { conditions: [{ prefix: "/open" }], services: [{ name: "web", port: 80 }], ipAllowPolicy: [{ source: "Peer", cidr: "127.0.0.0/8" }] }],
    });
    await proxy("deny-local", {
      virtualhost: { fqdn: "deny-local.example.com", ipDenyPolicy: [{ source: "Peer", cidr: "127.0.0.1/32" }] },
      routes: [...routes, { conditions: [{ prefix: "/open" }], services: [{ name: "web", port: 80 }], ipDenyPolicy: [{ source: "Peer", cidr: "10.0.0.0/8" }] }],
    });
    await proxy("deny-ten", { virtualhost: { fqdn: "deny-ten.example.com", ipDenyPolicy: [{ source: "Peer", cidr: "10.0.0.0/8" }] }, routes });
    await proxy("remote-ten", { virtualhost: { fqdn: "remote-ten.example.com", ipAllowPolicy: [{ source: "Remote", cidr: "10.0.0.0/8" }] }, routes });

    const allowed = await ctx.stack.waitForHttp("allow-local.example.com", "/", (r) => r.status !== 404, "allow-local.example.com to be served");
    assert.equal(nameOf(allowed), "web-1", "127.0.0.1 is in the allow list 127.0.0.1/32");
    const refused = await ctx.stack.waitForHttp("allow-ten.example.com", "/", (r) => r.status !== 404, "allow-ten.example.com to be served");
    assert.equal(refused.status, 403, "127.0.0.1 is not in the allow list 10.0.0.0/8");
    assert.equal(refused.headers["x-backend-name"], undefined);
    assert.equal(nameOf(await request("allow-ten.example.com", "/open")), "web-1", "a route's allow list replaces its host's");

    const denied = await ctx.stack.waitForHttp("deny-local.example.com", "/", (r) => r.status !== 404, "deny-local.example.com to be served");
    assert.equal(denied.status, 403, "127.0.0.1 is in the deny list 127.0.0.1/32");
    assert.equal(nameOf(await request("deny-local.example.com", "/open")), "web-1", "a route's deny list replaces its host's");
    const notDenied = await ctx.stack.waitForHttp("deny-ten.example.com", "/", (r) => r.status !== 404, "deny-ten.example.com to be served");
    assert.equal(nameOf(notDenied), "web-1", "127.0.0.1 is not in the deny list 10.0.0.0/8");

    // Remote is the client address Envoy trusts: X-Forwarded-For from the client itself is not trusted.
    const spoofed = await ctx.stack.waitForHttp("remote-ten.example.com", "/", (r) => r.status !== 404, "remote-ten.example.com to be served", { headers: { "x-forwarded-for": "10.1.2.3" } });
    assert.equal(spoofed.status, 403, "a client's own X-Forwarded-For does not get it past a Remote allow list");
  });

  it("mirrors a route's requests to a mirror service and answers from the primary only", async () => {
    await proxy("mirror", {
      virtualhost: { fqdn: "mirror.example.com" },
      routes: [{ services: [{ name: "web", port: 80 }, { name: "shadow", port: 80, mirror: true }] }],
    });
    await ctx.stack.waitForHttp("mirror.example.com", "/", (r) => r.status === 200, "mirror.example.com to be served");
    // A path no other request used, so the backends' counts of it are this request's alone.
    const path = `/mirrored/${randomUUID()}`;
    const res = await request("mirror.example.com", path);
    assert.equal(nameOf(res), "web-1", "the client gets the primary's answer");
    const copy = await waitFor(async () => {
      const seen = await seenBy("shadow-1", path);
      return seen.count > 0 ? seen : undefined;
    }, { timeoutMs: 10_000, description: `shadow-1 to receive the mirrored ${path}` });
    assert.equal(copy.count, 1, "one copy per request");
    assert.equal(copy.headers?.host, "mirror.example.com-shadow", "Envoy marks the copy's Host");
    assert.equal((await seenBy("web-1", path)).count, 1, "the primary got the request once");
  });

  it("keeps requests with the same hashed header, or the session cookie, on one backend", async () => {
    await proxy("hashing", {
      virtualhost: { fqdn: "hashing.example.com" },
      routes: [
        { conditions: [{ prefix: "/by-header" }], services: [{ name: "pool", port: 80 }], loadBalancerPolicy: { strategy: "RequestHash", requestHashPolicies: [{ headerHashOptions: { headerName: "x-user" } }] } },
        { conditions: [{ prefix: "/by-cookie" }], services: [{ name: "pool", port: 80 }], loadBalancerPolicy: { strategy: "Cookie" } },
      ],
    });
    /** The backends that answer 30 requests to `path`, the i-th with headers(i). */
    const spread = async (path: string, headers: (i: number) => Record<string, string>): Promise<Set<string>> => {
      const seen = new Set<string>();
      for (let i = 0; i < 30; i++) seen.add(nameOf(await request("hashing.example.com", path, { headers: headers(i) })));
      return seen;
    };
    await ctx.stack.waitForHttp("hashing.example.com", "/by-header", (r) => r.status === 200, "hashing.example.com to be served");
    // All three endpoints must be in use, or "always the same one" would prove nothing.
    await waitFor(async () => (await spread("/by-header", (i) => ({ "x-user": `user-${i}` }))).size === 3, { timeoutMs: 20_000, description: "different x-user values to reach all three backends" });

    for (const user of ["alice", "bob"]) {
      const names = await spread("/by-header", () => ({ "x-user": user }));
      assert.equal(names.size, 1, `x-user ${user} always reaches the same backend: ${[...names].join(", ")}`);
    }

    // Cookie: Envoy sets the session cookie on the first answer; sending it back sticks to that backend.
    const first = await request("hashing.example.com", "/by-cookie");
    const setCookie = first.headers["set-cookie"]?.find((c) => c.startsWith("X-Contour-Session-Affinity="));
    assert.ok(setCookie !== undefined, `the first answer sets the session cookie (set-cookie: ${JSON.stringify(first.headers["set-cookie"])})`);
    const cookie = setCookie.split(";")[0]!;
    const sticky = await spread("/by-cookie", () => ({ cookie }));
    assert.deepEqual([...sticky], [nameOf(first)], "every request with the cookie reaches the first backend");
  });

  it("sets and removes request and response headers at route and service level, a % reaching the backend literally", async () => {
    const literal = "100% of %START_TIME%, %ENVIRONMENT(HOME)%, %RESP(host)% and %% stays"; // none on upstream's allow-list of Envoy variables
    await proxy("headers", {
      virtualhost: { fqdn: "headers.example.com" },
      routes: [
        {
          services: [
            {
              name: "web",
              port: 80,
              requestHeadersPolicy: { set: [{ name: "x-service", value: "%CONTOUR_NAMESPACE%/%CONTOUR_SERVICE_NAME%:%CONTOUR_SERVICE_PORT%" }], remove: ["x-drop-at-service"] },
              responseHeadersPolicy: { set: [{ name: "x-service-response", value: "from the service" }], remove: ["content-type"] },
            },
          ],
          requestHeadersPolicy: { set: [{ name: "x-route", value: "from the route" }, { name: "x-literal", value: literal }], remove: ["x-drop-at-route"] },
          responseHeadersPolicy: { set: [{ name: "x-route-response", value: "50% off" }], remove: ["x-backend-name"] },
        },
      ],
    });
    const res = await ctx.stack.waitForHttp("headers.example.com", "/", (r) => r.status === 200, "headers.example.com to be served", {
      headers: { "x-drop-at-route": "1", "x-drop-at-service": "1", "x-kept": "yes" },
    });
    const seen = res.json<BackendReply>().headers;
    assert.equal(seen["x-route"], "from the route");
    assert.equal(seen["x-literal"], literal, "no Envoy substitution: the value arrives as written");
    assert.equal(seen["x-service"], `${NS}/web:80`, "upstream's dynamic service values are filled in");
    assert.equal(seen["x-drop-at-route"], undefined);
    assert.equal(seen["x-drop-at-service"], undefined);
    assert.equal(seen["x-kept"], "yes");

    assert.equal(res.headers["x-route-response"], "50% off");
    assert.equal(res.headers["x-service-response"], "from the service");
    assert.equal(res.headers["x-backend-name"], undefined, "removed by the route's response policy");
    assert.equal(res.headers["content-type"], undefined, "removed by the service's response policy");
  });

  it("sends no traffic to an endpoint failing its health check, and answers 503 when every endpoint fails", async () => {
    const checks = { intervalSeconds: 1, timeoutSeconds: 1, unhealthyThresholdCount: 1, healthyThresholdCount: 1 };
    await proxy("health", {
      virtualhost: { fqdn: "health.example.com" },
      routes: [
        // Only web-2 answers 503 on this path (see backends.ts); web-1 answers 200.
        { conditions: [{ prefix: "/some-fail" }], services: [{ name: "checked", port: 80 }], healthCheckPolicy: { path: "/status-on/web-2/503", ...checks } },
        { conditions: [{ prefix: "/all-fail" }], services: [{ name: "checked", port: 80 }], healthCheckPolicy: { path: "/status/503", ...checks } },
      ],
    });
    // Both routes share a Service but not the cluster: each health check policy makes its own.
    const failedPorts = async (): Promise<Map<string, number[]>> => {
      const statuses = (await ctx.stack.envoy.admin.clusters()) as ClusterStatuses;
      const out = new Map<string, number[]>();
      for (const c of statuses.cluster_statuses ?? []) {
        if (!c.name.startsWith(`${NS}/checked/80/`)) continue;
        out.set(c.name, (c.host_statuses ?? []).filter((h) => h.health_status.failed_active_health_check === true).map((h) => h.address.socket_address.port_value).sort());
      }
      return out;
    };
    const web1 = pod("web-1").port;
    const web2 = pod("web-2").port;
    let last = new Map<string, number[]>();
    await waitFor(
      async () => {
        last = await failedPorts();
        const failed = [...last.values()].map((ports) => JSON.stringify(ports)).sort();
        return failed.length === 2 && failed.includes(JSON.stringify([web2])) && failed.includes(JSON.stringify([web1, web2].sort()));
      },
      { timeoutMs: 20_000, description: () => `Envoy to fail web-2 in one cluster and both endpoints in the other (failed ports by cluster: ${JSON.stringify([...last])})` },
    );

    // Clusters reach Envoy before routes (CDS before RDS), so the health checks can settle
    // while the virtual host is still unknown: wait until the route itself is served.
    await ctx.stack.waitForHttp("health.example.com", `/some-fail/${randomUUID()}`, (r) => r.status === 200, "health.example.com/some-fail to be served");
    const path = `/some-fail/${randomUUID()}`;
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) names.add(nameOf(await request("health.example.com", path)));
    assert.deepEqual([...names], ["web-1"], "round robin over two endpoints, but only the healthy one is used");
    assert.equal((await seenBy("web-2", path)).count, 0);
    const probe = await seenBy("web-2", "/status-on/web-2/503");
    assert.ok(probe.count > 0, "Envoy probed web-2's health path");
    assert.equal(probe.headers?.host, "contour-envoy-healthcheck", "health checks carry upstream Contour's default Host");

    // No panic routing: with every endpoint failing, Envoy answers 503 itself rather than use them.
    const allFail = `/all-fail/${randomUUID()}`;
    const res = await request("health.example.com", allFail);
    assert.equal(res.status, 503);
    assert.equal(res.body, "no healthy upstream");
    assert.equal((await seenBy("web-1", allFail)).count + (await seenBy("web-2", allFail)).count, 0);
  });

  it("ends with Envoy having accepted every update", async () => {
    await assertNoRejectedUpdates(ctx.stack.envoy);
  });
});
