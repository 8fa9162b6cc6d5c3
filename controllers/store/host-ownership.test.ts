import assert from "node:assert/strict";
import type { WatchedKind } from "../source/object-cache.js";
import { FOREIGN_ROUTES_REFUSED, HOST_OWNED_ELSEWHERE, hostRank, settleHostOwnership, type HostParty } from "./host-ownership.js";

/**
 * A party from `Kind/namespace/name`, served unless marked with a trailing "!" (lost its claim). Gateway
 * API kinds are not watched yet: the rule is written for them already, so they are cast here.
 */
function party(spec: string): HostParty {
  const served = !spec.endsWith("!");
  const [kind = "", namespace = "", name = ""] = spec.replace(/!$/u, "").split("/");
  return { sourceKey: `${kind}/${namespace}/${name}`, key: { kind: kind as WatchedKind, namespace, name }, served };
}

interface Case {
  readonly name: string;
  readonly parties: readonly string[];
  /** Admitted sources in merge order. */
  readonly admitted: readonly string[];
  /** Reasons told, by source key. */
  readonly told: Readonly<Record<string, readonly string[]>>;
}

const cases: readonly Case[] = [
  { name: "a host of one source", parties: ["HTTPProxy/a/root"], admitted: ["HTTPProxy/a/root"], told: {} },
  {
    name: "Ingresses of several namespaces and no owner above them merge (as upstream)",
    parties: ["Ingress/b/y", "Ingress/a/x"],
    admitted: ["Ingress/a/x", "Ingress/b/y"],
    told: {},
  },
  {
    name: "an Ingress in the proxy's namespace adds routes (as upstream)",
    parties: ["Ingress/a/acme", "HTTPProxy/a/root"],
    admitted: ["HTTPProxy/a/root", "Ingress/a/acme"],
    told: {},
  },
  {
    name: "an Ingress of another namespace is refused, and the owner told",
    parties: ["HTTPProxy/a/root", "Ingress/b/hijack", "Ingress/a/acme"],
    admitted: ["HTTPProxy/a/root", "Ingress/a/acme"],
    told: { "Ingress/b/hijack": [HOST_OWNED_ELSEWHERE], "HTTPProxy/a/root": [FOREIGN_ROUTES_REFUSED] },
  },
  {
    name: "one warning per refused source",
    parties: ["HTTPProxy/a/root", "Ingress/b/one", "Ingress/c/two"],
    admitted: ["HTTPProxy/a/root"],
    told: { "Ingress/b/one": [HOST_OWNED_ELSEWHERE], "Ingress/c/two": [HOST_OWNED_ELSEWHERE], "HTTPProxy/a/root": [FOREIGN_ROUTES_REFUSED, FOREIGN_ROUTES_REFUSED] },
  },
  {
    name: "a contested claim still owns the host: nobody else's namespace gets it while two roots fight",
    parties: ["HTTPProxy/a/one!", "HTTPProxy/a/two!", "Ingress/a/same", "Ingress/b/other"],
    admitted: ["Ingress/a/same"],
    told: { "Ingress/b/other": [HOST_OWNED_ELSEWHERE] },
  },
  {
    name: "owners in two namespaces admit lower-ranked sources of either",
    parties: ["HTTPRoute/a/r1", "HTTPRoute/c/r2", "Ingress/c/i", "Ingress/b/j"],
    admitted: ["HTTPRoute/a/r1", "HTTPRoute/c/r2", "Ingress/c/i"],
    told: { "Ingress/b/j": [HOST_OWNED_ELSEWHERE], "HTTPRoute/a/r1": [FOREIGN_ROUTES_REFUSED], "HTTPRoute/c/r2": [FOREIGN_ROUTES_REFUSED] },
  },
  {
    name: "precedence, not key order, decides who merges first",
    parties: ["Ingress/a/i", "TLSRoute/a/t"],
    admitted: ["TLSRoute/a/t", "Ingress/a/i"],
    told: {},
  },
  {
    name: "an HTTPProxy outranks a Gateway API route",
    parties: ["HTTPRoute/b/r", "HTTPProxy/a/root"],
    admitted: ["HTTPProxy/a/root"],
    told: { "HTTPRoute/b/r": [HOST_OWNED_ELSEWHERE], "HTTPProxy/a/root": [FOREIGN_ROUTES_REFUSED] },
  },
  { name: "no parties", parties: [], admitted: [], told: {} },
];

describe("settleHostOwnership", () => {
  for (const c of cases) {
    it(c.name, () => {
      const parties = c.parties.map(party);
      const got = settleHostOwnership("a.sec.test", parties);
      assert.deepEqual(got.admitted, c.admitted);
      const told = Object.fromEntries([...got.conditions].map(([k, list]) => [k, list.map((x) => x.reason)]));
      assert.deepEqual(told, c.told);
      // Same answer whatever order the store hands the parties in.
      assert.deepEqual(settleHostOwnership("a.sec.test", [...parties].reverse()), got);
    });
  }

  it("names the owner to the intruder and the intruder to the owner, filed under VirtualHostError", () => {
    const got = settleHostOwnership("a.sec.test", [party("HTTPProxy/tenant-a/app"), party("Ingress/tenant-b/hijack")]);
    const intruder = got.conditions.get("Ingress/tenant-b/hijack")?.[0];
    assert.deepEqual([intruder?.type, intruder?.status, intruder?.category], ["Valid", "False", "VirtualHostError"]);
    assert.equal(intruder?.message, 'host "a.sec.test" is owned by HTTPProxy tenant-a/app; sources in namespace "tenant-b" cannot add routes to it, so none of this Ingress\'s routes for the host are served');
    const owner = got.conditions.get("HTTPProxy/tenant-a/app")?.[0];
    assert.deepEqual([owner?.type, owner?.status, owner?.category], ["Warning", "True", "VirtualHostError"]);
    assert.equal(owner?.message, 'host "a.sec.test": the routes of Ingress tenant-b/hijack are not served; only sources in the owner\'s namespace may add routes to this host');
  });

  it("names at most three owners", () => {
    const got = settleHostOwnership("h", ["HTTPRoute/a/1", "HTTPRoute/a/2", "HTTPRoute/a/3", "HTTPRoute/a/4", "HTTPRoute/a/5", "Ingress/b/x"].map(party));
    assert.match(got.conditions.get("Ingress/b/x")?.[0]?.message ?? "", /owned by HTTPRoute a\/1, HTTPRoute a\/2, HTTPRoute a\/3 and 2 more;/u);
  });

  it("ranks kinds it does not know below every listed API", () => {
    assert.ok(hostRank("SomethingNew") > hostRank("Ingress"));
    assert.ok(hostRank("HTTPProxy") < hostRank("HTTPRoute"));
  });
});
