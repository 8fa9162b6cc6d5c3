// The bed's stand-in for kube-scheduler: which Node an unscheduled Pod is bound to. A pod pinned to a
// node (the DaemonSet controller's required node affinity on `metadata.name`, or a nodeSelector /
// affinity on `kubernetes.io/hostname`) goes there; any other pod goes to the node running the fewest
// pods (ties: the first node), which spreads a Deployment's replicas as the scheduler's spreading does.
import type { V1NodeSelectorRequirement, V1Pod } from "@kubernetes/client-node";

/** The node for `pod` among `nodes`, given how many pods each already runs; undefined if no node fits. */
export function pickNode(pod: V1Pod, nodes: readonly string[], load: ReadonlyMap<string, number>): string | undefined {
  const fitting = nodes.filter((n) => fits(pod, n));
  let best: string | undefined;
  for (const n of fitting) if (best === undefined || (load.get(n) ?? 0) < (load.get(best) ?? 0)) best = n;
  return best;
}

// Every node of the bed carries the same labels but its hostname, so only the node name can tell them apart.
function fits(pod: V1Pod, node: string): boolean {
  const selector = pod.spec?.nodeSelector ?? {};
  if (selector["kubernetes.io/hostname"] !== undefined && selector["kubernetes.io/hostname"] !== node) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return true;
  // Terms are ORed, the requirements of one term ANDed.
  return terms.some((t) => (t.matchFields ?? []).every((r) => matches(r, "metadata.name", node)) && (t.matchExpressions ?? []).every((r) => matches(r, "kubernetes.io/hostname", node)));
}

// A requirement on another key (os, arch, a label every bed node has or none has) is left to the node's labels: not checked.
function matches(r: V1NodeSelectorRequirement, key: string, node: string): boolean {
  if (r.key !== key) return true;
  const values = r.values ?? [];
  if (r.operator === "In") return values.includes(node);
  if (r.operator === "NotIn") return !values.includes(node);
  return true;
}
