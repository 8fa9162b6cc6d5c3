// The benchmarks' workload: N Ingresses, each with its own Service and EndpointSlice, spread over 50
// namespaces, applied to a pipeline (bench/pipeline.ts and bench/pipeline-profile.ts measure changes to it).
import { endpointSlice, ingress, path, port, rule, service } from "../controllers/source/testdata/fixtures.js";
import type { Pipeline } from "../operator/pipeline/pipeline.js";

/** Applies N Ingresses with their Services and EndpointSlices (not built yet). */
export function applyIngressWorkload(pipeline: Pipeline, n: number): void {
  for (let i = 0; i < n; i++) {
    const ns = `team-${i % 50}`;
    pipeline.apply("Service", "add", service(`svc-${i}`, [port(80, "http")], { namespace: ns }));
    pipeline.apply("EndpointSlice", "add", endpointSlice(`svc-${i}-a`, `svc-${i}`, [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], 8080, "http", { namespace: ns }));
    pipeline.apply("Ingress", "add", ingress(`ing-${i}`, { rules: [rule(`host-${i}.example.com`, path("/", `svc-${i}`, 80), path("/api", `svc-${i}`, "http"))] }, { namespace: ns }));
  }
}
