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
});
