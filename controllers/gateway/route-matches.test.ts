import assert from "node:assert/strict";
import type { HTTPRouteMatch } from "../../crds/types/gateway-api/httproute.js";
import { convertMatch } from "./route-matches.js";
import { compareRank, routeRank, type RankInput } from "./route-rank.js";

const conv = (m: HTTPRouteMatch) => convertMatch(m, "spec.rules[0].matches[0]");

describe("HTTPRoute matches", () => {
  it("defaults to PathPrefix /", () => {
    assert.deepEqual(conv({}), { ok: true, match: { path: { kind: "prefix", value: "/", segment: true }, headers: [], queryParams: [] }, hasMethod: false });
  });
  it("converts paths", () => {
    const path = (m: HTTPRouteMatch) => { const r = conv(m); return r.ok ? r.match.path : r.message; };
    assert.deepEqual(path({ path: { type: "Exact", value: "/a/b" } }), { kind: "exact", value: "/a/b" });
    assert.deepEqual(path({ path: { type: "PathPrefix", value: "/a/" } }), { kind: "prefix", value: "/a", segment: true });
    assert.deepEqual(path({ path: { type: "RegularExpression", value: "/v[0-9]+/.*" } }), { kind: "regex", value: "/v[0-9]+/.*" });
    assert.match(String(path({ path: { type: "PathPrefix", value: "a" } })), /^spec\.rules\[0\]\.matches\[0\]\.path\.value: "a" must start with/);
    assert.match(String(path({ path: { type: "RegularExpression", value: "(" } })), /not a valid regular expression/);
    assert.match(String(path({ path: { type: "Exact", value: "/a//b" } })), /must not hold/);
  });
  it("converts headers, query parameters and method; the first of a repeated name wins", () => {
    const r = conv({ headers: [{ name: "Version", value: "two" }, { name: "version", value: "three" }, { type: "RegularExpression", name: "x-re", value: "a.*" }], queryParams: [{ name: "q", value: "1" }, { name: "q", value: "2" }], method: "POST" });
    assert.ok(r.ok);
    assert.deepEqual(r.match.headers.map((h) => `${h.name}:${h.kind}:${h.value}`), ["version:exact:two", "x-re:regex:a.*", ":method:exact:POST"]);
    assert.deepEqual(r.match.queryParams.map((q) => `${q.name}=${q.value}`), ["q=1"]);
    assert.equal(r.hasMethod, true);
    assert.equal(conv({ method: "BREW" }).ok, false);
  });
});

describe("HTTPRoute precedence (routeRank)", () => {
  const base: Omit<RankInput, "match" | "hasMethod"> = { created: "2026-01-01T00:00:00Z", namespace: "a", name: "r", rule: 0, matchIndex: 0 };
  const ranked = (label: string, m: HTTPRouteMatch, extra: Partial<RankInput> = {}) => {
    const c = conv(m);
    assert.ok(c.ok);
    return { label, rank: routeRank({ ...base, match: c.match, hasMethod: c.hasMethod, ...extra }) };
  };
  it("orders across routes as the spec does", () => {
    const routes = [
      ranked("prefix /", {}),
      ranked("prefix /a with 2 headers", { path: { value: "/a" }, headers: [{ name: "x", value: "1" }, { name: "y", value: "1" }] }),
      ranked("prefix /a with method", { path: { value: "/a" }, method: "GET" }),
      ranked("prefix /a with 1 header and 2 queries", { path: { value: "/a" }, headers: [{ name: "x", value: "1" }], queryParams: [{ name: "a", value: "1" }, { name: "b", value: "1" }] }),
      ranked("prefix /a with 1 header, 1 query", { path: { value: "/a" }, headers: [{ name: "x", value: "1" }], queryParams: [{ name: "a", value: "1" }] }),
      ranked("prefix /abc", { path: { value: "/abc" } }),
      ranked("exact /a", { path: { type: "Exact", value: "/a" } }),
      ranked("exact /", { path: { type: "Exact", value: "/" } }),
      ranked("regex", { path: { type: "RegularExpression", value: "/r.*" } }),
      ranked("prefix / newer route", {}, { created: "2026-02-01T00:00:00Z" }),
      ranked("prefix / older route", {}, { created: "2025-12-01T00:00:00Z" }),
      ranked("prefix / same age, name z", {}, { name: "z" }),
      ranked("prefix / rule 1", {}, { rule: 1 }),
    ];
    assert.deepEqual(
      [...routes].sort(compareRank).map((r) => r.label),
      [
        "exact /a",
        "exact /",
        "regex",
        "prefix /abc",
        "prefix /a with method",
        "prefix /a with 2 headers",
        "prefix /a with 1 header and 2 queries",
        "prefix /a with 1 header, 1 query",
        "prefix / older route",
        "prefix /",
        "prefix / rule 1",
        "prefix / same age, name z",
        "prefix / newer route",
      ],
    );
  });
});
