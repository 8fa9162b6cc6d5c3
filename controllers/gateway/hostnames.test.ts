import assert from "node:assert/strict";
import { claimedByMoreSpecific, compareHostnameSpecificity, hostnameProblem, intersectHostname, routeHostnamesOnListener } from "./hostnames.js";

describe("Gateway API hostnames", () => {
  it("validates hostnames", () => {
    for (const ok of ["example.com", "*.example.com", "a-b.c0.example"]) assert.equal(hostnameProblem(ok), undefined, ok);
    for (const bad of ["", "1.2.3.4", "::1", "Example.com", "*", "foo.*.com", "-a.com", "a..com"]) assert.notEqual(hostnameProblem(bad), undefined, bad);
  });

  const table: [string | undefined, string, string | undefined][] = [
    [undefined, "foo.example.com", "foo.example.com"],
    ["", "*.example.com", "*.example.com"],
    ["foo.example.com", "foo.example.com", "foo.example.com"],
    ["foo.example.com", "bar.example.com", undefined],
    ["*.example.com", "foo.example.com", "foo.example.com"],
    ["*.example.com", "a.b.example.com", "a.b.example.com"],
    ["*.example.com", "example.com", undefined],
    ["foo.example.com", "*.example.com", "foo.example.com"],
    ["*.example.com", "*.foo.example.com", "*.foo.example.com"],
    ["*.foo.example.com", "*.example.com", "*.foo.example.com"],
    ["*.example.com", "*.example.net", undefined],
  ];
  for (const [listener, route, want] of table) it(`intersects listener ${listener ?? "(none)"} with route ${route}`, () => assert.equal(intersectHostname(listener, route), want));

  it("gives a route without hostnames the listener's, or *", () => {
    assert.deepEqual(routeHostnamesOnListener("*.example.com", []), ["*.example.com"]);
    assert.deepEqual(routeHostnamesOnListener(undefined, []), ["*"]);
    assert.deepEqual(routeHostnamesOnListener("*.example.com", ["b.example.com", "A.example.com", "x.net"]), ["a.example.com", "b.example.com"]);
    assert.deepEqual(routeHostnamesOnListener("foo.example.com", ["bar.example.com"]), []);
  });

  it("orders listener hostnames exact, longer wildcard, shorter wildcard, empty", () => {
    const hs = [undefined, "*.example.com", "abc.foo.example.com", "*.foo.example.com"];
    assert.deepEqual([...hs].sort(compareHostnameSpecificity), ["abc.foo.example.com", "*.foo.example.com", "*.example.com", undefined]);
  });

  it("keeps a hostname a more specific sibling listener claims off a wider listener", () => {
    const siblings = [undefined, "*.example.com", "*.foo.example.com", "abc.foo.example.com"];
    assert.equal(claimedByMoreSpecific("x.foo.example.com", "*.example.com", siblings), true);
    assert.equal(claimedByMoreSpecific("x.bar.example.com", "*.example.com", siblings), false);
    assert.equal(claimedByMoreSpecific("abc.foo.example.com", "*.foo.example.com", siblings), true);
    assert.equal(claimedByMoreSpecific("bar.com", undefined, siblings), false);
    assert.equal(claimedByMoreSpecific("x.example.com", undefined, siblings), true);
    assert.equal(claimedByMoreSpecific("abc.foo.example.com", "abc.foo.example.com", siblings), false);
  });
});
