// Ingress through the whole product: objects applied to a real kube-apiserver, `contour serve`,
// and requests through a real Envoy to local backends.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { readFileSync } from "node:fs";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { waitFor } from "../harness/index.js";

const NS = "shop";

describe("Ingress: routing through Envoy", function () {
  const ctx = useStack({ pods: ["web-1", "web-2", "api-1"] });

  it("routes a host to its Service's endpoints, and 404s once the Ingress is deleted", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "web", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "web", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createIngress(kube, NS, "web", simpleIngressSpec("web.example.com", "web", 80));

    const res = await ctx.stack.waitForHttp("web.example.com", "/hello", (r) => r.status === 200, "web.example.com to reach web-1");
    assert.equal(res.json<{ name: string; path: string }>().name, "web-1");
    assert.equal(res.json<{ path: string }>().path, "/hello");
    assert.equal((await ctx.stack.http("other.example.com")).status, 404, "an unknown host gets 404");

    await kube.networking.deleteNamespacedIngress({ namespace: NS, name: "web" });
    await ctx.stack.waitForHttp("web.example.com", "/", (r) => r.status === 404, "web.example.com to 404 after the Ingress is deleted");
  });

  it("sends traffic to a new endpoint added to the Service", async () => {
    const { bed, kube } = ctx.stack;
    await createService(kube, NS, "api", [{ port: 8080 }]);
    await applyEndpointSlice(kube, NS, "api", undefined, [{ ip: bed.pods[0]!.ip, port: bed.pods[2]!.port }], "a");
    await createIngress(kube, NS, "api", simpleIngressSpec("api.example.com", "api", 8080));
    await ctx.stack.waitForHttp("api.example.com", "/", (r) => r.status === 200 && r.json<{ name: string }>().name === "api-1", "api.example.com to reach api-1");

    // A second backend behind the same Service: Envoy must balance across both.
    await applyEndpointSlice(kube, NS, "api", undefined, [{ ip: bed.pods[0]!.ip, port: bed.pods[1]!.port }], "b");
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const res = await ctx.stack.http("api.example.com");
        if (res.status === 200) seen.add(res.json<{ name: string }>().name);
        return seen.has("web-2") && seen.has("api-1");
      },
      { timeoutMs: 20_000, intervalMs: 20, description: () => `both endpoints to answer (seen: ${[...seen].join(", ")})` },
    );
  });

  it("matches Exact and Prefix paths as Kubernetes defines them", async () => {
    const { bed, kube } = ctx.stack;
    await createService(kube, NS, "paths-a", [{ name: "http", port: 80 }]);
    await createService(kube, NS, "paths-b", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "paths-a", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await applyEndpointSlice(kube, NS, "paths-b", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[2]!.port }]);
    await createIngress(kube, NS, "paths", {
      rules: [
        {
          host: "paths.example.com",
          http: {
            paths: [
              { path: "/exact", pathType: "Exact", backend: { service: { name: "paths-a", port: { name: "http" } } } },
              { path: "/app", pathType: "Prefix", backend: { service: { name: "paths-b", port: { number: 80 } } } },
            ],
          },
        },
      ],
    });
    const name = async (path: string) => {
      const res = await ctx.stack.http("paths.example.com", path);
      return res.status === 200 ? res.json<{ name: string }>().name : String(res.status);
    };
    await waitFor(async () => (await name("/exact")) === "web-1", { timeoutMs: 20_000, description: "paths.example.com/exact to route" });
    assert.equal(await name("/exact/more"), "404", "Exact does not match a longer path");
    assert.equal(await name("/app"), "api-1");
    assert.equal(await name("/app/x"), "api-1", "Prefix matches below the prefix");
    assert.equal(await name("/application"), "404", "Prefix matches whole path segments only");
  });

  it("keeps serving other Ingresses when one references a missing Service, and logs why", async () => {
    const { kube, contour } = ctx.stack;
    await createIngress(kube, NS, "broken", {
      rules: [
        {
          host: "broken.example.com",
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "no-such-service", port: { number: 80 } } } }] },
        },
        {
          host: "paths.example.com",
          http: { paths: [{ path: "/other", pathType: "Prefix", backend: { service: { name: "no-such-service", port: { number: 80 } } } }] },
        },
      ],
    });
    await waitFor(() => readFileSync(contour.process.logPath, "utf8").includes("no-such-service"), {
      timeoutMs: 20_000,
      description: "contour to log the missing Service",
    });
    const line = readFileSync(contour.process.logPath, "utf8")
      .split("\n")
      .find((l) => l.includes("no-such-service") && l.includes('"name":"broken"'));
    assert.ok(line, "the log line names the Ingress");
    assert.match(line, /"reason":"Service/);
    // The other routes of the shared host and of every other Ingress are untouched.
    assert.equal((await ctx.stack.http("paths.example.com", "/exact")).status, 200);
    assert.equal((await ctx.stack.http("api.example.com")).status, 200);
    assert.equal((await ctx.stack.http("broken.example.com")).status, 404);
  });

  it("writes the Envoy address into the status of served Ingresses", async () => {
    const { kube } = ctx.stack;
    // --ingress-status-address is not set, so the address comes from the Envoy Service's spec.externalIPs.
    await kube.core.createNamespacedService({
      namespace: "projectcontour",
      body: { metadata: { name: "envoy" }, spec: { ports: [{ name: "http", port: 80 }], externalIPs: ["192.0.2.10"] } },
    });
    const ingress = await waitFor(
      async () => {
        const got = await kube.networking.readNamespacedIngress({ namespace: NS, name: "api" });
        return got.status?.loadBalancer?.ingress?.[0]?.ip === "192.0.2.10" ? got : undefined;
      },
      { timeoutMs: 20_000, description: "the api Ingress's status.loadBalancer to name the Envoy Service's address" },
    );
    assert.deepEqual(JSON.parse(JSON.stringify(ingress.status?.loadBalancer?.ingress)), [{ ip: "192.0.2.10" }]);
  });
});
