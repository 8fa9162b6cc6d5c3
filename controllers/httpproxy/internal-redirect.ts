/**
 * A route's internalRedirectPolicy, read as upstream's internalRedirectPolicy does: the codes Envoy
 * follows (302 when none), how many redirects one request may take, cross-scheme targets (Always,
 * Never by default, SafeOnly) and denyRepeatedRouteRedirect.
 */
import type { HTTPInternalRedirectPolicy } from "../../crds/types/httpproxy.js";
import type { InternalRedirect } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { flag, list, obj } from "./spec-values.js";

const CODES = new Set([301, 302, 303, 307, 308]);
const CROSS_SCHEME: Readonly<Record<string, InternalRedirect["crossScheme"]>> = { Always: "always", Never: "never", SafeOnly: "safeOnly" };

/** The model policy (undefined when absent), or why it is not valid (what the CRD schema refuses, should it be bypassed). */
export function internalRedirect(raw: unknown): { readonly ok: true; readonly value?: InternalRedirect } | { readonly ok: false; readonly problem: string } {
  if (raw === undefined || raw === null) return { ok: true };
  const p = obj<HTTPInternalRedirectPolicy>(raw);
  if (p === undefined) return { ok: false, problem: "must be an object" };
  const max = p.maxInternalRedirects ?? 0;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 0 || max > 0xffffffff) return { ok: false, problem: `maxInternalRedirects: ${quote(String(max))} is not a whole number from 0 to 4294967295` };
  const codes: number[] = [];
  for (const c of list<unknown>(p.redirectResponseCodes)) {
    if (typeof c !== "number" || !CODES.has(c)) return { ok: false, problem: `redirectResponseCodes: ${quote(String(c))} is not one of 301, 302, 303, 307, 308` };
    codes.push(c);
  }
  const scheme = p.allowCrossSchemeRedirect ?? "Never";
  const crossScheme = typeof scheme === "string" ? CROSS_SCHEME[scheme] : undefined;
  if (crossScheme === undefined) return { ok: false, problem: `allowCrossSchemeRedirect: ${quote(String(scheme))} is not Always, Never or SafeOnly` };
  return { ok: true, value: { maxInternalRedirects: max, redirectResponseCodes: codes, crossScheme, denyRepeatedRouteRedirect: flag(p.denyRepeatedRouteRedirect) } };
}
