/**
 * Request and response header policies of routes and services, validated as upstream's
 * headersPolicyRoute does: no duplicates, valid names, Host only on requests (where it becomes a host
 * rewrite). Upstream's dynamic values %CONTOUR_NAMESPACE%, %CONTOUR_SERVICE_NAME% and
 * %CONTOUR_SERVICE_PORT% are substituted here; translation escapes every other "%" but upstream's
 * allow-list of Envoy variables (xds/translate/header-value.ts), so a user's value can never run any
 * other Envoy command. A Host of `%REQ(X-Name)%` on a route rewrites Host from that request header.
 */
import type { HeadersPolicy } from "../model/model.js";
import type { HeadersPolicy as SpecHeadersPolicy, HeaderValue } from "../../crds/types/httpproxy.js";
import { quote } from "../store/conditions.js";
import { MAX_HEADER_NAME, MAX_HEADER_VALUE_BYTES } from "./limits.js";
import { CONTROL_CHARACTERS, list, obj, str, utf8Length } from "./spec-values.js";

/** RFC 7230 token: what Envoy accepts as a header name. */
const TOKEN = /^[0-9A-Za-z!#$%&'*+\-.^_|~`]+$/u;

/** What the policy may do and the dynamic values it may use. */
export interface HeadersPolicyOptions {
  /** Whether "Host" may be set (requests only). */
  readonly allowHost: boolean;
  /**
   * Whether Host may come from a request header (`%REQ(X-Name)%`): routes only. Upstream reads such
   * a Host on a service too but never applies it (Envoy's weighted clusters have no header rewrite).
   */
  readonly allowHostFromHeader?: boolean;
  /** Values substituted for %NAME% (upstream's dynamic headers). */
  readonly dynamic: Readonly<Record<string, string>>;
}

/** A valid policy (undefined when absent or empty) and what it ignores, or why it is not valid. */
export type HeadersPolicyResult = { readonly ok: true; readonly policy?: HeadersPolicy; readonly ignored?: string } | { readonly ok: false; readonly problem: string };

/** Upstream's hostRewriteHeaderRegex: a Host value naming a request header, anywhere in the value. */
const HOST_FROM_HEADER = /%REQ\(([A-Za-z0-9-]+)\)%/u;

/** Go's http.CanonicalHeaderKey: "x-forwarded-for" → "X-Forwarded-For"; names with other characters are left alone. */
export function canonicalHeaderKey(name: string): string {
  if (!TOKEN.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/gu, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Validates a header name; undefined when fine. */
export function headerNameProblem(name: string): string | undefined {
  if (name === "" || name.length > MAX_HEADER_NAME || !TOKEN.test(name)) return `${quote(name)} is not a valid HTTP header name`;
  return undefined;
}

/** Validates a header value Envoy will add; undefined when fine. */
export function headerValueProblem(name: string, value: string): string | undefined {
  if (utf8Length(value) > MAX_HEADER_VALUE_BYTES) return `the value of header ${quote(name)} is longer than ${MAX_HEADER_VALUE_BYTES} bytes`;
  if (CONTROL_CHARACTERS.test(value.replace(/\t/gu, ""))) return `the value of header ${quote(name)} holds control characters`;
  return undefined;
}

/** Substitutes upstream's dynamic header values. */
export function substituteDynamic(value: string, dynamic: Readonly<Record<string, string>>): string {
  if (!value.includes("%")) return value;
  return value.replace(/%(CONTOUR_[A-Z_]+)%/gu, (whole, name: string) => dynamic[name] ?? whole);
}

/** The model policy of a spec policy. */
export function headersPolicy(raw: SpecHeadersPolicy | undefined | unknown, options: HeadersPolicyOptions): HeadersPolicyResult {
  const policy = obj<SpecHeadersPolicy>(raw);
  if (policy === undefined) return { ok: true };
  const set: { name: string; value: string }[] = [];
  const seen = new Set<string>();
  let hostRewriteHeader: string | undefined;
  let ignored: string | undefined;
  for (const entry of list<unknown>(policy.set)) {
    const h = obj<HeaderValue>(entry);
    const name = canonicalHeaderKey(str(h?.name) ?? "");
    const value = str(h?.value) ?? "";
    if (seen.has(name)) return { ok: false, problem: `duplicate header addition: ${quote(name)}` };
    seen.add(name);
    if (name === "Host" && !options.allowHost) return { ok: false, problem: `rewriting ${quote(name)} header is not supported` };
    const why = headerNameProblem(name) ?? headerValueProblem(name, value);
    if (why !== undefined) return { ok: false, problem: `invalid set header: ${why}` };
    if (name === "Host" && value.trim() === "") return { ok: false, problem: "invalid set header: Host must not be empty" };
    const fromHeader = name === "Host" ? HOST_FROM_HEADER.exec(value)?.[1] : undefined;
    if (fromHeader !== undefined) {
      if (options.allowHostFromHeader === true) hostRewriteHeader = canonicalHeaderKey(fromHeader);
      else ignored = `Host ${quote(value)}: a Host taken from a request header applies to routes only; ignored, as upstream ignores it`;
      continue;
    }
    // Upstream uses a Host value as it is, without dynamic values.
    set.push({ name, value: name === "Host" ? value : substituteDynamic(value, options.dynamic) });
  }
  const remove: string[] = [];
  for (const entry of list<unknown>(policy.remove)) {
    const name = canonicalHeaderKey(str(entry) ?? "");
    if (remove.includes(name)) return { ok: false, problem: `duplicate header removal: ${quote(name)}` };
    const why = headerNameProblem(name);
    if (why !== undefined) return { ok: false, problem: `invalid remove header: ${why}` };
    remove.push(name);
  }
  const why = ignored === undefined ? {} : { ignored };
  if (set.length === 0 && remove.length === 0 && hostRewriteHeader === undefined) return { ok: true, ...why };
  return { ok: true, policy: { set, remove: remove.sort(), ...(hostRewriteHeader === undefined ? {} : { hostRewriteHeader }) }, ...why };
}

/** The Host a policy rewrites to, if any. */
export function hostRewriteOf(policy: HeadersPolicy | undefined): string | undefined {
  return policy?.set.find((h) => h.name === "Host")?.value;
}
