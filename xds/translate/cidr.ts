/**
 * CIDR parsing for IP filters: `address/length` or a bare address, IPv4 or IPv6, checked with
 * node:net and turned into a canonical network (host bits cleared, IPv6 in RFC 5952 form), so
 * the same range written two ways becomes one rule and nothing Envoy would refuse gets through.
 */
import { isIP } from "node:net";

/** A parsed CIDR range: the network address and the prefix length. */
export interface Cidr {
  readonly address: string;
  readonly prefixLength: number;
}

function ipv4Bytes(address: string): number[] {
  return address.split(".").map(Number);
}

/** The 16 bytes of an IPv6 address isIP has accepted (with "::" and a trailing dotted quad). */
function ipv6Bytes(address: string): number[] {
  let text = address;
  if (text.includes(".")) {
    // "::ffff:1.2.3.4": the last 32 bits written as an IPv4 address become two hex words.
    const lastColon = text.lastIndexOf(":");
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const groups = (s: string): number[] => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

function masked(bytes: readonly number[], prefixLength: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.min(8, Math.max(0, prefixLength - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

/** RFC 5952: lower-case hex words, the longest run of two or more zero words written as "::". */
function formatIpv6(bytes: readonly number[]): string {
  const words = Array.from({ length: 8 }, (_, i) => bytes[2 * i]! * 256 + bytes[2 * i + 1]!);
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/**
 * Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128). Undefined for anything
 * else: a malformed address or length, a length out of range, or an IPv6 zone ("fe80::1%eth0").
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = address.includes("%") ? 0 : isIP(address);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  let prefixLength = max;
  if (slash >= 0) {
    const length = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(length)) return undefined;
    prefixLength = Number(length);
    if (prefixLength > max) return undefined;
  }
  if (family === 4) return { address: masked(ipv4Bytes(address), prefixLength).join("."), prefixLength };
  return { address: formatIpv6(masked(ipv6Bytes(address.toLowerCase()), prefixLength)), prefixLength };
}
