/**
 * Names the routing model gives to clusters, endpoint sets and secrets, derived from source identity
 * and content only, so every replica computes the same names. xds/names.ts re-exports them with
 * the Envoy-only names.
 */
import { hash } from "node:crypto";
import { compareCodeUnits, sortInPlace } from "./sort.js";

/**
 * Name of the Envoy cluster for one Service port with one set of connection options, shortened
 * as upstream shortens it (hashname); cluster-name.ts computes the options hash as upstream does.
 */
export function clusterName(namespace: string, service: string, port: number, optionsHash: string): string {
  return hashname(NAME_LIMIT, namespace, service, String(port), optionsHash);
}

/** Upstream's limit on cluster (and secret) names. */
export const NAME_LIMIT = 60;

/**
 * Upstream's Hashname: the parts joined with "/", unchanged when shorter than `limit`; otherwise
 * parts are cut from the last one backwards, each to limit/parts characters ending in "-" and six
 * hex digits of the SHA-256 of the whole name, until it fits (else the hash alone, cut to limit).
 */
export function hashname(limit: number, ...parts: string[]): string {
  const SHORT = 6;
  const s = [...parts];
  let joined = s.join("/");
  if (limit > joined.length) return joined;
  const digest = hash("sha256", joined, "hex");
  for (let n = s.length - 1; n >= 0; n--) {
    s[n] = truncate(Math.floor(limit / s.length), s[n] ?? "", digest.slice(0, SHORT));
    joined = s.join("/");
    if (limit > joined.length) return joined;
  }
  return digest.slice(0, limit);
}

/** Upstream's truncate: `s` cut to `l` characters, its end replaced by "-" and `suffix`. */
export function truncate(l: number, s: string, suffix: string): string {
  if (l >= s.length) return s;
  if (l <= suffix.length) return suffix.slice(0, l);
  return `${s.slice(0, l - suffix.length - 1)}-${suffix}`;
}


/**
 * Name of the EDS resource (ClusterLoadAssignment) carrying a Service port's endpoints. The port is
 * named, not numbered, because EndpointSlices list ports by name; an unnamed port (portName "")
 * leaves the segment out, as upstream Contour does.
 */
export function edsName(namespace: string, service: string, portName: string, healthPortName = ""): string {
  const base = portName === "" ? `${namespace}/${service}` : `${namespace}/${service}/${portName}`;
  // Health checks on another port (HTTPProxy healthPort) need their own assignment: its endpoints carry that port.
  // Only with both ports named, which a Service of two ports always has, so the name stays unambiguous.
  return portName !== "" && healthPortName !== "" && healthPortName !== portName ? `${base}/${healthPortName}` : base;
}

/** What an EDS name refers to; undefined when the name was not built by edsName. */
export interface EdsTarget {
  readonly namespace: string;
  readonly service: string;
  readonly portName: string;
  /** The Service port health checks go to, when not the traffic port (HTTPProxy healthPort). */
  readonly healthPortName?: string;
}

/** Inverse of edsName; unambiguous because namespaces, Service names and port names hold no "/". */
export function parseEdsName(name: string): EdsTarget | undefined {
  const parts = name.split("/");
  const [namespace, service, portName = "", healthPortName = ""] = parts;
  if (parts.length < 2 || parts.length > 4 || !namespace || !service) return undefined;
  if (parts.length >= 3 && portName === "") return undefined;
  if (parts.length === 4) return healthPortName === "" || healthPortName === portName ? undefined : { namespace, service, portName, healthPortName };
  return { namespace, service, portName };
}

/** Name of the SDS secret for one Kubernetes Secret's content (a new content gives a new name). */
export function secretName(namespace: string, name: string, contentHash: string): string {
  return `${namespace}/${name}/${contentHash}`;
}

/**
 * JSON with object keys sorted at every level, so equal values always serialise to equal strings
 * (JSON.stringify follows insertion order, which depends on how a value was built). Bigints are
 * written as strings.
 */
export function canonicalJson(value: unknown): string {
  // A sorted copy and the plain JSON.stringify: with a replacer function instead, JSON.stringify
  // calls it for every value and takes twice as long.
  return JSON.stringify(sortedCopy(value, "")) ?? "null";
}

/**
 * The value JSON.stringify would serialise at `key`, with every object's keys in code-unit order:
 * toJSON applied first (once, as JSON.stringify does), bigints as strings, objects and arrays copied.
 */
function sortedCopy(value: unknown, key: string): unknown {
  let v = value;
  if ((typeof v === "object" && v !== null) || typeof v === "bigint") {
    const toJSON = (v as { readonly toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") v = toJSON.call(v, key) as unknown;
  }
  if (typeof v === "bigint") return v.toString();
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((item: unknown, i) => sortedCopy(item, String(i)));
  const sorted: Record<string, unknown> = {};
  for (const k of sortInPlace(Object.keys(v), compareCodeUnits)) sorted[k] = sortedCopy((v as Record<string, unknown>)[k], k);
  return sorted;
}

/** First 10 hex characters of the SHA-256 of a value's canonical JSON: short, stable, content-derived. */
export function shortHash(value: unknown): string {
  return hash("sha256", canonicalJson(value), "hex").slice(0, 10);
}
