import type { BackendObjectReference } from "../../crds/types/gateway-api/common.js";
import type { HTTPCORSFilter, HTTPHeaderFilter, HTTPRouteFilter } from "../../crds/types/gateway-api/httproute.js";
import type { CorsPolicy, HeadersPolicy, RouteAction } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { hostnameProblem } from "./hostnames.js";

/** Why a filter cannot be served: the reason of the route's condition, and a message naming the field. */
export interface FilterProblem {
  readonly reason: "UnsupportedValue" | "IncompatibleFilters" | "InvalidKind";
  readonly message: string;
}

/** What a rule's filters ask for, before backends are resolved. */
export interface RuleFilters {
  readonly requestHeaders?: HeadersPolicy;
  readonly responseHeaders?: HeadersPolicy;
  /** Present when the rule answers with a redirect instead of forwarding. The port is resolved per listener. */
  readonly redirect?: Omit<Extract<RouteAction, { kind: "redirect" }>, "port"> & { readonly port?: number; readonly schemeSet: boolean };
  readonly hostRewrite?: string;
  readonly fullPathRewrite?: string;
  readonly prefixRewrite?: string;
  readonly mirrors: readonly { readonly backendRef: BackendObjectReference; readonly percent: number; readonly field: string }[];
  readonly cors?: CorsPolicy;
}

const TOKEN = /^[0-9A-Za-z!#$%&'*+\-.^_|~`]{1,256}$/u;
const ONCE: ReadonlySet<string> = new Set(["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "CORS"]);

/**
 * Reads a rule's filters (`field` is e.g. "spec.rules[0].filters"): header modifiers, redirect,
 * URL rewrite, mirrors (several, by percent or fraction) and CORS; `pathPrefixOnly` says whether
 * every match of the rule is a PathPrefix, which ReplacePrefixMatch requires. ExternalAuth and
 * ExtensionRef are not supported; the rule then answers 500, as the spec asks of a filter that
 * cannot be honoured.
 */
export function readRuleFilters(filters: readonly HTTPRouteFilter[], field: string, pathPrefixOnly: boolean): { readonly ok: true; readonly value: RuleFilters } | { readonly ok: false; readonly problem: FilterProblem } {
  const seen = new Set<string>();
  const out: { -readonly [K in keyof RuleFilters]: RuleFilters[K] } = { mirrors: [] };
  const mirrors: RuleFilters["mirrors"][number][] = [];
  const bad = (reason: FilterProblem["reason"], message: string) => ({ ok: false as const, problem: { reason, message } });
  for (const [i, f] of filters.entries()) {
    const at = `${field}[${i}]`;
    if (ONCE.has(f.type)) {
      if (seen.has(f.type)) return bad("UnsupportedValue", `${at}: filter type ${quote(f.type)} may appear only once in a rule`);
      seen.add(f.type);
    }
    switch (f.type) {
      case "RequestHeaderModifier":
      case "ResponseHeaderModifier": {
        const spec = f.type === "RequestHeaderModifier" ? f.requestHeaderModifier : f.responseHeaderModifier;
        const key = f.type === "RequestHeaderModifier" ? "requestHeaderModifier" : "responseHeaderModifier";
        const h = headersPolicy(spec, `${at}.${key}`);
        if (!h.ok) return bad("UnsupportedValue", h.message);
        if (f.type === "RequestHeaderModifier") out.requestHeaders = h.value;
        else out.responseHeaders = h.value;
        break;
      }
      case "RequestRedirect": {
        const r = f.requestRedirect ?? {};
        const rf = `${at}.requestRedirect`;
        if (r.scheme !== undefined && r.scheme !== "http" && r.scheme !== "https") return bad("UnsupportedValue", `${rf}.scheme: ${quote(r.scheme)} is not one of http, https`);
        const statusCode = r.statusCode ?? 302;
        if (![301, 302, 303, 307, 308].includes(statusCode)) return bad("UnsupportedValue", `${rf}.statusCode: ${statusCode} is not one of 301, 302, 303, 307, 308`);
        if (r.hostname !== undefined && (hostnameProblem(r.hostname) !== undefined || r.hostname.startsWith("*"))) return bad("UnsupportedValue", `${rf}.hostname: ${quote(r.hostname)} ${hostnameProblem(r.hostname) ?? "must not be a wildcard"}`);
        const path = pathModifier(r.path, `${rf}.path`, pathPrefixOnly);
        if (!path.ok) return { ok: false, problem: path.problem };
        out.redirect = {
          kind: "redirect",
          statusCode: statusCode as 301 | 302 | 303 | 307 | 308,
          schemeSet: r.scheme !== undefined,
          ...(r.scheme !== undefined ? { scheme: r.scheme } : {}),
          ...(r.hostname !== undefined ? { host: r.hostname } : {}),
          ...(r.port !== undefined ? { port: r.port } : {}),
          ...(path.full !== undefined ? { path: path.full } : {}),
          ...(path.prefix !== undefined ? { prefix: path.prefix } : {}),
        };
        break;
      }
      case "URLRewrite": {
        const u = f.urlRewrite ?? {};
        const uf = `${at}.urlRewrite`;
        if (u.hostname !== undefined) {
          const why = hostnameProblem(u.hostname);
          if (why !== undefined || u.hostname.startsWith("*")) return bad("UnsupportedValue", `${uf}.hostname: ${quote(u.hostname)} ${why ?? "must not be a wildcard"}`);
          out.hostRewrite = u.hostname;
        }
        const path = pathModifier(u.path, `${uf}.path`, pathPrefixOnly);
        if (!path.ok) return { ok: false, problem: path.problem };
        if (path.full !== undefined) out.fullPathRewrite = path.full;
        if (path.prefix !== undefined) out.prefixRewrite = path.prefix;
        break;
      }
      case "RequestMirror": {
        const m = f.requestMirror;
        if (m === undefined) return bad("UnsupportedValue", `${at}.requestMirror must be set for type RequestMirror`);
        let percent = 100;
        if (m.percent !== undefined && m.fraction !== undefined) return bad("UnsupportedValue", `${at}.requestMirror: only one of percent and fraction may be set`);
        if (m.percent !== undefined) percent = m.percent;
        if (m.fraction !== undefined) {
          const d = m.fraction.denominator ?? 100;
          if (d <= 0 || m.fraction.numerator < 0 || m.fraction.numerator > d) return bad("UnsupportedValue", `${at}.requestMirror.fraction: ${m.fraction.numerator}/${d} is not a fraction between 0 and 1`);
          percent = (m.fraction.numerator / d) * 100;
        }
        if (percent < 0 || percent > 100) return bad("UnsupportedValue", `${at}.requestMirror.percent: ${percent} is not between 0 and 100`);
        mirrors.push({ backendRef: m.backendRef, percent, field: `${at}.requestMirror.backendRef` });
        break;
      }
      case "CORS": {
        const c = corsFilter(f.cors ?? {}, `${at}.cors`);
        if (!c.ok) return bad("UnsupportedValue", c.message);
        out.cors = c.value;
        break;
      }
      case "ExtensionRef":
        return bad("InvalidKind", `${at}.extensionRef: ${quote(`${f.extensionRef?.group ?? ""}/${f.extensionRef?.kind ?? ""}`)} is not a filter kind this controller knows`);
      default:
        return bad("UnsupportedValue", `${at}.type: ${quote(f.type)} is not supported`);
    }
  }
  if (out.redirect !== undefined && (out.hostRewrite !== undefined || out.fullPathRewrite !== undefined || out.prefixRewrite !== undefined)) {
    return bad("IncompatibleFilters", `${field}: RequestRedirect and URLRewrite cannot be used together`);
  }
  return { ok: true, value: { ...out, mirrors } };
}

/** A header filter as a model HeadersPolicy: names must be HTTP tokens, each named once across set, add and remove. */
export function headersPolicy(spec: HTTPHeaderFilter | undefined, field: string): { readonly ok: true; readonly value: HeadersPolicy } | { readonly ok: false; readonly message: string } {
  const names = new Set<string>();
  const check = (name: string, at: string): string | undefined => {
    if (!TOKEN.test(name)) return `${at}: ${quote(name)} is not a valid header name`;
    const lower = name.toLowerCase();
    if (names.has(lower)) return `${at}: header ${quote(name)} is named more than once`;
    names.add(lower);
    return undefined;
  };
  // Envoy refuses header values holding NUL, CR or LF (header injection): refuse them here instead.
  const value = (v: string, at: string): string | undefined => (/[\0\r\n]/.test(v) ? `${at}: the value must not hold NUL, CR or LF` : undefined);
  const pairs = (list: HTTPHeaderFilter["set"], key: "set" | "add") => (list ?? []).map((h, i) => ({ h, why: check(h.name, `${field}.${key}[${i}].name`) ?? value(h.value, `${field}.${key}[${i}].value`) }));
  const set = pairs(spec?.set, "set");
  const add = pairs(spec?.add, "add");
  const remove = (spec?.remove ?? []).map((n, i) => ({ n, why: check(n, `${field}.remove[${i}]`) }));
  const why = [...set, ...add, ...remove].find((x) => x.why !== undefined)?.why;
  if (why !== undefined) return { ok: false, message: why };
  return {
    ok: true,
    value: { set: set.map(({ h }) => ({ name: h.name, value: h.value })), remove: remove.map(({ n }) => n), ...(add.length > 0 ? { add: add.map(({ h }) => ({ name: h.name, value: h.value })) } : {}) },
  };
}

function pathModifier(p: { type: string; replaceFullPath?: string; replacePrefixMatch?: string } | undefined, field: string, pathPrefixOnly: boolean): { ok: true; full?: string; prefix?: string } | { ok: false; problem: FilterProblem } {
  if (p === undefined) return { ok: true };
  const raw = p.type === "ReplaceFullPath" ? p.replaceFullPath : p.replacePrefixMatch;
  if (raw !== undefined && /[\0\r\n\s?#]/.test(raw)) return { ok: false, problem: { reason: "UnsupportedValue", message: `${field}: ${quote(raw)} must be a path without whitespace, "?" or "#"` } };
  if (p.type === "ReplaceFullPath") {
    const v = p.replaceFullPath ?? "";
    if (!v.startsWith("/")) return { ok: false, problem: { reason: "UnsupportedValue", message: `${field}.replaceFullPath: ${quote(v)} must start with "/"` } };
    return { ok: true, full: v };
  }
  if (p.type === "ReplacePrefixMatch") {
    const v = p.replacePrefixMatch ?? "";
    if (!v.startsWith("/")) return { ok: false, problem: { reason: "UnsupportedValue", message: `${field}.replacePrefixMatch: ${quote(v)} must start with "/"` } };
    if (!pathPrefixOnly) return { ok: false, problem: { reason: "UnsupportedValue", message: `${field}: ReplacePrefixMatch needs every match of the rule to be a PathPrefix match` } };
    return { ok: true, prefix: v };
  }
  return { ok: false, problem: { reason: "UnsupportedValue", message: `${field}.type: ${quote(p.type)} is not one of ReplaceFullPath, ReplacePrefixMatch` } };
}

/** The CORS filter as a model policy: "*" and exact origins as they are, wildcard origins ("https://*.example.com") as RE2 patterns. */
function corsFilter(c: HTTPCORSFilter, field: string): { ok: true; value: CorsPolicy } | { ok: false; message: string } {
  const allowOrigin: { value: string; regex: boolean }[] = [];
  for (const [i, o] of (c.allowOrigins ?? []).entries()) {
    if (o === "*") allowOrigin.push({ value: "*", regex: false });
    else if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(o)) return { ok: false, message: `${field}.allowOrigins[${i}]: ${quote(o)} is not "*" or scheme://host[:port]` };
    else if (o.includes("*")) allowOrigin.push({ value: `^${o.split("*").map(escapeRegex).join("[^/]*")}$`, regex: true });
    else allowOrigin.push({ value: o, regex: false });
  }
  for (const [key, list] of [["allowMethods", c.allowMethods], ["allowHeaders", c.allowHeaders], ["exposeHeaders", c.exposeHeaders]] as const) {
    for (const [i, v] of (list ?? []).entries()) if (v !== "*" && !TOKEN.test(v)) return { ok: false, message: `${field}.${key}[${i}]: ${quote(v)} is not "*" or an HTTP token` };
  }
  const maxAge = c.maxAge ?? 5;
  if (!Number.isInteger(maxAge) || maxAge < 1) return { ok: false, message: `${field}.maxAge: ${maxAge} must be a positive number of seconds` };
  return {
    ok: true,
    value: {
      allowOrigin,
      allowMethods: [...(c.allowMethods ?? [])],
      allowHeaders: [...(c.allowHeaders ?? [])],
      exposeHeaders: [...(c.exposeHeaders ?? [])],
      allowCredentials: c.allowCredentials ?? false,
      maxAgeSeconds: maxAge,
      allowPrivateNetwork: false,
    },
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
