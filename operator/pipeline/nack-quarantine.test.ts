// NACK quarantine in process: a real pipeline, snapshot cache and stream state machines (SotW and
// delta), and a fake Envoy that rejects any route configuration holding a poisoned virtual host.
import assert from "node:assert/strict";
import bunyan from "bunyan";
import type { KubernetesObject } from "@kubernetes/client-node";
import { fromBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { createPipeline, type Pipeline } from "./pipeline.js";
import { createNackQuarantine } from "./nack-quarantine.js";
import { rejectedPieces } from "./rejected-pieces.js";
import { createSnapshotCache } from "../../xds/cache/index.js";
import { createDeltaStream, createSotwStream } from "../../xds/server/index.js";
import type { DeltaDiscoveryResponse, DiscoveryResponse } from "../../xds/gen/envoy/service/discovery/v3/discovery_pb.js";
import { RouteConfigurationSchema } from "../../xds/gen/envoy/config/route/v3/route_pb.js";
import { VirtualHostSchema } from "../../xds/gen/envoy/config/route/v3/route_components_pb.js";
import { fqdnOfVhdsName } from "../../xds/names.js";
import { TypeUrl } from "../../xds/resources.js";
import { deltaAck, deltaRequest, sotwAck, sotwRequest } from "../../xds/server/testing/streams.js";
import { port, service } from "../../controllers/source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "../../controllers/httpproxy/testdata/fixtures.js";
import { formatKey } from "../../controllers/source/object-cache.js";

const kindOf = (o: KubernetesObject) => o.kind as Parameters<Pipeline["apply"]>[0];
const quiet = bunyan.createLogger({ name: "test", level: "fatal" });
const proxy = (name: string, fqdn: string) => rootProxy(name, fqdn, { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" });

/** Envoy's verdict on a response: the error it would report, or undefined to accept. */
function verdict(typeUrl: string, anys: readonly (Any | undefined)[], poisoned: ReadonlySet<string>): string | undefined {
  for (const any of anys) {
    if (any === undefined) continue;
    // Route configurations (SotW) hold the hosts; over delta they come one by one through VHDS.
    const hosts = typeUrl === TypeUrl.route ? fromBinary(RouteConfigurationSchema, any.value).virtualHosts.map((v) => v.name) : [];
    if (typeUrl === TypeUrl.virtualHost) hosts.push(fqdnOfVhdsName(fromBinary(VirtualHostSchema, any.value).name) ?? "");
    const bad = hosts.find((h) => poisoned.has(h));
    if (bad !== undefined) return `invalid regex in virtual host ${bad}`;
  }
  return undefined;
}

/** A stack in process: pipeline → snapshot cache → one stream machine answered by a fake Envoy. */
function stack(protocol: "sotw" | "delta" | "both", poisoned: ReadonlySet<string>) {
  const useDelta = protocol !== "sotw";
  const useSotw = protocol !== "delta";
  const pipeline = createPipeline({ translate: {} });
  const cache = createSnapshotCache();
  let wanted = false;
  const quarantine = createNackQuarantine({ pipeline, current: () => cache.current(), rebuild: () => (wanted = true), log: quiet, probeTimeoutMs: 60_000 });
  const delta = createDeltaStream();
  const sotw = createSotwStream();
  let pushes = 0;
  const add = (...objects: KubernetesObject[]) => objects.forEach((o) => pipeline.apply(kindOf(o), "add", o));

  // Answers responses like Envoy until nothing is in flight; the quarantine sees every ACK and NACK.
  function answer(responses: (DiscoveryResponse | DeltaDiscoveryResponse)[]): void {
    const queue = [...responses];
    for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
      pushes++;
      const anys = "versionInfo" in r ? r.resources : r.resources.map((x) => x.resource);
      const error = verdict(r.typeUrl, anys, poisoned);
      const step =
        "versionInfo" in r
          ? sotw.handleRequest(error === undefined ? sotwAck(r, r.typeUrl === TypeUrl.route ? ["ingress_http"] : []) : { ...sotwRequest(r.typeUrl, { names: r.typeUrl === TypeUrl.route ? ["ingress_http"] : [], nonce: r.nonce, error, version: sotw.acceptedVersion(r.typeUrl) }) })
          : delta.handleRequest(error === undefined ? deltaAck(r) : deltaRequest(r.typeUrl, { nonce: r.nonce, error }));
      for (const event of step.events) if (event.kind === "ack" || event.kind === "nack") quarantine.onOutcome({ node: "envoy", streamId: 1, event });
      queue.push(...step.responses);
    }
  }

  /** Builds, publishes and lets Envoy answer until no rebuild is asked for; returns the rounds taken. */
  function settle(): number {
    let rounds = 0;
    do {
      wanted = false;
      rounds++;
      const snapshot = cache.publish(pipeline.build().resources);
      quarantine.onPublished(snapshot);
      if (useDelta) answer(delta.handleSnapshot(snapshot).responses);
      if (useSotw) answer(sotw.handleSnapshot(snapshot).responses);
      assert.ok(rounds < 30, "settles");
    } while (wanted);
    return rounds;
  }

  function start(): void {
    const snapshot = cache.publish(pipeline.build().resources);
    if (useDelta) {
      delta.handleSnapshot(snapshot);
      answer([TypeUrl.cluster, TypeUrl.listener].flatMap((t) => delta.handleRequest(deltaRequest(t, { node: "envoy" })).responses));
      answer(delta.handleRequest(deltaRequest(TypeUrl.route, { subscribe: ["ingress_http"] })).responses);
      // Envoy's VHDS subscription over ADS names nothing.
      answer(delta.handleRequest(deltaRequest(TypeUrl.virtualHost)).responses);
    }
    if (useSotw) {
      sotw.handleSnapshot(snapshot);
      answer([TypeUrl.cluster, TypeUrl.listener].flatMap((t) => sotw.handleRequest(sotwRequest(t, { node: "envoy" })).responses));
      answer(sotw.handleRequest(sotwRequest(TypeUrl.route, { names: ["ingress_http"] })).responses);
    }
  }

  /** The plain-HTTP hosts Envoy runs: served and accepted. */
  const served = (): string[] => {
    const snapshot = cache.current();
    assert.ok(snapshot !== undefined);
    let fromDelta: string[] | undefined;
    if (useDelta) {
      const vhosts = snapshot.types[TypeUrl.virtualHost].resources;
      const known = delta.known(TypeUrl.virtualHost);
      for (const [name, r] of vhosts) assert.equal(known.get(name), r.version, `Envoy holds ${name}`);
      fromDelta = [...vhosts.keys()].map((n) => fqdnOfVhdsName(n) ?? n).sort();
      if (!useSotw) return fromDelta;
    }
    const resource = snapshot.types[TypeUrl.route].resources.get("ingress_http");
    assert.ok(resource !== undefined);
    assert.equal(sotw.acceptedVersion(TypeUrl.route), snapshot.types[TypeUrl.route].version, "Envoy runs the served route configurations");
    const fromSotw = fromBinary(RouteConfigurationSchema, resource.bytes).virtualHosts.map((v) => v.name).sort();
    if (fromDelta !== undefined) assert.deepEqual(fromSotw, fromDelta, "both Envoys run the same hosts");
    return fromSotw;
  };
  return { pipeline, add, start, settle, served, pushes: () => pushes };
}

for (const protocol of ["delta", "sotw", "both"] as const) {
  describe(`NACK quarantine (${protocol})`, () => {
    it("one new source in the NACKed route configuration: quarantined at once with Envoy's message", () => {
      const s = stack(protocol, new Set(["bad.test"]));
      s.add(service("web", [port(80)], { namespace: "team" }), proxy("a", "a.test"));
      s.start();
      s.add(proxy("bad", "bad.test"));
      s.settle();
      assert.deepEqual(s.pipeline.quarantined().map((q) => [formatKey(q.key), q.cause]), [["HTTPProxy/team/bad", "nack"]]);
      const view = s.pipeline.httpProxyStatuses().find((x) => x.key.name === "bad")?.view;
      assert.equal(view?.currentStatus, "invalid");
      assert.equal(view?.errors[0]?.reason, "EnvoyRejected");
      // With two Envoys, the first NACK to arrive (the delta one here) names the resource.
      const resource = protocol === "sotw" ? 'route "ingress_http"' : 'virtualHost "ingress_http/bad.test"';
      assert.equal(view?.errors[0]?.message, `Envoy rejected the ${resource} built from this object: invalid regex in virtual host bad.test`);
      assert.deepEqual(s.served(), ["a.test"]);
      // Another tenant's change flows.
      s.add(proxy("later", "later.test"));
      s.settle();
      assert.deepEqual(s.served(), ["a.test", "later.test"]);
    });

    it("eight sources changed at once, one poisoned: bisection finds it, the other seven are served", () => {
      const s = stack(protocol, new Set(["h5.test"]));
      s.add(service("web", [port(80)], { namespace: "team" }), proxy("a", "a.test"));
      s.start();
      s.add(...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => proxy(`p${i}`, `h${i}.test`)));
      const rounds = s.settle();
      assert.deepEqual(s.pipeline.quarantined().map((q) => formatKey(q.key)), ["HTTPProxy/team/p5"]);
      assert.deepEqual(s.pipeline.withdrawn(), [], "nothing is left withdrawn");
      assert.deepEqual(s.served(), ["a.test", "h0.test", "h1.test", "h2.test", "h3.test", "h4.test", "h6.test", "h7.test"]);
      assert.ok(rounds <= 8, `found in ${rounds} rounds`);
    });

    it("two poisoned among six: both quarantined, the rest served", () => {
      const s = stack(protocol, new Set(["h1.test", "h4.test"]));
      s.add(service("web", [port(80)], { namespace: "team" }), proxy("a", "a.test"));
      s.start();
      s.add(...[0, 1, 2, 3, 4, 5].map((i) => proxy(`p${i}`, `h${i}.test`)));
      s.settle();
      assert.deepEqual(s.pipeline.quarantined().map((q) => formatKey(q.key)), ["HTTPProxy/team/p1", "HTTPProxy/team/p4"]);
      assert.deepEqual(s.served(), ["a.test", "h0.test", "h2.test", "h3.test", "h5.test"]);
    });

    it("a quarantined source that changes is tried again", () => {
      const poisoned = new Set(["bad.test"]);
      const s = stack(protocol, poisoned);
      s.add(service("web", [port(80)], { namespace: "team" }), proxy("a", "a.test"), );
      s.start();
      s.add(proxy("bad", "bad.test"));
      s.settle();
      assert.equal(s.pipeline.quarantined().length, 1);
      poisoned.clear();
      s.add(rootProxy("bad", "bad.test", { routes: [prefixRoute("/fixed", [to("web", 80)])] }, { namespace: "team" }));
      s.settle();
      assert.deepEqual(s.pipeline.quarantined(), []);
      assert.deepEqual(s.served(), ["a.test", "bad.test"]);
    });
  });
}

describe("rejectedPieces", () => {
  it("names only the virtual hosts that differ from the accepted route configuration", () => {
    const pipeline = createPipeline({ translate: {} });
    const add = (...objects: KubernetesObject[]) => objects.forEach((o) => pipeline.apply(kindOf(o), "add", o));
    add(service("web", [port(80)], { namespace: "team" }), proxy("a", "a.test"), proxy("b", "b.test"));
    const cache = createSnapshotCache();
    const before = cache.publish(pipeline.build().resources).types[TypeUrl.route].resources.get("ingress_http");
    add(rootProxy("b", "b.test", { routes: [prefixRoute("/v2", [to("web", 80)])] }, { namespace: "team" }), proxy("c", "c.test"));
    const after = cache.publish(pipeline.build().resources).types[TypeUrl.route].resources.get("ingress_http");
    const pieces = rejectedPieces({ typeUrl: TypeUrl.route, name: "ingress_http", rejected: after?.any, accepted: before?.any });
    assert.deepEqual(pieces, [{ piece: "virtualHost", name: "b.test" }, { piece: "virtualHost", name: "c.test" }]);
    assert.deepEqual(pipeline.sourcesOf(pieces).map(formatKey), ["HTTPProxy/team/b", "HTTPProxy/team/c"]);
    assert.equal(rejectedPieces({ typeUrl: TypeUrl.route, name: "ingress_http", rejected: after?.any, accepted: undefined }).length, 3, "all of them when the accepted one is unknown");
  });
});
