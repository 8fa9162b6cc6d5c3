// What the global rate limiting and tracing specs share: a process in a pod network of its own (the rate limit
// service, the OTLP collector) published as a Service, an EndpointSlice and an h2c ExtensionService, and a
// contour config file written before the stack starts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest } from "../../operator/runtime/kube-request.js";
import { applyEndpointSlice, createService, ensureNamespace, type KubeClients } from "../fixtures/kube-objects.js";

/** A config file for `contour serve --config-path`, removed by `remove()`. */
export function writeContourConfig(prefix: string, text: string): { readonly path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `contour-${prefix}-`));
  const path = join(dir, "contour.yaml");
  writeFileSync(path, text);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where a service of the bed listens (a pod network address and port). */
export interface ListeningAt {
  readonly ip: string;
  readonly port: number;
}

/**
 * Publishes `at` as Service `<namespace>/<name>` (port `port`, named grpc), its EndpointSlice, and the
 * ExtensionService `<namespace>/<name>` (protocol h2c) that makes contour build the cluster
 * `extension/<namespace>/<name>`.
 */
export async function publishExtensionService(kube: KubeClients, kubeConfig: KubeConfig, namespace: string, name: string, at: ListeningAt, port = 8081): Promise<void> {
  await ensureNamespace(kube, namespace);
  await createService(kube, namespace, name, [{ name: "grpc", port }]);
  await applyEndpointSlice(kube, namespace, name, "grpc", [{ ip: at.ip, port: at.port }]);
  await kubeRequest(kubeConfig, {
    method: "POST",
    path: `/apis/projectcontour.io/v1alpha1/namespaces/${namespace}/extensionservices`,
    body: {
      apiVersion: "projectcontour.io/v1alpha1",
      kind: "ExtensionService",
      metadata: { name, namespace },
      spec: { protocol: "h2c", services: [{ name, port }] },
    },
  });
}
