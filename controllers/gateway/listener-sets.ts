import type { V1Namespace } from "@kubernetes/client-node";
import type { Gateway, ListenerSet } from "../../crds/types/gateway-api/gateway.js";
import { GATEWAY_GROUP } from "../../crds/types/gateway-api/common.js";
import { quote } from "../store/conditions.js";
import { compareText, timestampText, type DependencySet, type GatewayObjects } from "./objects.js";
import { parseLabelSelector } from "./label-selector.js";
import type { Verdict } from "./listener-validation.js";

/** A ListenerSet whose parentRef names a Gateway, and whether that Gateway lets it attach. */
export interface ListenerSetCandidate {
  readonly listenerSet: ListenerSet;
  readonly allowed: Verdict;
}

/**
 * The ListenerSets whose spec.parentRef names this Gateway, in the spec's listener precedence
 * (oldest creationTimestamp first, then "namespace/name"), each with the Gateway's verdict from
 * spec.allowedListeners (default: none may attach; NotAllowed).
 */
export function listenerSetsOf(objects: GatewayObjects, deps: DependencySet, gateway: Gateway): ListenerSetCandidate[] {
  const gwNamespace = gateway.metadata?.namespace ?? "";
  const gwName = gateway.metadata?.name ?? "";
  // Any ListenerSet in any namespace may name this Gateway: "*" in both parts stands for all of them.
  deps.add("ListenerSet", "*", "*");
  const mine = objects.list<ListenerSet>("ListenerSet").filter((ls) => {
    const ref = ls.spec?.parentRef;
    if (ref === undefined) return false;
    return (ref.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (ref.kind ?? "Gateway") === "Gateway" && (ref.namespace ?? ls.metadata?.namespace) === gwNamespace && ref.name === gwName;
  });
  mine.sort(compareListenerSets);
  const allowed = gateway.spec?.allowedListeners?.namespaces;
  const from = allowed?.from ?? "None";
  return mine.map((ls) => {
    const ns = ls.metadata?.namespace ?? "";
    let verdict: Verdict = { ok: true };
    const refuse = (why: string): Verdict => ({ ok: false, reason: "NotAllowed", message: `Gateway ${quote(`${gwNamespace}/${gwName}`)} ${why}` });
    if (from === "None") verdict = refuse("does not allow ListenerSets (spec.allowedListeners.namespaces.from is None or unset)");
    else if (from === "Same" && ns !== gwNamespace) verdict = refuse("allows ListenerSets of its own namespace only");
    else if (from === "Selector") {
      const parsed = parseLabelSelector(allowed?.selector);
      deps.add("Namespace", "", ns);
      const labels = objects.get<V1Namespace>("Namespace", "", ns)?.metadata?.labels;
      if (!parsed.ok || !parsed.matches(labels)) verdict = refuse(`does not select namespace ${quote(ns)} in spec.allowedListeners.namespaces.selector`);
    }
    return { listenerSet: ls, allowed: verdict };
  });
}

/** Listener precedence between ListenerSets: oldest first, then by "namespace/name". */
export function compareListenerSets(a: ListenerSet, b: ListenerSet): number {
  const key = (ls: ListenerSet): string => `${ls.metadata?.namespace ?? ""}/${ls.metadata?.name ?? ""}`;
  return compareText(timestampText(a.metadata?.creationTimestamp), timestampText(b.metadata?.creationTimestamp)) || compareText(key(a), key(b));
}
