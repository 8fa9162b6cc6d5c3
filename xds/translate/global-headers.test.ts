import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Model, Route, VirtualHost } from "../../controllers/model/model.js";
import { resolveOptions } from "./options.js";
import { translateVirtualHost } from "./routes.js";
import { repoRoot } from "./test-support.js";

const model = JSON.parse(readFileSync(`${repoRoot()}/xds/translate/testdata/settings-brotli.model.json`, "utf8")) as Model;
const base = model.virtualHosts[0]!;

function host(route: Partial<Route>): VirtualHost {
  return { ...base, routes: [{ ...base.routes[0]!, ...route }] };
}

const options = resolveOptions({
  globalRequestHeaders: { set: [{ name: "X-Env", value: "prod" }, { name: "X-Team", value: "edge" }], remove: ["X-Debug"] },
});

function requestHeaders(vhost: VirtualHost, opts = options): Record<string, string> {
  const route = translateVirtualHost(vhost, "http", opts).routes[0]!;
  return Object.fromEntries(route.requestHeadersToAdd.map((h) => [h.header!.key, h.header!.value]));
}

describe("global header policies (upstream's policy.request-headers / response-headers)", () => {
  it("set headers on HTTPProxy routes, the route's own value winning for the same header", () => {
    const own = host({ requestHeaders: { set: [{ name: "x-team", value: "payments" }], remove: [] } });
    assert.deepEqual(requestHeaders(own), { "X-Env": "prod", "x-team": "payments" });
    const route = translateVirtualHost(own, "http", options).routes[0]!;
    assert.deepEqual(route.requestHeadersToRemove, ["x-debug"]);
  });

  it("leave Ingress routes alone unless applyToIngress, and Gateway API routes always", () => {
    const ingress = host({ source: { kind: "Ingress", namespace: "brotli", name: "ing" } });
    assert.deepEqual(requestHeaders(ingress), {});
    assert.deepEqual(requestHeaders(ingress, { ...options, globalHeadersApplyToIngress: true }), { "X-Env": "prod", "X-Team": "edge" });
    const httpRoute = host({ source: { kind: "HTTPRoute", namespace: "brotli", name: "r" } });
    assert.deepEqual(requestHeaders(httpRoute, { ...options, globalHeadersApplyToIngress: true }), {});
  });
});
