// Tests of xds/names.ts (kept here, beside the translator that is its main user).
import assert from "node:assert/strict";
import { canonicalJson, clusterName, edsName, httpsRouteConfigName, parseEdsName, secretName, shortHash } from "../names.js";

describe("names", () => {
  it("builds upstream Contour's names", () => {
    assert.equal(clusterName("ns", "web", 80, "0123456789"), "ns/web/80/0123456789");
    assert.equal(secretName("ns", "tls", "abcdef0123"), "ns/tls/abcdef0123");
    assert.equal(httpsRouteConfigName("a.example.com"), "https/a.example.com");
    assert.equal(edsName("ns", "web", "http"), "ns/web/http");
    assert.equal(edsName("ns", "web", ""), "ns/web");
  });

  it("parses EDS names back, and refuses names it did not build", () => {
    assert.deepEqual(parseEdsName(edsName("ns", "web", "http")), { namespace: "ns", service: "web", portName: "http" });
    assert.deepEqual(parseEdsName(edsName("ns", "web", "")), { namespace: "ns", service: "web", portName: "" });
    // A fourth segment is a health port (HTTPProxy healthPort), built only with two named ports.
    assert.deepEqual(parseEdsName(edsName("ns", "web", "http", "health")), { namespace: "ns", service: "web", portName: "http", healthPortName: "health" });
    for (const bad of ["", "ns", "ns/", "/web", "ns/web/", "ns/web//d", "ns/web/c/c", "a/b/c/d/e"]) assert.equal(parseEdsName(bad), undefined, bad);
  });

  it("hashes content, not key order, into 10 hex characters", () => {
    const h = shortHash({ b: 1, a: [1, { d: 2, c: 3 }] });
    assert.match(h, /^[0-9a-f]{10}$/);
    assert.equal(h, shortHash({ a: [1, { c: 3, d: 2 }], b: 1 }));
    assert.notEqual(h, shortHash({ b: 1, a: [{ d: 2, c: 3 }, 1] }));
    assert.equal(canonicalJson({ b: undefined, a: 1n }), '{"a":"1"}');
    assert.equal(canonicalJson(undefined), "null");
  });

  it("writes canonical JSON exactly as JSON.stringify with a key-sorting replacer does", () => {
    const withReplacer = (value: unknown): string =>
      JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === "bigint") return v.toString();
        if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
        const sorted: Record<string, unknown> = {};
        for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
        return sorted;
      }) ?? "null";
    const sparse: unknown[] = [1, , 3]; // a hole, written as null
    const values: unknown[] = [
      null, true, 0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "a\"\n\u2028\ud800", 12n, undefined, () => 1, Symbol("s"),
      { path: { kind: "prefix", value: "/", segment: true }, headers: [], queryParams: [] },
      { b: [{ z: 1, a: [undefined, () => 1, Symbol("s"), 2n] }], a: { y: undefined, x: null } },
      { "10": "ten", "9": "nine", b: 1, "-1": 0, "01": 1, a: 2 },
      sparse, new Date(0), { at: new Date(1), nested: { toJSON: (key: string) => ({ key, b: 2, a: 1 }) } },
      new Map([["a", 1]]), new Set([1]), new Uint8Array([3, 1, 2]), Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
      [{ toJSON: () => 5n }, { toJSON: () => undefined }],
    ];
    for (const value of values) assert.equal(canonicalJson(value), withReplacer(value));
  });
});
