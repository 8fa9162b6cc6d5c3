// The incremental Gateway stage against the full recompute: random sequences of changes to
// HTTPRoutes, Gateways, GatewayClasses, Services, Namespaces and ReferenceGrants, and after each one
// the kept state must equal computeGatewayState's, and the reported changes must name every
// listener, cluster and secret whose content moved.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPRouteRule } from "../../crds/types/gateway-api/httproute.js";
import type { Listener } from "../../crds/types/gateway-api/gateway.js";
import { gateway, gatewayClass, http, httpRoute, namespace, referenceGrant, service } from "../../controllers/gateway/testdata/fixtures.js";
import { canonicalJson } from "../../controllers/model/names.js";
import { createObjectCache } from "../../controllers/source/memory-object-cache.js";
import type { WatchedKind } from "../../controllers/source/object-cache.js";
import { createGatewayStage } from "./gateway-incremental.js";
import { computeGatewayState, type GatewayStageOptions, type GatewayState } from "./gateway-stage.js";

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPTIONS: GatewayStageOptions = { controllerName: "projectcontour.io/gateway-controller", portRange: { min: 10000, max: 10099 }, envoySelector: { app: "envoy" }, envoyService: { namespace: "projectcontour", name: "envoy" } };

/** A state as plain data: the attached-route counts sorted (a Map's order is not part of the result). */
function plain(state: GatewayState): string {
  return canonicalJson({ ...state, attachedRoutes: [...state.attachedRoutes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) });
}

/** Names whose content differs between two name lists. */
function moved<T extends { readonly name: string }>(before: readonly T[], after: readonly T[]): string[] {
  const a = new Map(before.map((x) => [x.name, canonicalJson(x)] as const));
  const b = new Map(after.map((x) => [x.name, canonicalJson(x)] as const));
  return [...new Set([...a.keys(), ...b.keys()])].filter((n) => a.get(n) !== b.get(n)).sort();
}

const NAMESPACES = ["team-a", "team-b"];
const HOSTS = ["a.example.com", "b.example.com", "*.example.com", "other.test"];
const pick = <T,>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

/** A random object of the universe: most often an HTTPRoute. */
function randomObject(rnd: () => number, version: number): KubernetesObject {
  const r = rnd();
  const ns = pick(rnd, NAMESPACES);
  if (r < 0.6) {
    const parents = [{ name: pick(rnd, ["web", "api"]), namespace: "gw", ...(rnd() < 0.3 ? { sectionName: pick(rnd, ["http", "extra"]) } : {}) }];
    if (rnd() < 0.2) parents.push({ name: "api", namespace: "gw" });
    const rules: HTTPRouteRule[] = [];
    for (let i = 0, n = 1 + Math.floor(rnd() * 2); i < n; i++) {
      rules.push({
        matches: [{ path: { type: "PathPrefix", value: pick(rnd, ["/", "/v1", "/api"]) } }],
        backendRefs: [{ name: pick(rnd, ["svc-1", "svc-2", "missing"]), port: 80, ...(rnd() < 0.2 ? { namespace: pick(rnd, NAMESPACES) } : {}) }],
      });
    }
    const hostnames = rnd() < 0.2 ? undefined : [pick(rnd, HOSTS)];
    const route = httpRoute(ns, `route-${Math.floor(rnd() * 8)}`, parents, rules, hostnames, `2026-01-01T00:00:0${Math.floor(rnd() * 3)}Z`);
    return { ...route, metadata: { ...route.metadata, generation: version } };
  }
  if (r < 0.72) {
    const from = pick(rnd, ["All", "Same", "Selector"] as const);
    const listeners: Listener[] = [http("http", 80, { allowedRoutes: { namespaces: { from, ...(from === "Selector" ? { selector: { matchLabels: { tier: "web" } } } : {}) } } })];
    if (rnd() < 0.5) listeners.push(http("extra", pick(rnd, [80, 8080]), { hostname: pick(rnd, ["a.example.com", "*.example.com"]), allowedRoutes: { namespaces: { from: "All" } } }));
    const g = gateway("gw", pick(rnd, ["web", "api"]), listeners);
    return { ...g, metadata: { ...g.metadata, generation: version } };
  }
  if (r < 0.82) return service(ns, pick(rnd, ["svc-1", "svc-2"]), [{ port: 80, ...(rnd() < 0.3 ? { appProtocol: "kubernetes.io/h2c" } : {}) }]);
  if (r < 0.9) return namespace(ns, rnd() < 0.5 ? { tier: "web" } : {});
  if (r < 0.96) return referenceGrant(pick(rnd, NAMESPACES), "allow", [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: pick(rnd, NAMESPACES) }], [{ group: "", kind: "Service" }]);
  return gatewayClass("contour", rnd() < 0.8 ? "projectcontour.io/gateway-controller" : "example.com/other");
}

describe("Gateway stage: incremental updates equal a full recompute", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: 100 random changes`, () => {
      const rnd = random(seed);
      const cache = createObjectCache();
      const stage = createGatewayStage(OPTIONS);
      const put = (o: KubernetesObject): void => {
        const kind = o.kind as WatchedKind;
        cache.insert(o, kind);
        stage.changed({ kind, namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "" });
      };
      put(gatewayClass("contour"));
      put(gateway("gw", "web", [http("http", 80, { allowedRoutes: { namespaces: { from: "All" } } })]));
      put(service("team-a", "svc-1", [{ port: 80 }]));
      let previous = computeGatewayState(cache, OPTIONS);
      assert.equal(plain(stage.update(cache).state), plain(previous));
      for (let step = 1; step <= 100; step++) {
        const o = randomObject(rnd, step);
        const kind = o.kind as WatchedKind;
        const key = { kind, namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "" };
        if (rnd() < 0.25 && cache.get(kind, key.namespace, key.name) !== undefined) cache.remove(key);
        else cache.insert(o, kind);
        stage.changed(key);
        const { state, changes } = stage.update(cache);
        const want = computeGatewayState(cache, OPTIONS);
        assert.equal(plain(state), plain(want), `step ${step}: ${kind} ${key.namespace}/${key.name}`);
        const said = (c: { added: readonly string[]; changed: readonly string[]; removed: readonly string[] }): Set<string> => new Set([...c.added, ...c.changed, ...c.removed]);
        for (const [list, names] of [
          ["listeners", moved(previous.listeners, want.listeners)],
          ["clusters", moved(previous.clusters, want.clusters)],
          ["secrets", moved(previous.secrets, want.secrets)],
        ] as const) {
          const told = said(changes[list]);
          for (const n of names) assert.ok(told.has(n), `step ${step}: ${list} ${n} changed but was not reported`);
        }
        for (const c of want.clusters) assert.equal(canonicalJson(stage.clusterOf(c.name)), canonicalJson(c), `step ${step}: clusterOf(${c.name})`);
        for (const l of want.listeners) assert.equal(canonicalJson(stage.listenerOf(l.name)), canonicalJson(l), `step ${step}: listenerOf(${l.name})`);
        previous = want;
      }
    });
  }
});
