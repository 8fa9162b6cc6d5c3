// Which cluster `contour serve` talks to.
import { KubeConfig } from "@kubernetes/client-node";

/**
 * The KubeConfig for --kubeconfig when given; else the in-cluster service account when running in a pod;
 * else $KUBECONFIG or ~/.kube/config (client-node's default chain).
 */
export function loadKubeConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (path !== undefined) kubeConfig.loadFromFile(path);
  else if (env["KUBERNETES_SERVICE_HOST"] !== undefined && env["KUBERNETES_SERVICE_PORT"] !== undefined) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}
