// Installs a file of CRDs on the bench's bed (upstream's, read from the Go module cache, so both
// controllers see objects validated by the same schema).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { waitFor } from "../../e2e/harness/index.js";
import { createObject, type Api } from "./measure.js";

/** Installs upstream's CRDs (read from the Go module cache) and waits until they are Established. */
export async function installCrds(api: Api, file: string): Promise<void> {
  const path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  const docs = parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJSON() as { kind?: string; metadata: { name: string } } | null)
    .filter((d): d is { kind: string; metadata: { name: string } } => d?.kind === "CustomResourceDefinition");
  for (const crd of docs) await createObject(api, path, crd);
  for (const crd of docs) {
    await waitFor(
      async () => {
        const got = await api.request<{ status?: { conditions?: { type: string; status: string }[] } }>("GET", `${path}/${crd.metadata.name}`);
        return got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") === true;
      },
      { timeoutMs: 30_000, description: `CRD ${crd.metadata.name} to be Established` },
    );
  }
}
