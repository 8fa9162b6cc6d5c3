// Sources the pipeline holds back from the model: quarantined (their contribution refused, by
// protobuf's encoder or by Envoy, until they change) or withdrawn for a moment while a NACK is
// bisected (their previous contribution, or none, stands in for the current one).
import type { ObjectKey } from "../../controllers/source/object-cache.js";
import type { Condition, Fragment } from "../../controllers/store/fragment.js";
import { ConditionType, errorCondition } from "../../controllers/store/conditions.js";
import { canonicalJson } from "../../controllers/model/names.js";

/** Why a source is quarantined: its pieces could not be encoded, or Envoy rejected them. */
export type QuarantineCause = "encode" | "nack";

/** A source held back from the model. */
export type Hold =
  | { readonly kind: "quarantined"; readonly cause: QuarantineCause; readonly condition: Condition; readonly fingerprint: string }
  | { readonly kind: "withdrawn"; readonly fingerprint: string };

/** Status reasons of quarantined sources. */
export const QuarantineReason = { encode: "EnvoyEncodeFailed", nack: "EnvoyRejected" } as const;

/** What a source contributes, as canonical JSON: a quarantine is lifted when this changes. */
export function fingerprint(fragment: Fragment): string {
  return canonicalJson({ v: fragment.virtualHosts, t: fragment.tcpProxies, c: fragment.clusters, s: fragment.secrets });
}

/** The condition a quarantined source carries (HTTPProxy: filed under VirtualHostError). */
export function quarantineCondition(key: ObjectKey, cause: QuarantineCause, message: string): Condition {
  const condition = errorCondition(QuarantineReason[cause], message);
  return key.kind === "HTTPProxy" ? { ...condition, category: "VirtualHostError" } : condition;
}

/** The fragment the store gets for a held source. */
export function heldFragment(fragment: Fragment, hold: Hold, previous: Fragment | undefined): Fragment {
  const empty = { virtualHosts: [], tcpProxies: [], clusters: [], secrets: [] };
  if (hold.kind === "withdrawn") {
    // Status stays as computed for the current spec: the withdrawal lasts one or two pushes.
    const standIn = previous === undefined ? empty : { virtualHosts: previous.virtualHosts, tcpProxies: previous.tcpProxies, clusters: previous.clusters, secrets: previous.secrets };
    return { ...fragment, ...standIn };
  }
  const kept = fragment.conditions.filter((c) => !(c.type === ConditionType.Valid && c.status === "True"));
  return { ...fragment, ...empty, conditions: [hold.condition, ...kept] };
}
