import assert from "node:assert/strict";
import type { HeaderMatch, PathMatch, Route } from "../../controllers/model/model.js";
import { escapeHeaderValue } from "./headers.js";
import { translateRouteMatch } from "./route-match.js";

function route(path: PathMatch, headers = 0, queries = 0): Route {
  const header: HeaderMatch = { name: "x", kind: "present", invert: false, ignoreCase: false };
  return {
    source: { kind: "HTTPProxy", namespace: "ns", name: "p" },
    match: { path, headers: Array.from({ length: headers }, () => header), queryParams: Array.from({ length: queries }, () => ({ name: "q", kind: "present" as const, ignoreCase: false })) },
    action: { kind: "direct", status: 200 },
    httpsRedirect: false,
  };
}

const prefix = (value: string, segment = false): PathMatch => ({ kind: "prefix", value, segment });

describe("route matching", () => {
  const pathCases: { path: PathMatch; want: unknown }[] = [
    { path: prefix("/api", true), want: { case: "pathSeparatedPrefix", value: "/api" } },
    { path: prefix("/api/", true), want: { case: "pathSeparatedPrefix", value: "/api" } },
    { path: prefix("/", true), want: { case: "prefix", value: "/" } },
    { path: prefix("/api?x", true), want: { case: "prefix", value: "/api?x" } },
    { path: prefix("/api", false), want: { case: "prefix", value: "/api" } },
    { path: { kind: "exact", value: "/a" }, want: { case: "path", value: "/a" } },
    { path: { kind: "regex", value: "/a/[0-9]+" }, want: { case: "safeRegex", value: { regex: "^/a/[0-9]+" } } },
    { path: { kind: "regex", value: "^/a" }, want: { case: "safeRegex", value: { regex: "^/a" } } },
  ];
  for (const c of pathCases) {
    it(`translates ${c.path.kind} ${c.path.value}${"segment" in c.path && c.path.segment ? " (segment)" : ""}`, () => {
      assert.deepEqual(translateRouteMatch(route(c.path)).pathSpecifier, c.want);
    });
  }

  it("escapes % in header values so Envoy reads user data literally, but for upstream's allow-list", () => {
    assert.equal(escapeHeaderValue("%DOWNSTREAM_REMOTE_ADDRESS%"), "%DOWNSTREAM_REMOTE_ADDRESS%");
    assert.equal(escapeHeaderValue("%START_TIME%"), "%%START_TIME%%");
    assert.equal(escapeHeaderValue("100% sure"), "100%% sure");
    assert.equal(escapeHeaderValue("plain"), "plain");
  });
});
