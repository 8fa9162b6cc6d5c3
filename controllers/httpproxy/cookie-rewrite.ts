/**
 * cookieRewritePolicies of a route or a service, checked as upstream's cookieRewritePolicies (a
 * cookie named twice, or a rule that rewrites nothing, is CookieRewritePoliciesInvalid) plus the
 * patterns of upstream's CRD, which admission normally enforces: a value with `;` or a control
 * character would smuggle attributes or headers into Set-Cookie, so it is refused here too. The
 * values stay data all the way to Envoy (see xds/translate/cookie-rewrite.ts): never code.
 */
import type { CookieRewrite } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { flag, list, obj, str } from "./spec-values.js";

// RFC 6265 cookie-name token: no separators, spaces or control characters (upstream's CRD pattern).
const NAME = /^[^()<>@,;:\\"/[\]?={} \t\x00-\x1f\x7f]+$/u;
const PATH = /^[^;\x00-\x1f\x7f]+$/u;
const DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/u;
const SAME_SITE = ["Strict", "Lax", "None"] as const;
const MAX = 4096;

/** The rewrites of one policy list, or the problem (upstream's wording, `where` is "route" or "service"). */
export function cookieRewrites(raw: unknown, where: "route" | "service"): { ok: true; value: readonly CookieRewrite[] | undefined } | { ok: false; problem: string } {
  const out: CookieRewrite[] = [];
  const seen = new Set<string>();
  const bad = (problem: string) => ({ ok: false as const, problem: `${problem} on ${where} cookie rewrite rules` });
  for (const item of list<unknown>(raw)) {
    const p = obj<Record<string, unknown>>(item) ?? {};
    const name = str(p["name"]) ?? "";
    if (name === "" || name.length > MAX || !NAME.test(name)) return bad(`cookie name ${quote(name, 64)} is not a valid cookie name`);
    if (seen.has(name)) return bad(`duplicate cookie rewrite rule for cookie ${quote(name, 64)}`);
    seen.add(name);
    const path = str(obj<{ value?: unknown }>(p["pathRewrite"])?.value);
    const domain = str(obj<{ value?: unknown }>(p["domainRewrite"])?.value);
    if (p["pathRewrite"] !== undefined && (path === undefined || path === "" || path.length > MAX || !PATH.test(path))) return bad(`pathRewrite of cookie ${quote(name, 64)} must be 1 to ${MAX} characters without ";" or control characters`);
    if (p["domainRewrite"] !== undefined && (domain === undefined || domain.length > MAX || !DOMAIN.test(domain))) return bad(`domainRewrite of cookie ${quote(name, 64)} must be a lower-case DNS name`);
    const sameSite = p["sameSite"];
    if (sameSite !== undefined && !SAME_SITE.includes(sameSite as (typeof SAME_SITE)[number])) return bad(`sameSite of cookie ${quote(name, 64)} must be one of Strict, Lax, None`);
    const secure = p["secure"];
    if (path === undefined && domain === undefined && secure === undefined && sameSite === undefined) return bad(`no attributes rewritten for cookie ${quote(name, 64)}`);
    out.push({
      name,
      ...(path !== undefined ? { path } : {}),
      ...(domain !== undefined ? { domain } : {}),
      ...(secure !== undefined ? { secure: flag(secure) } : {}),
      ...(sameSite !== undefined ? { sameSite: sameSite as CookieRewrite["sameSite"] & string } : {}),
    });
  }
  return { ok: true, value: out.length === 0 ? undefined : out };
}
