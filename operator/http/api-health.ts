// Liveness of our link to the API server, for /healthz.
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest } from "../runtime/kube-request.js";

/** A check that GETs /version with a short timeout: true when the API server answers. */
export function createApiServerHealthCheck(kubeConfig: KubeConfig, timeoutMs = 2_000): () => Promise<boolean> {
  return async () => {
    try {
      await kubeRequest(kubeConfig, { path: "/version", timeoutMs });
      return true;
    } catch {
      return false;
    }
  };
}
