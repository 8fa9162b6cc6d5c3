import assert from "node:assert/strict";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { Any } from "@bufbuild/protobuf/wkt";
import { RBAC_Action } from "../gen/envoy/config/rbac/v3/rbac_pb.js";
import { CorsPolicySchema } from "../gen/envoy/extensions/filters/http/cors/v3/cors_pb.js";
import { LocalRateLimitSchema } from "../gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb.js";
import { RBACPerRouteSchema } from "../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { CorsPolicy, IpFilter, LocalRateLimit, Route, VirtualHost } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import { translateHttpFilters } from "./http-filters.js";
import { routeFilterConfig, virtualHostFilterConfig } from "./per-filter-config.js";

const limit = (over: Partial<LocalRateLimit> = {}): LocalRateLimit => ({
  tokensPerFill: 2,
  maxTokens: 2,
  fillIntervalMs: 60_000,
  responseStatus: 429,
  responseHeaders: [],
  ...over,
});

const route = (over: Partial<Route> = {}): Route => ({
  source: { kind: "HTTPProxy", namespace: "ns", name: "p" },
  match: { path: { kind: "prefix", value: "/", segment: false }, headers: [], queryParams: [] },
  action: { kind: "direct", status: 200 },
  httpsRedirect: false,
  ...over,
});

const vhost = (over: Partial<VirtualHost> = {}): VirtualHost => ({ fqdn: "app.example.com", routes: [route()], ...over });

const cors = (over: Partial<CorsPolicy> = {}): CorsPolicy => ({
  allowOrigin: [{ value: "https://a.example.com", regex: false }],
  allowMethods: ["GET"],
  allowHeaders: [],
  exposeHeaders: [],
  allowCredentials: false,
  allowPrivateNetwork: false,
  ...over,
});

function rbac(any: Any | undefined) {
  assert.ok(any !== undefined, "an RBACPerRoute");
  return anyUnpack(any, RBACPerRouteSchema)!.rbac!.rules!;
}

describe("HTTP filter chain", () => {
  it("holds the compressor, grpc_web, grpc_stats, cors, local_ratelimit, lua and rbac before the router, as upstream orders them", () => {
    assert.deepEqual(
      translateHttpFilters({ compression: "gzip" }).map((f: HttpFilter) => f.name),
      [EnvoyExtension.compressor, EnvoyExtension.grpcWeb, EnvoyExtension.grpcStats, EnvoyExtension.cors, EnvoyExtension.localRateLimit, "envoy.filters.http.lua", EnvoyExtension.rbac, EnvoyExtension.router],
    );
  });

  it("has no compressor when compression is disabled", () => {
    assert.deepEqual(
      translateHttpFilters({ compression: "disabled" }).map((f: HttpFilter) => f.name),
      [EnvoyExtension.grpcWeb, EnvoyExtension.grpcStats, EnvoyExtension.cors, EnvoyExtension.localRateLimit, "envoy.filters.http.lua", EnvoyExtension.rbac, EnvoyExtension.router],
    );
  });

  it("puts a secure host's own filters (jwt_authn) after the policy filters, before the router", () => {
    const jwt = { name: EnvoyExtension.jwtAuthn } as HttpFilter;
    assert.deepEqual(translateHttpFilters({ compression: "disabled" }, { hostFilters: [jwt] }).map((f: HttpFilter) => f.name).slice(-2), [EnvoyExtension.jwtAuthn, EnvoyExtension.router]);
  });
});

describe("per-filter config of virtual hosts and routes", () => {
  it("is empty for a host and route without policies", () => {
    assert.deepEqual(virtualHostFilterConfig(vhost()), {});
    assert.deepEqual(routeFilterConfig(route(), vhost()), {});
  });

  it("keys each policy by its filter's name, in the chain's order", () => {
    const ipFilter: IpFilter = { action: "deny", rules: [{ source: "peer", cidr: "10.0.0.0/8" }] };
    const config = virtualHostFilterConfig(vhost({ cors: cors(), rateLimit: limit(), ipFilter }));
    assert.deepEqual(Object.keys(config), [EnvoyExtension.cors, EnvoyExtension.localRateLimit, EnvoyExtension.rbac]);
  });

  it("gives a route its own rate limit, counted under the host's stat prefix", () => {
    const r = route({ rateLimit: limit({ maxTokens: 7 }) });
    const config = routeFilterConfig(r, vhost({ rateLimit: limit() }));
    const own = anyUnpack(config[EnvoyExtension.localRateLimit]!, LocalRateLimitSchema)!;
    assert.equal(own.tokenBucket?.maxTokens, 7);
    assert.equal(own.statPrefix, "vhost.app.example.com");
  });

  const invalidLimits: [string, Partial<LocalRateLimit>][] = [
    ["a fill interval under 50 ms", { fillIntervalMs: 49 }],
    ["no tokens per fill", { tokensPerFill: 0 }],
    ["a fractional bucket", { maxTokens: 1.5 }],
    ["a bucket over uint32", { maxTokens: 2 ** 32 }],
    ["a NaN interval", { fillIntervalMs: Number.NaN }],
  ];
  for (const [what, over] of invalidLimits) {
    it(`drops a rate limit with ${what}`, () => {
      assert.deepEqual(routeFilterConfig(route({ rateLimit: limit(over) }), vhost()), {});
    });
  }

  it("keeps Envoy's 429 when the status is not one Envoy knows", () => {
    const config = virtualHostFilterConfig(vhost({ rateLimit: limit({ responseStatus: 299 }) }));
    assert.equal(anyUnpack(config[EnvoyExtension.localRateLimit]!, LocalRateLimitSchema)!.status, undefined);
  });

  it("escapes % in rate-limit response headers and drops invalid ones", () => {
    const headers = [
      { name: "x-limit", value: "100%" },
      { name: "bad name", value: "x" },
      { name: "x-split", value: "a\r\nb" },
    ];
    const config = virtualHostFilterConfig(vhost({ rateLimit: limit({ responseHeaders: headers }) }));
    const added = anyUnpack(config[EnvoyExtension.localRateLimit]!, LocalRateLimitSchema)!.responseHeadersToAdd;
    assert.deepEqual(added.map((h) => [h.header?.key, h.header?.value]), [["x-limit", "100%%"]]);
  });

  it("maps allow and deny lists to ALLOW and DENY, peer to direct_remote_ip and remote to remote_ip", () => {
    const allow = rbac(
      virtualHostFilterConfig(vhost({ ipFilter: { action: "allow", rules: [{ source: "peer", cidr: "127.0.0.0/8" }, { source: "remote", cidr: "::1" }] } }))[EnvoyExtension.rbac],
    );
    assert.equal(allow.action, RBAC_Action.ALLOW);
    const ids = Object.values(allow.policies)[0]!.principals.map((p) => [p.identifier.case, (p.identifier.value as { addressPrefix: string }).addressPrefix]);
    assert.deepEqual(ids, [
      ["directRemoteIp", "127.0.0.0"],
      ["remoteIp", "::1"],
    ]);
    const deny = rbac(routeFilterConfig(route({ ipFilter: { action: "deny", rules: [{ source: "peer", cidr: "127.0.0.1/32" }] } }), vhost())[EnvoyExtension.rbac]);
    assert.equal(deny.action, RBAC_Action.DENY);
  });

  it("fails closed when an allow list has no valid rule left, and emits nothing for an empty deny list", () => {
    const closed = rbac(virtualHostFilterConfig(vhost({ ipFilter: { action: "allow", rules: [{ source: "peer", cidr: "10.0.0.0/40" }] } }))[EnvoyExtension.rbac]);
    assert.equal(closed.action, RBAC_Action.ALLOW);
    assert.deepEqual(closed.policies, {});
    assert.deepEqual(virtualHostFilterConfig(vhost({ ipFilter: { action: "deny", rules: [{ source: "peer", cidr: "nope" }] } })), {});
    assert.deepEqual(virtualHostFilterConfig(vhost({ ipFilter: { action: "allow", rules: [] } })), {});
  });

  it("builds CORS as upstream: exact origins ignore case, lists joined with commas, invalid entries dropped", () => {
    const policy = cors({
      allowOrigin: [
        { value: "https://A.example.com", regex: false },
        { value: "https://.*\\.example\\.org", regex: true },
        { value: "(a+)+", regex: true },
      ],
      allowMethods: ["GET", "POST", "GET", "NOT A TOKEN"],
      allowHeaders: ["authorization", "x-custom"],
      exposeHeaders: ["x-request-id"],
      allowCredentials: true,
      maxAgeSeconds: 86_400.7,
    });
    const got = anyUnpack(virtualHostFilterConfig(vhost({ cors: policy }))[EnvoyExtension.cors]!, CorsPolicySchema)!;
    assert.deepEqual(
      got.allowOriginStringMatch.map((m) => [m.matchPattern.case, m.ignoreCase]),
      [
        ["exact", true],
        ["safeRegex", false],
      ],
    );
    assert.equal(got.allowMethods, "GET,POST");
    assert.equal(got.allowHeaders, "authorization,x-custom");
    assert.equal(got.exposeHeaders, "x-request-id");
    assert.equal(got.maxAge, "86400");
    assert.equal(got.allowCredentials, true);
    assert.equal(got.allowPrivateNetworkAccess, false);
  });

  it("leaves CORS out when no origin is left to allow", () => {
    assert.deepEqual(virtualHostFilterConfig(vhost({ cors: cors({ allowOrigin: [{ value: "(?=x)", regex: true }] }) })), {});
  });
});
