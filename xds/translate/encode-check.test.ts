// Below the validators: a model with values protobuf cannot encode. Each failing piece is left out
// and named with its sources; everything else is translated and encodes.
import assert from "node:assert/strict";
import type { Model, Route, VirtualHost } from "../../controllers/model/model.js";
import { createSnapshot } from "../cache/index.js";
import { createTranslator } from "./translator.js";
import { loadGoldenCases } from "./test-support.js";

const UINT32_OVERFLOW = 4294967296;
const cases = loadGoldenCases();
const weighted = cases.find((c) => c.name === "weighted-clusters");
const tcp = cases.find((c) => c.name === "tcp-proxy");
const tls = cases.find((c) => c.name === "tls-redirect");

function overflowFirstForward(vhost: VirtualHost, source?: Route["source"]): VirtualHost {
  const i = vhost.routes.findIndex((r) => r.action.kind === "forward");
  return {
    ...vhost,
    routes: vhost.routes.map((r, j) =>
      j !== i || r.action.kind !== "forward"
        ? r
        : // Two destinations: a single one is sent without weights.
          { ...r, ...(source === undefined ? {} : { source }), action: { ...r.action, clusters: [...r.action.clusters, ...r.action.clusters].map((c) => ({ ...c, weight: UINT32_OVERFLOW })) } },
    ),
  };
}

describe("translateChecked: pieces that cannot be encoded", () => {
  it("leaves out a plain-HTTP host with a weight of 2^32, naming the source of the failing route only", () => {
    assert.ok(weighted !== undefined && tls !== undefined);
    const intruder = { kind: "HTTPProxy", namespace: "team", name: "child" };
    const [bad] = weighted.model.virtualHosts as [VirtualHost];
    const model: Model = { ...weighted.model, virtualHosts: [overflowFirstForward(bad, intruder), ...tls.model.virtualHosts], secrets: tls.model.secrets, clusters: [...weighted.model.clusters, ...tls.model.clusters] };
    const { resources, failures } = createTranslator().translateChecked(model, []);
    assert.deepEqual(
      failures.map((f) => [f.piece, f.name, f.sources]),
      [["virtualHost", bad.fqdn, [intruder]]],
    );
    assert.match(failures[0]?.message ?? "", /cannot encode field google\.protobuf\.UInt32Value\.value to binary: invalid uint32/);
    assert.doesNotThrow(() => createSnapshot(resources));
    const hosts = resources.routes.flatMap((r) => r.virtualHosts.map((v) => `${r.name}:${v.name}`)).sort();
    assert.ok(!hosts.some((h) => h.endsWith(`:${bad.fqdn}`)), "the failing host is left out");
    assert.ok(hosts.includes("ingress_http:secure.example.com") && hosts.includes("https/secure.example.com:secure.example.com"), "the others are served");
    assert.ok(!(resources.virtualHosts ?? []).some((v) => v.name === `ingress_http/${bad.fqdn}`), "and not sent over VHDS either");
  });

  it("a TLS host whose HTTPS routes fail loses its chain and route configuration, and keeps plain HTTP if that encodes", () => {
    assert.ok(tls !== undefined);
    const [a, b] = tls.model.virtualHosts as [VirtualHost, VirtualHost];
    // Only the HTTPS side forwards on "/" here (plain HTTP redirects), so only it fails.
    const model: Model = { ...tls.model, virtualHosts: [overflowFirstForward(a), b] };
    const { resources, failures } = createTranslator().translateChecked(model, []);
    assert.ok(failures.length >= 1 && failures.every((f) => f.name === a.fqdn));
    assert.doesNotThrow(() => createSnapshot(resources));
    assert.ok(!resources.routes.some((r) => r.name === `https/${a.fqdn}`));
    const chains = resources.listeners.find((l) => l.name === "ingress_https")?.filterChains.map((c) => c.filterChainMatch?.serverNames[0]);
    assert.deepEqual(chains, [b.fqdn]);
  });

  it("leaves out a TCP proxy's chain with a weight of 2^32, naming its source", () => {
    assert.ok(tcp !== undefined);
    const [first, ...rest] = tcp.model.tcpProxies;
    assert.ok(first !== undefined);
    const model: Model = { ...tcp.model, tcpProxies: [{ ...first, clusters: first.clusters.map((c) => ({ ...c, weight: UINT32_OVERFLOW })) }, ...rest] };
    const { resources, failures } = createTranslator().translateChecked(model, []);
    assert.deepEqual(failures.map((f) => [f.piece, f.name, f.sources]), [["filterChain", first.fqdn, [first.source]]]);
    assert.doesNotThrow(() => createSnapshot(resources));
    const chains = resources.listeners.find((l) => l.name === "ingress_https")?.filterChains.flatMap((c) => c.filterChainMatch?.serverNames ?? []);
    assert.ok(chains !== undefined && !chains.includes(first.fqdn) && chains.length > 0);
  });

  it("a sound model has no failures and the same output as before", () => {
    for (const c of cases) assert.deepEqual(createTranslator(c.options).translateChecked(c.model, c.slices).failures, [], c.name);
  });
});
