/**
 * Global rate limits of virtual hosts and routes (HTTPProxy rateLimitPolicy.global), as upstream's
 * globalRateLimitPolicy and computeVirtualHostRateLimitPolicy read them: descriptors that Envoy sends to
 * the rate limit service of the config file's rateLimitService, and the config file's default policy
 * for hosts that neither set their own nor opt out with `disabled`.
 */
import type { GlobalRateLimitPolicy, MatchCondition, RateLimitDescriptorEntry, RateLimitPolicy } from "../../crds/types/httpproxy.js";
import type { GlobalRateLimit, GlobalRateLimitEntry } from "../model/model.js";
import { headerNameProblem } from "./headers-policy.js";
import { MAX_MATCH_VALUE } from "./limits.js";
import { headerConditionsProblem, mergeHeaders } from "./match-conditions.js";
import type { PolicyResult } from "./route-policies.js";
import { flag, list, obj, str } from "./spec-values.js";

/** Longest descriptor key or value accepted (Envoy sets no bound; the rate limit service keys Redis with them). */
const MAX_DESCRIPTOR_TEXT = MAX_MATCH_VALUE;

/** Upstream's message for an entry with none or several of its four fields. */
const ONE_FIELD = "rate limit descriptor entry must have exactly one field set";

/**
 * The global policy of a rateLimitPolicy: undefined without descriptors or with `disabled: true`
 * (upstream's rateLimitPolicy and globalRateLimitPolicy both return nothing then). `field` names the
 * policy in messages (e.g. `spec.routes[0].rateLimitPolicy`).
 */
export function globalRateLimit(raw: RateLimitPolicy | undefined | unknown, field: string): PolicyResult<GlobalRateLimit | undefined> {
  return globalPolicy(obj<RateLimitPolicy>(raw)?.global, `${field}.global`);
}

/** Reads a GlobalRateLimitPolicy itself (the config file's defaultGlobalRateLimitPolicy is one). */
export function globalPolicy(raw: GlobalRateLimitPolicy | undefined | unknown, field: string): PolicyResult<GlobalRateLimit | undefined> {
  const policy = obj<GlobalRateLimitPolicy>(raw);
  if (policy === undefined || flag(policy.disabled)) return { ok: true, value: undefined };
  const descriptors: { entries: GlobalRateLimitEntry[] }[] = [];
  const raws = list<unknown>(policy.descriptors);
  for (const [d, rawDescriptor] of raws.entries()) {
    const entries: GlobalRateLimitEntry[] = [];
    for (const [e, rawEntry] of list<unknown>(obj<{ entries?: unknown }>(rawDescriptor)?.entries).entries()) {
      const entry = descriptorEntry(obj<RateLimitDescriptorEntry>(rawEntry) ?? {});
      if (typeof entry === "string") return { ok: false, problem: `${field}.descriptors[${d}].entries[${e}]: ${entry}` };
      entries.push(entry);
    }
    // Envoy refuses a rate limit with no actions (its proto asks for at least one).
    if (entries.length === 0) return { ok: false, problem: `${field}.descriptors[${d}]: a descriptor needs at least one entry` };
    descriptors.push({ entries });
  }
  return { ok: true, value: descriptors.length === 0 ? undefined : { descriptors } };
}

/**
 * A virtual host's global rate limit: its own policy when it has descriptors, else the default policy
 * unless the host opts out with `global.disabled` (upstream's computeVirtualHostRateLimitPolicy). A
 * problem comes as the whole message of the condition, naming the host's policy or the default one.
 */
export function virtualHostGlobalRateLimit(raw: RateLimitPolicy | undefined | unknown, field: string, defaultPolicy: unknown): PolicyResult<GlobalRateLimit | undefined> {
  const own = globalRateLimit(raw, field);
  if (!own.ok) return { ok: false, problem: `${field} is invalid: ${own.problem}` };
  if (own.value !== undefined || defaultPolicy === undefined || optsOut(raw)) return own;
  const fromDefault = globalPolicy(defaultPolicy, "rateLimitService.defaultGlobalRateLimitPolicy");
  return fromDefault.ok ? fromDefault : { ok: false, problem: `Default Global RateLimit Policy is invalid: ${fromDefault.problem}` };
}

/** True when a route's `global.disabled` asks Envoy not to send its virtual host's descriptors (upstream's VhRateLimitsIgnore). */
export function optsOut(raw: RateLimitPolicy | undefined | unknown): boolean {
  return flag(obj<{ disabled?: unknown }>(obj<RateLimitPolicy>(raw)?.global)?.disabled);
}

function descriptorEntry(entry: RateLimitDescriptorEntry): GlobalRateLimitEntry | string {
  const set = [entry.genericKey, entry.requestHeader, entry.requestHeaderValueMatch, entry.remoteAddress].filter((f) => obj(f) !== undefined).length;
  if (set !== 1) return ONE_FIELD;
  const generic = obj<{ key?: unknown; value?: unknown }>(entry.genericKey);
  if (generic !== undefined) {
    const value = str(generic.value) ?? "";
    const key = str(generic.key) ?? "";
    const why = textProblem("genericKey.value", value) ?? (key === "" ? undefined : textProblem("genericKey.key", key));
    if (why !== undefined) return why;
    return { kind: "genericKey", ...(key === "" ? {} : { key }), value };
  }
  const header = obj<{ headerName?: unknown; descriptorKey?: unknown }>(entry.requestHeader);
  if (header !== undefined) {
    const headerName = str(header.headerName) ?? "";
    const descriptorKey = str(header.descriptorKey) ?? "";
    const nameProblem = headerNameProblem(headerName);
    if (nameProblem !== undefined) return `requestHeader.headerName: ${nameProblem}`;
    const why = textProblem("requestHeader.descriptorKey", descriptorKey);
    if (why !== undefined) return why;
    return { kind: "requestHeader", headerName, descriptorKey };
  }
  const match = obj<{ headers?: unknown; expectMatch?: unknown; value?: unknown }>(entry.requestHeaderValueMatch);
  if (match !== undefined) {
    const value = str(match.value) ?? "";
    const valueProblem = textProblem("requestHeaderValueMatch.value", value);
    if (valueProblem !== undefined) return valueProblem;
    const conditions: MatchCondition[] = list<unknown>(match.headers).flatMap((h) => (obj(h) === undefined ? [] : [{ header: h } as MatchCondition]));
    if (conditions.length === 0) return "requestHeaderValueMatch.headers: at least one header condition is required";
    const why = headerConditionsProblem(conditions);
    if (why !== undefined) return `requestHeaderValueMatch.headers: ${why}`;
    const headers = mergeHeaders(conditions);
    if (headers.length !== conditions.length) return "requestHeaderValueMatch.headers: each header condition needs one of present, notpresent, contains, notcontains, exact, notexact or regex";
    // expectMatch defaults to true (the CRD's default; Envoy's too).
    return { kind: "headerValueMatch", headers, expectMatch: match.expectMatch === undefined ? true : flag(match.expectMatch), value };
  }
  return { kind: "remoteAddress" };
}

function textProblem(field: string, text: string): string | undefined {
  if (text === "") return `${field} must not be empty`;
  if (text.length > MAX_DESCRIPTOR_TEXT) return `${field} is longer than ${MAX_DESCRIPTOR_TEXT} characters`;
  return undefined;
}
