/** Local (per-Envoy) rate limits of virtual hosts and routes, as upstream's localRateLimitPolicy reads them. */
import type { LocalRateLimitPolicy, RateLimitPolicy } from "../../crds/types/httpproxy.js";
import type { LocalRateLimit } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { canonicalHeaderKey, headerNameProblem, headerValueProblem } from "./headers-policy.js";
import type { PolicyResult } from "./route-policies.js";
import { int, list, obj, str } from "./spec-values.js";

const FILL_INTERVAL_MS: Readonly<Record<string, number>> = { second: 1_000, minute: 60_000, hour: 3_600_000 };
const MAX_UINT32 = 2 ** 32 - 1;

/**
 * The local rate limit of a rateLimitPolicy (undefined without one): `requests` tokens every unit,
 * a bucket of requests + burst. The global part is read by global-rate-limit.ts.
 */
export function localRateLimit(raw: RateLimitPolicy | undefined | unknown, field: string): PolicyResult<LocalRateLimit | undefined> {
  const policy = obj<RateLimitPolicy>(raw);
  if (policy === undefined) return { ok: true, value: undefined };
  const local = obj<LocalRateLimitPolicy>(policy.local);
  if (local === undefined) return { ok: true, value: undefined };
  const fail = (problem: string): PolicyResult<LocalRateLimit | undefined> => ({ ok: false, problem: `${field}.local: ${problem}` });
  const requests = int(local.requests);
  if (requests === undefined || requests <= 0 || requests > MAX_UINT32) return fail(`invalid requests value ${quote(String(local.requests))}`);
  const fillIntervalMs = FILL_INTERVAL_MS[str(local.unit) ?? ""];
  if (fillIntervalMs === undefined) return fail(`invalid unit ${quote(String(local.unit))}`);
  const burst = local.burst === undefined ? 0 : int(local.burst);
  if (burst === undefined || burst < 0 || requests + burst > MAX_UINT32) return fail(`invalid burst value ${quote(String(local.burst))}`);
  const status = local.responseStatusCode === undefined ? 0 : int(local.responseStatusCode);
  if (status === undefined || (status !== 0 && (status < 400 || status > 599))) return fail("responseStatusCode must be 400-599");
  const responseHeaders: { name: string; value: string }[] = [];
  for (const entry of list<unknown>(local.responseHeadersToAdd)) {
    const h = obj<{ name?: unknown; value?: unknown }>(entry);
    const name = canonicalHeaderKey(str(h?.name) ?? "");
    const value = str(h?.value) ?? "";
    if (responseHeaders.some((x) => x.name === name)) return fail(`duplicate header addition: ${quote(name)}`);
    const why = headerNameProblem(name) ?? headerValueProblem(name, value);
    if (why !== undefined) return fail(`invalid header: ${why}`);
    responseHeaders.push({ name, value });
  }
  return {
    ok: true,
    value: {
      tokensPerFill: requests,
      maxTokens: requests + burst,
      fillIntervalMs,
      responseStatus: status === 0 ? 429 : status,
      responseHeaders: responseHeaders.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    },
  };
}
