/**
 * Client IP filters (ipAllowPolicy / ipDenyPolicy) of virtual hosts and routes, as upstream's
 * toIPFilterRules reads them: allow and deny are exclusive, a bare address is a /32 or /128, and
 * each CIDR is normalised to its network address (Go's net.ParseCIDR).
 */
import { isIP } from "node:net";
import type { IPFilterPolicy } from "../../crds/types/httpproxy.js";
import type { IpFilter } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { quote } from "../store/conditions.js";
import { Area, proxyError } from "./proxy-conditions.js";
import { list, obj, str } from "./spec-values.js";

/** The filter of one scope (undefined for none), or the errors that make the scope invalid. */
export type IpFilterResult = { readonly ok: true; readonly filter?: IpFilter } | { readonly ok: false; readonly errors: readonly Condition[] };

/** Reads ipAllowPolicy and ipDenyPolicy of one scope; `field` is the scope's path ("spec.virtualhost"). */
export function ipFilter(allowRaw: unknown, denyRaw: unknown, field: string): IpFilterResult {
  const allow = list<unknown>(allowRaw);
  const deny = list<unknown>(denyRaw);
  if (allow.length > 0 && deny.length > 0) {
    return { ok: false, errors: [proxyError(Area.IPFilter, "IncompatibleIPAddressFilters", `${field}: cannot specify both \`ipAllowPolicy\` and \`ipDenyPolicy\``)] };
  }
  const policies = allow.length > 0 ? allow : deny;
  if (policies.length === 0) return { ok: true };
  const name = allow.length > 0 ? "ipAllowPolicy" : "ipDenyPolicy";
  const errors: Condition[] = [];
  const rules: { source: "peer" | "remote"; cidr: string }[] = [];
  policies.forEach((entry, i) => {
    const p = obj<IPFilterPolicy>(entry);
    const cidr = str(p?.cidr) ?? "";
    const source = p?.source === "Peer" ? "peer" : p?.source === "Remote" ? "remote" : undefined;
    if (source === undefined) {
      errors.push(proxyError(Area.IPFilter, "InvalidSource", `${field}.${name}[${i}].source: ${quote(String(p?.source))} is not Peer or Remote`));
      return;
    }
    const normalised = normaliseCidr(cidr);
    if (normalised === undefined) {
      errors.push(proxyError(Area.IPFilter, "InvalidCIDR", `${field}.${name}[${i}].cidr: ${quote(cidr)} failed to parse: not an IP address or CIDR`));
      return;
    }
    rules.push({ source, cidr: normalised });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, filter: { action: allow.length > 0 ? "allow" : "deny", rules } };
}

/** "10.1.2.3/8" → "10.0.0.0/8"; "2001:db8::1" → "2001:db8::1/128"; undefined when it is neither. */
export function normaliseCidr(text: string): string | undefined {
  if (text.length > 64) return undefined;
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return undefined;
  const bits = family === 4 ? 32 : 128;
  const lenText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/u.test(lenText)) return undefined;
  const len = Number(lenText);
  if (len > bits) return undefined;
  const bytes = family === 4 ? address.split(".").map(Number) : ipv6Bytes(address);
  if (bytes === undefined) return undefined;
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    bytes[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return `${family === 4 ? bytes.join(".") : formatIpv6(bytes)}/${len}`;
}

function ipv6Bytes(address: string): number[] | undefined {
  let text = address.toLowerCase();
  // An embedded IPv4 tail ("::ffff:1.2.3.4") becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/u.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(Math.max(0, fill)).fill("0"), ...t];
  if (groups.length !== 8) return undefined;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [(n >> 8) & 0xff, n & 0xff];
  });
}

function formatIpv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
