/** The CORS policy of a virtual host, as upstream's toCORSPolicy reads it. */
import type { CORSPolicy } from "../../crds/types/httpproxy.js";
import type { CorsPolicy } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { parseGoDuration } from "../annotations/go-duration.js";
import { regexProblem } from "../regex/regex-check.js";
import type { PolicyResult } from "./route-policies.js";
import { flag, list, obj, str } from "./spec-values.js";

/** A header name or method in a CORS list: an HTTP token. */
const TOKEN = /^[0-9A-Za-z!#$%&'*+\-.^_|~`]{1,256}$/u;

/**
 * Each allowed origin is "*", an exact origin ("scheme://host[:port]", nothing more), or else a
 * regex; allowMethods must not be empty; maxAge is a Go duration ("0" disables caching of preflights).
 */
export function corsPolicy(raw: CORSPolicy | undefined | unknown, field: string): PolicyResult<CorsPolicy | undefined> {
  const p = obj<CORSPolicy>(raw);
  if (p === undefined) return { ok: true, value: undefined };
  const fail = (problem: string): PolicyResult<CorsPolicy | undefined> => ({ ok: false, problem: `${field}: ${problem}` });
  const origins = list<unknown>(p.allowOrigin);
  if (origins.length === 0) return fail("invalid allowed origin configuration with length 0");
  const allowOrigin: { value: string; regex: boolean }[] = [];
  for (const [i, o] of origins.entries()) {
    const origin = str(o) ?? "";
    if (origin === "*" || isExactOrigin(origin)) {
      allowOrigin.push({ value: origin, regex: false });
      continue;
    }
    const why = origin === "" ? "is empty" : regexProblem(origin);
    if (why !== undefined) return { ok: false, problem: `${field}.allowOrigin[${i}]: invalid allowed origin ${quote(origin)}: allowed origin is invalid exact match and invalid regex match (as a regex it ${why})` };
    allowOrigin.push({ value: origin, regex: true });
  }
  const tokens = (name: "allowMethods" | "allowHeaders" | "exposeHeaders"): PolicyResult<string[]> => {
    const out: string[] = [];
    for (const v of list<unknown>(p[name])) {
      const s = str(v) ?? "";
      if (!TOKEN.test(s)) return { ok: false, problem: `${field}.${name}: ${quote(s)} is not an HTTP token` };
      out.push(s);
    }
    return { ok: true, value: out };
  };
  const methods = tokens("allowMethods");
  if (!methods.ok) return methods;
  if (methods.value.length === 0) return fail("invalid allowed methods configuration with length 0");
  const headers = tokens("allowHeaders");
  if (!headers.ok) return headers;
  const expose = tokens("exposeHeaders");
  if (!expose.ok) return expose;
  let maxAgeSeconds: number | undefined;
  const maxAge = str(p.maxAge) ?? "";
  if (maxAge !== "") {
    const d = parseGoDuration(maxAge);
    if (!d.ok) return fail(`maxAge: ${quote(maxAge)} is not a Go duration (${d.error})`);
    if (d.nanoseconds < 0n) return fail(`invalid max age value ${quote(maxAge)}`);
    maxAgeSeconds = Number((d.nanoseconds + 500_000_000n) / 1_000_000_000n);
  }
  return {
    ok: true,
    value: {
      allowOrigin,
      allowMethods: methods.value,
      allowHeaders: headers.value,
      exposeHeaders: expose.value,
      allowCredentials: flag(p.allowCredentials),
      ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}),
      allowPrivateNetwork: flag(p.allowPrivateNetwork),
    },
  };
}

/** Upstream's test for an exact origin: it parses as a URL and is exactly scheme://host[:port]. */
function isExactOrigin(origin: string): boolean {
  if (origin.length > 2048) return false;
  try {
    const u = new URL(origin);
    if (u.protocol === "" || u.host === "") return false;
    return `${u.protocol}//${u.host}` === origin;
  } catch {
    return false;
  }
}
