// The side-by-side benchmark's cluster (bench/side-by-side/objects.ts: N root HTTPProxies with their
// Services, EndpointSlices, TLS Secrets and included children) applied to a pipeline in this process,
// as a cache sync would hand it over: namespaces first, proxies last. Nothing is built yet.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { WatchedKind } from "../controllers/source/object-cache.js";
import type { Pipeline } from "../operator/pipeline/pipeline.js";
import { planObjects, type BackendAddress, type Plan } from "./side-by-side/objects.js";

export function applyHttpProxyWorkload(pipeline: Pipeline, plan: Plan, backends: ReadonlyMap<string, BackendAddress>, cert: { certPem: string; keyPem: string }): void {
  const { namespaces, objects, proxies } = planObjects(plan, backends, cert);
  for (const o of [...namespaces, ...objects, ...proxies]) pipeline.apply(o.body["kind"] as WatchedKind, "add", o.body as KubernetesObject);
}
