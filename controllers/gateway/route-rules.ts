import type { HTTPRouteRule } from "../../crds/types/gateway-api/httproute.js";
import type { Cluster, RetryPolicy, RouteMatch, TimeoutPolicy, TlsSecret, WeightedCluster } from "../model/model.js";
import { backendFilters, resolveBackendRef, type BackendContext } from "./route-backends.js";
import { readRuleFilters, type RuleFilters } from "./route-filters.js";
import { convertMatch } from "./route-matches.js";
import { ruleRetry, ruleTimeouts } from "./route-timeouts.js";

/** A backend problem: the ResolvedRefs reason and a message naming the field. */
export interface RefProblem {
  readonly reason: string;
  readonly message: string;
}

/** One rule, read and resolved: what every listener the route attaches to serves for it. */
export type BuiltRule =
  | {
      readonly ok: true;
      readonly index: number;
      readonly matches: readonly { readonly match: RouteMatch; readonly hasMethod: boolean }[];
      readonly filters: RuleFilters;
      /** Weighted clusters with traffic; empty: the rule answers 500 (no valid backend, or all weights 0). */
      readonly clusters: readonly WeightedCluster[];
      /** Summed weight of backends that did not resolve: their share answers 500. */
      readonly invalidWeight: number;
      readonly websocket: boolean;
      readonly mirrors: readonly { readonly cluster: string; readonly percent: number }[];
      readonly timeout?: TimeoutPolicy;
      readonly retry?: RetryPolicy;
      /** A filter that cannot be honoured: the rule answers 500. */
      readonly unservable: boolean;
    }
  | { readonly ok: false; readonly index: number; readonly reason: string; readonly message: string };

/** What building rules adds besides the rules: clusters, secrets and reference problems. */
export interface RuleOutputs {
  readonly clusters: Map<string, Cluster>;
  readonly secrets: Map<string, TlsSecret>;
  readonly refProblems: RefProblem[];
}

/**
 * Reads and resolves one HTTPRoute rule (`field`: "spec.rules[i]"). A rule with an invalid match,
 * filter value, timeout or retry is dropped (its reason feeds Accepted or PartiallyInvalid); a rule
 * whose backends do not resolve stays and answers 500 for their share, as the spec asks, with the
 * reason in ResolvedRefs.
 */
export function buildRule(ctx: BackendContext, out: RuleOutputs, rule: HTTPRouteRule, index: number): BuiltRule {
  const field = `spec.rules[${index}]`;
  const drop = (reason: string, message: string): BuiltRule => ({ ok: false, index, reason, message });
  const specMatches = rule.matches !== undefined && rule.matches.length > 0 ? rule.matches : [{}];
  const matches: { match: RouteMatch; hasMethod: boolean }[] = [];
  for (const [j, m] of specMatches.entries()) {
    const c = convertMatch(m, `${field}.matches[${j}]`);
    if (!c.ok) return drop("UnsupportedValue", c.message);
    matches.push({ match: c.match, hasMethod: c.hasMethod });
  }
  if (rule.sessionPersistence !== undefined) return drop("UnsupportedValue", `${field}.sessionPersistence is not supported`);
  const pathPrefixOnly = matches.every((m) => m.match.path.kind === "prefix");
  const filters = readRuleFilters(rule.filters ?? [], `${field}.filters`, pathPrefixOnly);
  let unservable = false;
  let ruleFilters: RuleFilters = { mirrors: [] };
  if (!filters.ok) {
    if (filters.problem.reason !== "InvalidKind") return drop(filters.problem.reason, filters.problem.message);
    out.refProblems.push({ reason: "InvalidKind", message: filters.problem.message });
    unservable = true;
  } else ruleFilters = filters.value;
  const timeouts = ruleTimeouts(rule.timeouts, `${field}.timeouts`);
  if (!timeouts.ok) return drop("UnsupportedValue", timeouts.message);
  const retry = ruleRetry(rule.retry, timeouts.value?.backendRequestMs, `${field}.retry`);
  if (!retry.ok) return drop("UnsupportedValue", retry.message);

  const clusters: WeightedCluster[] = [];
  let invalidWeight = 0;
  let websocket = false;
  for (const [j, ref] of (rule.backendRefs ?? []).entries()) {
    const bfield = `${field}.backendRefs[${j}]`;
    const weight = ref.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 0 || weight > 1_000_000) return drop("UnsupportedValue", `${bfield}.weight: ${weight} is not between 0 and 1000000`);
    const r = resolveBackendRef(ctx, ref, bfield);
    if (!r.ok) {
      if (r.reason !== "BackendTLSPolicyInvalid") out.refProblems.push({ reason: r.reason, message: r.message });
      invalidWeight += weight;
      continue;
    }
    const bf = backendFilters(ref.filters ?? [], `${bfield}.filters`);
    if (!bf.ok) return drop("UnsupportedValue", bf.message);
    if (ruleFilters.redirect !== undefined || weight === 0) continue;
    out.clusters.set(r.cluster.name, r.cluster);
    for (const s of r.secrets) out.secrets.set(s.name, s);
    websocket ||= r.websocket;
    clusters.push({ cluster: r.cluster.name, weight, ...bf.value });
  }
  const mirrors: { cluster: string; percent: number }[] = [];
  for (const m of ruleFilters.mirrors) {
    const r = resolveBackendRef(ctx, m.backendRef, m.field);
    if (!r.ok) {
      if (r.reason !== "BackendTLSPolicyInvalid") out.refProblems.push({ reason: r.reason, message: r.message });
      continue;
    }
    out.clusters.set(r.cluster.name, r.cluster);
    for (const s of r.secrets) out.secrets.set(s.name, s);
    mirrors.push({ cluster: r.cluster.name, percent: m.percent });
  }
  return {
    ok: true,
    index,
    matches,
    filters: ruleFilters,
    clusters: mergeDuplicates(clusters),
    invalidWeight,
    websocket,
    mirrors,
    ...(timeouts.value !== undefined ? { timeout: timeouts.value } : {}),
    ...(retry.value !== undefined ? { retry: retry.value } : {}),
    unservable,
  };
}

/** Two backendRefs to one Service port with the same filters are one weighted cluster of their summed weight. */
function mergeDuplicates(clusters: readonly WeightedCluster[]): WeightedCluster[] {
  const byKey = new Map<string, WeightedCluster>();
  for (const c of clusters) {
    const key = JSON.stringify([c.cluster, c.requestHeaders ?? null, c.responseHeaders ?? null]);
    const prev = byKey.get(key);
    byKey.set(key, prev === undefined ? c : { ...prev, weight: prev.weight + c.weight });
  }
  return [...byKey.values()];
}

/** "Dropped Rule" message for PartiallyInvalid, as the spec words it. */
export function droppedRulesMessage(dropped: readonly Extract<BuiltRule, { ok: false }>[]): string {
  return `Dropped Rule(s): ${dropped.map((d) => `${d.index} (${d.message})`).join("; ")}`;
}
