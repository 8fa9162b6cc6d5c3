// Minimal projectcontour.io CRDs for operator specs: the right names and a status subresource, with the
// schema left open (the real CRDs are not what these specs test).
import { ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from "@kubernetes/client-node";
import { waitFor } from "../harness/index.js";

/** A namespaced projectcontour.io/v1 CRD with an open schema and a status subresource. */
export function openCrd(kind: string, plural: string): V1CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.projectcontour.io` },
    spec: {
      group: "projectcontour.io",
      scope: "Namespaced",
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: "object", x_kubernetes_preserve_unknown_fields: true } },
        },
      ],
    },
  };
}

/** Installs a CRD and waits until it is Established (served). */
export async function installCrd(kubeConfig: KubeConfig, crd: V1CustomResourceDefinition): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  await api.createCustomResourceDefinition({ body: crd });
  const name = crd.metadata?.name ?? "";
  await waitFor(
    async () => (await api.readCustomResourceDefinition({ name })).status?.conditions?.some((c) => c.type === "Established" && c.status === "True"),
    { timeoutMs: 30_000, description: `CRD ${name} to be Established` },
  );
}
