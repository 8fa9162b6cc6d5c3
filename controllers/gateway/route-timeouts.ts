import type { HTTPRouteRetry, HTTPRouteTimeouts } from "../../crds/types/gateway-api/httproute.js";
import type { RetryPolicy, TimeoutPolicy } from "../model/model.js";
import { quote } from "../store/conditions.js";

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** A Gateway API duration (GEP-2257: "1h", "30s", "1h30m500ms"; units h, m, s, ms; whole numbers) in milliseconds, or undefined when invalid. */
export function parseGatewayDuration(text: string): number | undefined {
  if (!/^([0-9]{1,5}(h|m|s|ms))+$/.test(text)) return undefined;
  let total = 0;
  for (const part of text.matchAll(/([0-9]{1,5})(ms|h|m|s)/g)) total += Number(part[1]) * (UNIT_MS[part[2] ?? ""] ?? 0);
  return total;
}

/**
 * Rule timeouts as a model TimeoutPolicy: request is the whole-request timeout, backendRequest the
 * per-try timeout; "0s" disables a timeout; backendRequest must not exceed request (the spec's rule).
 */
export function ruleTimeouts(t: HTTPRouteTimeouts | undefined, field: string): { readonly ok: true; readonly value?: TimeoutPolicy } | { readonly ok: false; readonly message: string } {
  if (t === undefined || (t.request === undefined && t.backendRequest === undefined)) return { ok: true };
  const request = t.request === undefined ? undefined : parseGatewayDuration(t.request);
  if (t.request !== undefined && request === undefined) return { ok: false, message: `${field}.request: ${quote(t.request)} is not a duration such as "10s" or "1m30s"` };
  const backend = t.backendRequest === undefined ? undefined : parseGatewayDuration(t.backendRequest);
  if (t.backendRequest !== undefined && backend === undefined) return { ok: false, message: `${field}.backendRequest: ${quote(t.backendRequest)} is not a duration such as "10s" or "1m30s"` };
  if (request !== undefined && request > 0 && backend !== undefined && (backend === 0 || backend > request)) return { ok: false, message: `${field}.backendRequest must not be longer than ${field}.request` };
  return { ok: true, value: { responseMs: request ?? null, idleMs: null, ...(backend !== undefined ? { backendRequestMs: backend } : {}) } };
}

/**
 * A rule's retry as a model RetryPolicy: attempts (default 1 when the block is present), the status
 * codes as retriable codes, connection failures always retried (the HTTPRouteRetryConnectionError
 * behaviour), and the back-off base interval.
 */
export function ruleRetry(r: HTTPRouteRetry | undefined, backendRequestMs: number | undefined, field: string): { readonly ok: true; readonly value?: RetryPolicy } | { readonly ok: false; readonly message: string } {
  if (r === undefined) return { ok: true };
  const codes = [...new Set(r.codes ?? [])].sort((a, b) => a - b);
  const bad = codes.find((c) => !Number.isInteger(c) || c < 400 || c > 599);
  if (bad !== undefined) return { ok: false, message: `${field}.codes: ${bad} is not a status code between 400 and 599` };
  const attempts = r.attempts ?? 1;
  if (!Number.isInteger(attempts) || attempts < 0) return { ok: false, message: `${field}.attempts: ${attempts} is not a number of retries` };
  const backoff = r.backoff === undefined ? undefined : parseGatewayDuration(r.backoff);
  if (r.backoff !== undefined && backoff === undefined) return { ok: false, message: `${field}.backoff: ${quote(r.backoff)} is not a duration such as "100ms"` };
  return {
    ok: true,
    value: {
      retryOn: ["connect-failure", "refused-stream", "reset", ...(codes.length > 0 ? ["retriable-status-codes"] : [])].join(","),
      numRetries: attempts,
      perTryTimeoutMs: backendRequestMs ?? 0,
      retriableStatusCodes: codes,
      ...(backoff !== undefined ? { backoffBaseMs: backoff } : {}),
    },
  };
}
