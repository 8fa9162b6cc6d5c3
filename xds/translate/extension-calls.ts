/**
 * The ExtensionServices that the HTTP connection manager calls (the rate limit service, the trace
 * collector), resolved against the model: a call is configured only when the ExtensionService's cluster
 * `extension/<namespace>/<name>` is in the model, so Envoy is never sent a gRPC service on a missing
 * cluster. Upstream reads the ExtensionService once at start-up and refuses to start without it; here a
 * missing or invalid one leaves the filter out until it appears (and its own status says why).
 */
import type { Cluster } from "../../controllers/model/model.js";
import { extensionClusterName } from "../../controllers/extension/index.js";
import type { ExtensionCall, ExtensionServiceRef, ResolvedOptions } from "./options.js";

/** The model's clusters, or a function finding one by name (the store's lookup: no list is read). */
export type ClusterLookup = readonly Cluster[] | ((name: string) => Cluster | undefined);

function lookupOf(clusters: ClusterLookup): (name: string) => Cluster | undefined {
  return typeof clusters === "function" ? clusters : (name) => clusters.find((c) => c.name === name);
}

/** How Envoy calls `ref`, or undefined when the model has no cluster for it. */
export function extensionCall(ref: ExtensionServiceRef, clusters: ClusterLookup): ExtensionCall | undefined {
  const name = extensionClusterName(ref.namespace, ref.name);
  const cluster = lookupOf(clusters)(name);
  if (cluster === undefined || cluster.extension === undefined) return undefined;
  // Upstream's grpcService: the subject name the service's certificate is checked against, else the name with dots.
  const authority = cluster.upstreamValidation?.subjectName ?? cluster.sni ?? name.replaceAll("/", ".");
  return { cluster: name, authority, timeoutMs: cluster.extension.responseTimeoutMs };
}

/** The options with each configured extension call resolved, or dropped when its cluster is missing. */
export function resolveExtensionCalls(options: ResolvedOptions, clusters: ClusterLookup): ResolvedOptions {
  const rls = options.rateLimitService;
  const tracing = options.tracing;
  const rlsCall = rls === null ? undefined : extensionCall(rls.extensionService, clusters);
  const tracingCall = tracing === null ? undefined : extensionCall(tracing.extensionService, clusters);
  return {
    ...options,
    rateLimitService: rls === null || rlsCall === undefined ? null : { ...rls, call: rlsCall },
    tracing: tracing === null || tracingCall === undefined ? null : { ...tracing, call: tracingCall },
  };
}
