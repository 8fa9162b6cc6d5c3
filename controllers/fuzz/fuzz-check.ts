/**
 * Test support: the fuzzer's property. A batch of objects goes through the real pipeline (the
 * reconcilers, the store and the translator, as `contour serve` runs them); the batch passes when
 * the build does not throw and quarantines nothing (the validators, not the pipeline's isolation, must
 * refuse bad input), every generated object has a status, every resource encodes, and Envoy
 * accepts the whole configuration (`envoy --mode validate`, one run per batch).
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { createPipeline, type BuildResult, type Pipeline } from "../../operator/pipeline/pipeline.js";
import { envoyValidate } from "./envoy-check.js";

/** What went wrong with one batch (empty: nothing). */
export interface BatchVerdict {
  readonly problems: readonly string[];
  /** How many of the batch's objects were valid, for the figures. */
  readonly valid: number;
}

type Kind = Parameters<Pipeline["apply"]>[0];

/** Runs `fixtures` (Services, Secrets) and `objects` (HTTPProxies, Ingresses) through one pipeline and checks the result. */
export async function checkBatch(fixtures: readonly KubernetesObject[], objects: readonly KubernetesObject[]): Promise<BatchVerdict> {
  const pipeline = createPipeline({ translate: {} });
  for (const o of [...fixtures, ...objects]) pipeline.apply(o.kind as Kind, "add", o);
  let result: BuildResult;
  try {
    result = pipeline.build();
  } catch (e) {
    return { problems: [`the build threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`], valid: 0 };
  }
  const resources = result.resources;
  const problems: string[] = [];
  // The pipeline isolates what cannot be encoded; that is a safety net, and the validators must have refused it first.
  for (const q of result.quarantined) problems.push(`quarantined at encoding (a validator let it through): ${JSON.stringify(q)}`);
  for (const f of result.unattributed) problems.push(`left out at encoding, no source to blame: ${JSON.stringify(f)}`);
  let valid = 0;
  const proxyStatus = new Map(pipeline.httpProxyStatuses().map((s) => [`${s.key.namespace}/${s.key.name}`, s.view]));
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
    if (o.kind === "HTTPProxy") {
      const view = proxyStatus.get(`${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`);
      if (view === undefined) problems.push(`${id} has no status`);
      else if (view.currentStatus === "valid") valid++;
    } else {
      const conditions = pipeline.conditions({ kind: "Ingress", namespace: o.metadata?.namespace ?? "", name: o.metadata?.name ?? "" });
      if (conditions === undefined) problems.push(`${id} has no status`);
      else if (conditions.every((c) => c.status !== "False")) valid++;
    }
  }
  const verdict = await envoyValidate(resources);
  if (!verdict.ok) problems.push(`Envoy rejects the configuration: ${verdict.output}`);
  return { problems, valid };
}
