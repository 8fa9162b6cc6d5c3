// Turns an Envoy /config_dump into flat "path = value" lines that two controllers can be compared on:
// listeners, route configurations and clusters keyed by name (lists of named things by their names,
// routes by their match), with what differs by construction taken out (versions, timestamps, the
// hash part of cluster names, the ports each bed picked). Pure: the same dump gives the same lines.

/** The leaves of one config dump, path to JSON value, in path order. */
export type FlatConfig = ReadonlyMap<string, string>;

/** Fields that say when or which version, not what is configured. */
const VOLATILE = new Set(["version_info", "last_updated", "@type_version", "resource_names", "error_state", "client_status"]);

/** A cluster name ns/svc/port/hash (ours and upstream's shape) with the hash replaced; others as they are. */
function normalizeString(s: string, ports: ReadonlySet<number>): string {
  let out = s.replace(/^([a-z0-9.-]+\/[a-z0-9.-]+\/\d+)\/[0-9a-f]{6,}$/u, "$1/<hash>");
  for (const p of ports) out = out === String(p) ? "<port>" : out;
  return out;
}

/** The key of one list item: a name when it has one, else its match (routes), else its index. */
function itemKey(item: unknown, index: number): string {
  if (typeof item === "object" && item !== null) {
    const o = item as Record<string, unknown>;
    if (typeof o["name"] === "string" && o["name"] !== "") return o["name"];
    if (o["match"] !== undefined) return `match=${JSON.stringify(o["match"])}`;
    const fcm = o["filter_chain_match"] as { server_names?: string[] } | undefined;
    if (fcm?.server_names !== undefined) return `sni=${fcm.server_names.join(",")}`;
  }
  return String(index);
}

function flatten(value: unknown, path: string, out: Map<string, string>, ports: ReadonlySet<number>): void {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object" || v === null)) {
      out.set(path, JSON.stringify(value.map((v) => (typeof v === "string" ? normalizeString(v, ports) : v))));
      return;
    }
    value.forEach((item, i) => flatten(item, `${path}[${itemKey(item, i)}]`, out, ports));
    return;
  }
  if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (VOLATILE.has(k)) continue;
      if (k === "port_value" && typeof v === "number" && ports.has(v)) {
        out.set(`${path}.${k}`, '"<port>"');
        continue;
      }
      flatten(v, `${path}.${k}`, out, ports);
    }
    return;
  }
  out.set(path, JSON.stringify(typeof value === "string" ? normalizeString(value, ports) : value));
}

type Dump = { configs?: Array<Record<string, unknown>> };

/** The dynamic listeners, route configurations and clusters of a dump, flattened; `ports` are replaced by "<port>". */
export function normalizeConfigDump(dump: Dump, ports: readonly number[]): FlatConfig {
  const portSet = new Set(ports);
  const out = new Map<string, string>();
  for (const config of dump.configs ?? []) {
    const type = String(config["@type"] ?? "");
    if (type.endsWith("ListenersConfigDump")) {
      for (const l of (config["dynamic_listeners"] as Array<{ active_state?: { listener?: { name?: string } } }> | undefined) ?? []) {
        const listener = l.active_state?.listener;
        if (listener !== undefined) flatten(listener, `listener[${listener.name ?? "?"}]`, out, portSet);
      }
    } else if (type.endsWith("RoutesConfigDump")) {
      for (const r of (config["dynamic_route_configs"] as Array<{ route_config?: { name?: string } }> | undefined) ?? []) {
        const rc = r.route_config;
        if (rc !== undefined) flatten(rc, `route[${rc.name ?? "?"}]`, out, portSet);
      }
    } else if (type.endsWith("ClustersConfigDump")) {
      for (const c of (config["dynamic_active_clusters"] as Array<{ cluster?: { name?: string } }> | undefined) ?? []) {
        const cluster = c.cluster;
        if (cluster !== undefined) flatten(cluster, `cluster[${normalizeString(cluster.name ?? "?", portSet)}]`, out, portSet);
      }
    }
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One line that differs: the path and each side's value (undefined: absent on that side). */
export interface ConfigDifference {
  readonly path: string;
  readonly upstream: string | undefined;
  readonly ours: string | undefined;
}

/** Every path whose value differs between the two, in path order. */
export function diffConfigs(upstream: FlatConfig, ours: FlatConfig): ConfigDifference[] {
  const paths = [...new Set([...upstream.keys(), ...ours.keys()])].sort();
  return paths.flatMap((path) => (upstream.get(path) === ours.get(path) ? [] : [{ path, upstream: upstream.get(path), ours: ours.get(path) }]));
}

/**
 * Differences grouped by the parent of each path, so a filter or a field that one side has and the
 * other lacks is one row instead of one per leaf below it.
 */
export function collapseDifferences(diffs: readonly ConfigDifference[]): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  const groups = new Map<string, ConfigDifference[]>();
  for (const d of diffs) {
    const bracket = /^(.*?\[[^\]]*\](?:\.[a-z_]+)?)\..+$/u.exec(d.path);
    const onlyOne = d.upstream === undefined || d.ours === undefined;
    const key = onlyOne && bracket?.[1] !== undefined ? `${bracket[1]}|${d.upstream === undefined ? "ours" : "upstream"}` : undefined;
    if (key === undefined) out.push(d);
    else groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  for (const [key, list] of groups) {
    if (list.length === 1) out.push(list[0]!);
    else {
      const [prefix, side] = key.split("|");
      const summary = `${list.length} fields (${list.slice(0, 3).map((d) => d.path.slice((prefix ?? "").length + 1)).join(", ")}${list.length > 3 ? ", ..." : ""})`;
      out.push({ path: `${prefix ?? ""}.*`, upstream: side === "upstream" ? summary : undefined, ours: side === "ours" ? summary : undefined });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
