// `contour certgen --kube`: create the Secrets through the API, as upstream's certgen Job does. An
// existing Secret is kept ("already exists") unless --overwrite, which replaces it.
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeError } from "../runtime/kube-error.js";
import { kubeRequest } from "../runtime/kube-request.js";
import type { CertSecret } from "./outputs.js";

/** What happened to one Secret. */
export type SecretWriteOutcome = "created" | "updated" | "kept";

/** Writes each Secret in order; `report` gets upstream's line per Secret. Rejects on the first API error. */
export async function writeSecretsToApi(kubeConfig: KubeConfig, secrets: readonly CertSecret[], overwrite: boolean, report: (line: string) => void): Promise<SecretWriteOutcome[]> {
  const outcomes: SecretWriteOutcome[] = [];
  for (const secret of secrets) {
    const collection = `/api/v1/namespaces/${encodeURIComponent(secret.metadata.namespace)}/secrets`;
    try {
      await kubeRequest(kubeConfig, { method: "POST", path: collection, body: secret, timeoutMs: 30_000 });
      outcomes.push("created");
    } catch (err) {
      const e = KubeError.from(err);
      if (e.statusCode !== 409) throw new Error(`creating secret/${secret.metadata.name} in ${secret.metadata.namespace}: ${e.message}`);
      if (!overwrite) {
        report(`secret/${secret.metadata.name} already exists\n`);
        outcomes.push("kept");
        continue;
      }
      // An unconditional replace (no resourceVersion), as upstream's Update: certgen owns these Secrets.
      await kubeRequest(kubeConfig, { method: "PUT", path: `${collection}/${encodeURIComponent(secret.metadata.name)}`, body: secret, timeoutMs: 30_000 }).catch((put: unknown) => {
        throw new Error(`replacing secret/${secret.metadata.name} in ${secret.metadata.namespace}: ${KubeError.from(put).message}`);
      });
      outcomes.push("updated");
    }
    report(`secret/${secret.metadata.name} updated\n`);
  }
  return outcomes;
}
