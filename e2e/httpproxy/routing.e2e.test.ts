// HTTPProxy through the whole product: proxies on a real kube-apiserver (CRDs installed), `contour serve`,
// a real Envoy and backends in the pod network. Conditions, weights, includes across namespaces, rewrites,
// redirects, direct responses, timeouts and retries, and the status contour writes back.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "mocha";
import { stringify } from "yaml";
import type { HTTPProxy } from "../../crds/index.js";
import { HTTPPROXY_PLURAL } from "../../crds/index.js";
import { createHTTPProxy, formatTable, getTable, readHTTPProxy, updateHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { waitFor, type HttpResponse } from "../harness/index.js";

const ROOTS = "roots";
const TEAM = "team";

const backendName = (res: HttpResponse): string => (res.status === 200 ? res.json<{ name: string }>().name : `HTTP ${res.status}`);

describe("HTTPProxy: routing through Envoy", function () {
  const ctx = useStack({ pods: ["web-1", "web-2", "api-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  async function backend(namespace: string, name: string, pod: number): Promise<void> {
    const { bed, kube } = ctx.stack;
    await createService(kube, namespace, name, [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, namespace, name, "http", [{ ip: bed.pods[pod]!.ip, port: bed.pods[pod]!.port }]);
  }

  const statusOf = (namespace: string, name: string, want: string): Promise<HTTPProxy> => waitForProxyStatus(kc(), namespace, name, want);

  it("routes prefix, exact, regex, header and query conditions", async () => {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, ROOTS);
    await backend(ROOTS, "web", 0);
    await backend(ROOTS, "api", 2);
    await createHTTPProxy(kc(), ROOTS, "match", {
      virtualhost: { fqdn: "match.example.com" },
      routes: [
        { conditions: [{ prefix: "/" }], services: [{ name: "web", port: 80 }] },
        { conditions: [{ exact: "/exact" }], services: [{ name: "api", port: 80 }] },
        { conditions: [{ regex: "/items/[0-9]+" }], services: [{ name: "api", port: 80 }] },
        { conditions: [{ prefix: "/h" }, { header: { name: "x-tenant", exact: "blue" } }], services: [{ name: "api", port: 80 }] },
        { conditions: [{ prefix: "/q" }, { queryParameter: { name: "v", exact: "2" } }], services: [{ name: "api", port: 80 }] },
      ],
    });
    await ctx.stack.waitForHttp("match.example.com", "/", (r) => r.status === 200, "match.example.com to be served");
    const name = async (path: string, headers: Record<string, string> = {}) => backendName(await ctx.stack.http("match.example.com", path, { headers }));
    assert.equal(await name("/exact"), "api-1");
    assert.equal(await name("/exact/more"), "web-1", "exact does not match longer paths");
    assert.equal(await name("/items/42"), "api-1");
    assert.equal(await name("/items/x"), "web-1");
    assert.equal(await name("/h", { "x-tenant": "blue" }), "api-1");
    assert.equal(await name("/h", { "x-tenant": "red" }), "web-1");
    assert.equal(await name("/q?v=2"), "api-1");
    assert.equal(await name("/q?v=1"), "web-1");
    assert.equal(await name("/hello"), "web-1");
    assert.equal((await statusOf(ROOTS, "match", "valid")).status?.description, "Valid HTTPProxy");
  });

  it("splits traffic by weight", async () => {
    await createHTTPProxy(kc(), ROOTS, "weights", {
      virtualhost: { fqdn: "weights.example.com" },
      routes: [{ services: [{ name: "web", port: 80, weight: 80 }, { name: "api", port: 80, weight: 20 }] }],
    });
    await ctx.stack.waitForHttp("weights.example.com", "/", (r) => r.status === 200, "weights.example.com to be served");
    const seen = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const n = backendName(await ctx.stack.http("weights.example.com", "/"));
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    const web = seen.get("web-1") ?? 0;
    const api = seen.get("api-1") ?? 0;
    assert.equal(web + api, 200, `only the two backends answer: ${JSON.stringify([...seen])}`);
    assert.ok(web > 120 && api > 10, `about 80/20: web ${web}, api ${api}`);
  });

  it("delegates a prefix to another namespace, concatenating prefixes down the chain", async () => {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, TEAM);
    await backend(TEAM, "blog", 1);
    await createHTTPProxy(kc(), ROOTS, "site", {
      virtualhost: { fqdn: "site.example.com" },
      includes: [{ name: "blog", namespace: TEAM, conditions: [{ prefix: "/blog" }] }],
      routes: [{ services: [{ name: "web", port: 80 }] }],
    });
    await createHTTPProxy(kc(), TEAM, "blog", {
      includes: [{ name: "posts", conditions: [{ prefix: "/posts" }] }],
      routes: [{ services: [{ name: "blog", port: 80 }] }],
    });
    await createHTTPProxy(kc(), TEAM, "posts", { routes: [{ conditions: [{ prefix: "/v2" }], services: [{ name: "blog", port: 80 }], pathRewritePolicy: { replacePrefix: [{ replacement: "/api" }] } }] });
    await ctx.stack.waitForHttp("site.example.com", "/blog/posts/v2/7", (r) => r.status === 200 && backendName(r) === "web-2", "the included routes to be served");
    const res = await ctx.stack.http("site.example.com", "/blog/posts/v2/7");
    assert.equal(res.json<{ path: string }>().path, "/api/7", "the merged prefix /blog/posts/v2 is replaced");
    assert.equal(backendName(await ctx.stack.http("site.example.com", "/blog/x")), "web-2");
    assert.equal(backendName(await ctx.stack.http("site.example.com", "/other")), "web-1");
    await statusOf(TEAM, "blog", "valid");
    await statusOf(TEAM, "posts", "valid");
  });

  it("answers redirects and direct responses", async () => {
    await createHTTPProxy(kc(), ROOTS, "answers", {
      virtualhost: { fqdn: "answers.example.com" },
      routes: [
        { conditions: [{ prefix: "/old" }], requestRedirectPolicy: { hostname: "new.example.com", statusCode: 301, prefix: "/new" } },
        { conditions: [{ prefix: "/teapot" }], directResponsePolicy: { statusCode: 418, body: "short and stout %DOWNSTREAM_REMOTE_ADDRESS%" } },
      ],
    });
    const redirect = await ctx.stack.waitForHttp("answers.example.com", "/old/page", (r) => r.status === 301, "the redirect to be served");
    assert.equal(redirect.headers["location"], "http://new.example.com/new/page");
    const teapot = await ctx.stack.http("answers.example.com", "/teapot");
    assert.equal(teapot.status, 418);
    assert.equal(teapot.body, "short and stout %DOWNSTREAM_REMOTE_ADDRESS%", "a user's % syntax stays literal");
  });

  it("applies timeouts and retries", async () => {
    await createHTTPProxy(kc(), ROOTS, "policies", {
      virtualhost: { fqdn: "policies.example.com" },
      routes: [
        { conditions: [{ prefix: "/delay" }], services: [{ name: "web", port: 80 }], timeoutPolicy: { response: "300ms" } },
        { conditions: [{ prefix: "/status" }], services: [{ name: "web", port: 80 }], retryPolicy: { count: 2, retryOn: ["5xx"] } },
      ],
    });
    await ctx.stack.waitForHttp("policies.example.com", "/delay/1", (r) => r.status === 200, "policies.example.com to be served");
    assert.equal((await ctx.stack.http("policies.example.com", "/delay/2000")).status, 504, "the 300 ms response timeout cuts a 2 s answer");
    const retries = async (): Promise<number> => {
      let total = 0;
      for (const [, v] of await ctx.stack.envoy.admin.stats("\\.upstream_rq_retry$")) total += v;
      return total;
    };
    const before = await retries();
    assert.equal((await ctx.stack.http("policies.example.com", "/status/503")).status, 503);
    await waitFor(async () => (await retries()) >= before + 2, { timeoutMs: 5000, description: "Envoy to count two retries" });
  });

  it("reports valid, invalid (naming the field) and orphaned proxies in their status", async () => {
    await createHTTPProxy(kc(), TEAM, "lonely", { routes: [{ services: [{ name: "blog", port: 80 }] }] });
    await createHTTPProxy(kc(), ROOTS, "broken", {
      virtualhost: { fqdn: "broken.example.com" },
      routes: [
        { conditions: [{ prefix: "/ok" }], services: [{ name: "web", port: 80 }] },
        { conditions: [{ prefix: "/missing" }], services: [{ name: "no-such-service", port: 80 }] },
      ],
    });
    const orphan = await statusOf(TEAM, "lonely", "orphaned");
    assert.equal(orphan.status?.description, "this HTTPProxy is not part of a delegation chain from a root HTTPProxy");
    assert.deepEqual(orphan.status?.conditions?.[0]?.errors?.map((e) => [e.type, e.reason]), [["Orphaned", "Orphaned"]]);

    const broken = await statusOf(ROOTS, "broken", "invalid");
    const valid = broken.status?.conditions?.find((c) => c.type === "Valid");
    assert.equal(valid?.status, "False");
    assert.equal(valid?.reason, "ErrorPresent");
    assert.equal(broken.status?.description, "At least one error present, see Errors for details");
    const [error] = valid?.errors ?? [];
    assert.equal(error?.type, "ServiceError");
    assert.equal(error?.reason, "ServiceUnresolvedReference");
    assert.match(error?.message ?? "", /^spec\.routes\[1\]\.services\[0\]: Service "roots\/no-such-service" not found/u);
    assert.equal(valid?.observedGeneration, broken.metadata?.generation);
    // As upstream: the rest of the proxy is served, the unresolved route answers 503.
    await ctx.stack.waitForHttp("broken.example.com", "/ok", (r) => r.status === 200, "broken.example.com/ok to be served");
    assert.equal((await ctx.stack.http("broken.example.com", "/missing")).status, 503);

    // What `kubectl get httpproxy` and the status part of `kubectl describe` show, for the README.
    const table = await getTable(ctx.stack.bed.apiserver, ROOTS, HTTPPROXY_PLURAL);
    assert.deepEqual(table.columnDefinitions.map((c) => c.name).slice(0, 5), ["Name", "FQDN", "TLS Secret", "Status", "Status Description"]);
    const valid2 = await readHTTPProxy(kc(), ROOTS, "match");
    console.log(
      [
        `\n      kubectl get httpproxy -n ${ROOTS}:`,
        formatTable(table).replace(/^/gmu, "        "),
        "      status of roots/match (valid):",
        stringify({ status: valid2.status }).replace(/^/gmu, "        "),
        "      status of roots/broken (invalid):",
        stringify({ status: broken.status }).replace(/^/gmu, "        "),
        "      status of team/lonely (orphaned):",
        stringify({ status: orphan.status }).replace(/^/gmu, "        "),
      ].join("\n"),
    );

    // Fixing it makes it valid, with a new transition time.
    await updateHTTPProxy(kc(), ROOTS, "broken", { virtualhost: { fqdn: "broken.example.com" }, routes: [{ services: [{ name: "web", port: 80 }] }] });
    const fixed = await statusOf(ROOTS, "broken", "valid");
    assert.equal(fixed.status?.conditions?.[0]?.errors, undefined);
    assert.equal(fixed.status?.conditions?.[0]?.observedGeneration, fixed.metadata?.generation);

    // The problem was logged, naming the proxy and the reason.
    const logged = readFileSync(ctx.stack.contour.process.logPath, "utf8").split("\n").find((l) => l.includes('"reason":"ServiceUnresolvedReference"') && l.includes('"name":"broken"'));
    assert.ok(logged, "a log line names the proxy and the reason");
    const metrics = await ctx.stack.contour.metrics();
    assert.match(metrics, /contour_sources\{kind="HTTPProxy",validity="orphaned"\} [1-9]/u);
    assert.match(metrics, /contour_sources\{kind="HTTPProxy",validity="valid"\} [1-9]/u);

  });

  it("writes the Envoy address into every proxy's status.loadBalancer, orphans included", async () => {
    const { kube } = ctx.stack;
    await kube.core.createNamespacedService({ namespace: "projectcontour", body: { metadata: { name: "envoy" }, spec: { ports: [{ name: "http", port: 80 }], externalIPs: ["192.0.2.10"] } } });
    for (const [ns, name] of [[ROOTS, "match"], [TEAM, "lonely"]] as const) {
      await waitFor(async () => (await readHTTPProxy(kc(), ns, name)).status?.loadBalancer?.ingress?.[0]?.ip === "192.0.2.10", { timeoutMs: 20_000, description: `${ns}/${name}'s status.loadBalancer` });
    }
  });

  it("turns hostile proxies into statuses, never into an Envoy NACK or a change to another tenant's routes", async () => {
    const hostile: [string, HTTPProxy["spec"]][] = [
      ["regex-bomb", { virtualhost: { fqdn: "bomb.example.com" }, routes: [{ conditions: [{ regex: "/(a{1000}){1000}" }], services: [{ name: "web", port: 80 }] }] }],
      ["big-body", { virtualhost: { fqdn: "body.example.com" }, routes: [{ directResponsePolicy: { statusCode: 200, body: "b".repeat(5000) } }] }],
      ["header-injection", { virtualhost: { fqdn: "inject.example.com" }, routes: [{ services: [{ name: "blog", port: 80 }], requestHeadersPolicy: { set: [{ name: "x-a", value: "%START_TIME% %ENVIRONMENT(HOME)% %FILTER_STATE(x)%" }] } }] }],
      ["site-again", { virtualhost: { fqdn: "site.example.com" }, routes: [{ services: [{ name: "api", port: 80 }] }] }],
    ];
    for (const [name, spec] of hostile) await createHTTPProxy(kc(), TEAM, name, spec);
    await statusOf(TEAM, "regex-bomb", "invalid");
    await statusOf(TEAM, "big-body", "invalid");
    // Format syntax off upstream's allow-list stays data: the backend sees the literal text, not a timestamp
    // or Envoy's environment.
    const echoed = await ctx.stack.waitForHttp("inject.example.com", "/", (r) => r.status === 200, "inject.example.com to be served", { headers: { authorization: "secret" } });
    assert.equal(echoed.json<{ headers: Record<string, string> }>().headers["x-a"], "%START_TIME% %ENVIRONMENT(HOME)% %FILTER_STATE(x)%");
    // Another namespace claiming an existing host: both are refused (DuplicateVhost), nothing is handed over.
    await statusOf(TEAM, "site-again", "invalid");
    const rejected = await ctx.stack.envoy.admin.stats("update_rejected$");
    assert.deepEqual([...rejected].filter(([, v]) => v > 0), [], "Envoy rejected no configuration");
    assert.equal(backendName(await ctx.stack.http("match.example.com", "/exact")), "api-1", "other tenants' routes are untouched");
  });
});
