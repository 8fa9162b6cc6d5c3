// The benchmarks' Gateway API and HTTPProxy workloads, the same shape as ingress-workload.ts: N routes,
// each with its own hostname, Service and EndpointSlice, over 50 namespaces. HTTPRoutes all attach
// to one Gateway (one HTTP listener on port 80, routes from every namespace allowed); HTTPProxies are
// N roots. bench/pipeline.ts --gateway measures changes to them side by side.
import type { KubernetesObject } from "@kubernetes/client-node";
import { endpointSlice, port, service } from "../controllers/source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "../controllers/httpproxy/testdata/fixtures.js";
import { gateway, gatewayClass, http, httpRoute } from "../controllers/gateway/testdata/fixtures.js";
import type { HTTPRouteRule } from "../crds/types/gateway-api/httproute.js";
import type { GatewayStageOptions } from "../operator/pipeline/gateway-stage.js";
import type { Pipeline } from "../operator/pipeline/pipeline.js";

/** The Gateway stage settings of the benchmark's pipeline. */
export const BENCH_GATEWAY_OPTIONS: GatewayStageOptions = {
  controllerName: "projectcontour.io/gateway-controller",
  portRange: { min: 10000, max: 10999 },
  envoySelector: { app: "envoy" },
  envoyService: { namespace: "projectcontour", name: "envoy" },
};

const namespaceOf = (i: number): string => `team-${i % 50}`;

function backends(pipeline: Pipeline, i: number): void {
  const ns = namespaceOf(i);
  pipeline.apply("Service", "add", service(`svc-${i}`, [port(80, "http")], { namespace: ns }));
  pipeline.apply("EndpointSlice", "add", endpointSlice(`svc-${i}-a`, `svc-${i}`, [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], 8080, "http", { namespace: ns }));
}

/** The rules of route i: "/" and "/api" to its Service, or `prefix` alone (a changed route). */
function routeRules(i: number, prefix?: string): HTTPRouteRule[] {
  const to80 = [{ name: `svc-${i}`, port: 80 }];
  const rule = (value: string): HTTPRouteRule => ({ matches: [{ path: { type: "PathPrefix", value } }], backendRefs: to80 });
  return prefix === undefined ? [rule("/"), rule("/api")] : [rule(prefix)];
}

/** HTTPRoute i on the benchmark's Gateway (gw/bench), with its rules changed to `prefix` when given. */
export function benchHTTPRoute(i: number, prefix?: string, resourceVersion = "1"): KubernetesObject {
  const r = httpRoute(namespaceOf(i), `route-${i}`, [{ name: "bench", namespace: "gw" }], routeRules(i, prefix), [`host-${i}.example.com`]);
  return { ...r, metadata: { ...r.metadata, resourceVersion, generation: Number(resourceVersion) } };
}

/** Applies one GatewayClass of ours, one Gateway and N HTTPRoutes with their Services and EndpointSlices (not built yet). */
export function applyGatewayWorkload(pipeline: Pipeline, n: number): void {
  pipeline.apply("GatewayClass", "add", gatewayClass("contour"));
  pipeline.apply("Gateway", "add", gateway("gw", "bench", [http("http", 80, { allowedRoutes: { namespaces: { from: "All" } } })]));
  for (let i = 0; i < n; i++) {
    backends(pipeline, i);
    pipeline.apply("HTTPRoute", "add", benchHTTPRoute(i));
  }
}

/** Root HTTPProxy i, with its routes changed to `prefix` when given. */
export function benchHTTPProxy(i: number, prefix?: string, resourceVersion = "1"): KubernetesObject {
  const routes = prefix === undefined ? [prefixRoute("/", [to(`svc-${i}`, 80)]), prefixRoute("/api", [to(`svc-${i}`, 80)])] : [prefixRoute(prefix, [to(`svc-${i}`, 80)])];
  const p = rootProxy(`proxy-${i}`, `host-${i}.example.com`, { routes }, { namespace: namespaceOf(i) });
  return { ...p, metadata: { ...p.metadata, resourceVersion, generation: Number(resourceVersion) } };
}

/** Applies N root HTTPProxies with their Services and EndpointSlices (not built yet). */
export function applyHTTPProxyWorkload(pipeline: Pipeline, n: number): void {
  for (let i = 0; i < n; i++) {
    backends(pipeline, i);
    pipeline.apply("HTTPProxy", "add", benchHTTPProxy(i));
  }
}
