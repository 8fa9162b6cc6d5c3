// The incremental translator with Gateway listeners, through the pipeline: random sequences of
// HTTPRoute and Gateway changes (with Services and their EndpointSlices), and after each build the
// resources must equal a full translation of the same model, and the snapshot applied from the
// changes must have the versions of one built from nothing.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { KubernetesObject, V1EndpointSlice } from "@kubernetes/client-node";
import { gateway, gatewayClass, http, httpRoute, service } from "../../controllers/gateway/testdata/fixtures.js";
import { endpointSlice } from "../../controllers/source/testdata/fixtures.js";
import type { WatchedKind } from "../../controllers/source/object-cache.js";
import { createPipeline } from "../../operator/pipeline/pipeline.js";
import { createSnapshot, type Snapshot } from "../cache/index.js";
import { createTranslator } from "./translator.js";
import { resourcesToJson } from "./test-support.js";

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

function versions(snapshot: Snapshot): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [url, type] of Object.entries(snapshot.types)) out[url] = Object.fromEntries([["", type.version], ...[...type.resources].map(([n, r]) => [n, r.version])]);
  for (const [url, type] of Object.entries(snapshot.deltaTypes)) out[`delta ${url}`] = Object.fromEntries([["", type.version], ...[...type.resources].map(([n, r]) => [n, r.version])]);
  return out;
}

const pick = <T,>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

describe("translateChanges with Gateway listeners", () => {
  for (const seed of [11, 12, 13]) {
    it(`seed ${seed}: a full translation's resources and snapshot versions after every random HTTPRoute or Gateway change`, function () {
      this.timeout(120000);
      const rnd = random(seed);
      const pipeline = createPipeline({
        translate: {},
        gateway: { controllerName: "projectcontour.io/gateway-controller", portRange: { min: 10000, max: 10099 }, envoySelector: { app: "envoy" }, envoyService: { namespace: "projectcontour", name: "envoy" } },
      });
      const slices = new Map<string, V1EndpointSlice>();
      const put = (o: KubernetesObject, event: "add" | "update" | "delete" = "add"): void => void pipeline.apply(o.kind as WatchedKind, event, o);
      put(gatewayClass("contour"));
      put(gateway("gw", "web", [http("http", 80, { allowedRoutes: { namespaces: { from: "All" } } })]));
      for (const name of ["svc-1", "svc-2"]) put(service("team", name, [{ port: 80 }]));
      let snapshot: Snapshot | undefined;
      let fast = 0;
      for (let step = 1; step <= 80; step++) {
        const r = rnd();
        if (r < 0.7) {
          const name = `route-${Math.floor(rnd() * 6)}`;
          const rules = [{ matches: [{ path: { type: "PathPrefix" as const, value: pick(rnd, ["/", "/v1", "/api"]) } }], backendRefs: [{ name: pick(rnd, ["svc-1", "svc-2", "missing"]), port: 80 }] }];
          const route = httpRoute("team", name, [{ name: pick(rnd, ["web", "api"]), namespace: "gw" }], rules, rnd() < 0.2 ? undefined : [pick(rnd, ["a.example.com", "b.example.com", "*.example.com"])]);
          const o = { ...route, metadata: { ...route.metadata, generation: step } };
          put(o, rnd() < 0.2 ? "delete" : "update");
        } else if (r < 0.85) {
          const listeners = [http("http", 80, { allowedRoutes: { namespaces: { from: "All" } } })];
          if (rnd() < 0.5) listeners.push(http("extra", pick(rnd, [80, 8080]), { hostname: "a.example.com", allowedRoutes: { namespaces: { from: "All" } } }));
          const g = gateway("gw", pick(rnd, ["web", "api"]), listeners);
          put({ ...g, metadata: { ...g.metadata, generation: step } }, rnd() < 0.15 ? "delete" : "update");
        } else {
          const svc = pick(rnd, ["svc-1", "svc-2"]);
          const s = endpointSlice(`${svc}-a`, svc, [`10.0.0.${step}`], 80, "", { namespace: "team", resourceVersion: String(step) });
          slices.set(svc, s);
          put(s, "update");
        }
        const got = pipeline.build();
        if (got.resources.changes !== undefined) fast++;
        const want = createTranslator().translateChecked(pipeline.model(), [...slices.values()]);
        assert.deepEqual(resourcesToJson(got.resources), resourcesToJson(want.resources), `step ${step}`);
        const incremental = createSnapshot(got.resources, { previous: snapshot });
        assert.deepEqual(versions(incremental), versions(createSnapshot(want.resources)), `step ${step}: versions`);
        snapshot = incremental;
      }
      console.log(`      ${fast} of 80 builds applied incrementally`);
      assert.ok(fast > 30, `the fast path was taken ${fast} times of 80`);
    });
  }
});
