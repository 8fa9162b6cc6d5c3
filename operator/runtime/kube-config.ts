// Which cluster `contour serve` talks to.
import { existsSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";

/** A kubeconfig that cannot be used; its message is the whole story, so the CLI prints it without a stack. */
export class KubeConfigError extends Error {
  override readonly name = "KubeConfigError";
  /** Tells the CLI to print only the message. */
  readonly userFacing = true;
}

/**
 * The KubeConfig for --kubeconfig when given; else the in-cluster service account when running in a pod;
 * else $KUBECONFIG or ~/.kube/config (client-node's default chain).
 */
export function loadKubeConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (path !== undefined) {
    if (!existsSync(path)) throw new KubeConfigError(`--kubeconfig ${path}: no such file`);
    try {
      kubeConfig.loadFromFile(path);
    } catch (err) {
      throw new KubeConfigError(`--kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  else if (env["KUBERNETES_SERVICE_HOST"] !== undefined && env["KUBERNETES_SERVICE_PORT"] !== undefined) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}
