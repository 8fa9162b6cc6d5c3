import assert from "node:assert/strict";
import { ingressPathMatch } from "./path-match.js";
import { unsafeRegexReason } from "../regex/safe-regex.js";
import { invalidHostReason } from "./host-name.js";

describe("ingressPathMatch", () => {
  const table: [string | undefined, string | undefined, unknown][] = [
    ["/foo", "Exact", { kind: "exact", value: "/foo" }],
    ["/foo/", "Exact", { kind: "exact", value: "/foo/" }],
    ["/foo", "Prefix", { kind: "prefix", value: "/foo", segment: true }],
    ["/foo/", "Prefix", { kind: "prefix", value: "/foo", segment: true }],
    ["/foo///", "Prefix", { kind: "prefix", value: "/foo", segment: true }],
    ["/", "Prefix", { kind: "prefix", value: "/", segment: false }],
    [undefined, "Prefix", { kind: "prefix", value: "/", segment: false }],
    ["/foo", "ImplementationSpecific", { kind: "prefix", value: "/foo", segment: false }],
    ["/foo", undefined, { kind: "prefix", value: "/foo", segment: false }],
    [undefined, undefined, { kind: "prefix", value: "/", segment: false }],
    ["/foo.*", "ImplementationSpecific", { kind: "regex", value: "/foo.*" }],
    ["/api/v[12]/", "ImplementationSpecific", { kind: "regex", value: "/api/v[12]/" }],
    ["/a+b", "ImplementationSpecific", { kind: "regex", value: "/a+b" }],
    ["/foo%20bar", "ImplementationSpecific", { kind: "regex", value: "/foo%20bar" }],
    ["/foo.bar", "ImplementationSpecific", { kind: "prefix", value: "/foo.bar", segment: false }],
    ["/foo.*", "Prefix", { kind: "prefix", value: "/foo.*", segment: true }],
  ];
  for (const [p, type, want] of table) {
    it(`${type ?? "(no type)"} ${JSON.stringify(p)}`, () => assert.deepEqual(ingressPathMatch(p, type), { ok: true, match: want }));
  }

  const bad: [string, string, string][] = [
    ["foo", "Prefix", "InvalidPath"],
    ["/a\nb", "Exact", "InvalidPath"],
    ["/" + "a".repeat(5000), "Exact", "InvalidPath"],
    ["/foo", "Regex", "InvalidPathType"],
    ["/foo[", "ImplementationSpecific", "InvalidPathRegex"],
    ["/(a+)+$", "ImplementationSpecific", "InvalidPathRegex"],
    // Safe for a backtracking engine, but too large a program for Envoy's RE2 limit.
    ["/[a-z]{200}[0-9]{200}", "ImplementationSpecific", "InvalidPathRegex"],
    ["/a*b{1001}", "ImplementationSpecific", "InvalidPathRegex"],
  ];
  for (const [p, type, reason] of bad) {
    it(`rejects ${type} ${JSON.stringify(p.slice(0, 20))}`, () => {
      const got = ingressPathMatch(p, type);
      assert.equal(got.ok ? "ok" : got.reason, reason);
    });
  }
});

describe("unsafeRegexReason", () => {
  const accepted = ["/foo.*", "/api/v[0-9]+/users", "/(a|b)*", "/x(ab)?", "/(a+)?", "(?i)/foo", "/(?P<id>[0-9]+)", "/[(]+", "/\\(a+\\)+", "/a{2,5}"];
  for (const p of accepted) it(`accepts ${p}`, () => assert.equal(unsafeRegexReason(p), undefined));
  const rejected: [string, RegExp][] = [
    ["/(a+)+", /nests/u],
    ["/(a*)*", /nests/u],
    ["/((ab)*c)+", /nests/u],
    ["/(.*){2,}", /nests/u],
    ["/(a+){10}", /nests/u],
    ["/(a)\\1", /backreference/u],
    ["/(?=a)", /lookaround/u],
    ["/(?<!a)b", /lookaround/u],
    ["/[", /compile/u],
    ["/a)", /compile/u],
    ["/" + "a".repeat(2000), /longer/u],
  ];
  for (const [p, why] of rejected) it(`rejects ${p.slice(0, 20)}`, () => assert.match(unsafeRegexReason(p) ?? "", why));
});

describe("invalidHostReason", () => {
  for (const h of ["example.com", "a.b.example.com", "*.example.com", "x", "a-b.c0"]) it(`accepts ${h}`, () => assert.equal(invalidHostReason(h), undefined));
  for (const h of ["Example.com", "*", "*.", "a.*.com", "*foo.com", "-a.com", "a_b.com", "10.0.0.1", "::1", "a..b", "a".repeat(64) + ".com", `${"a.".repeat(130)}com`, "exa mple.com"]) {
    it(`rejects ${h.slice(0, 30)}`, () => assert.notEqual(invalidHostReason(h), undefined));
  }
});
