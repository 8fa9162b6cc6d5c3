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
  // Clusters ns/svc/port/hash and secrets ns/name/hash: each controller hashes differently.
  let out = s.replace(/^([a-z0-9.-]+\/[a-z0-9.-]+\/\d+)\/[0-9a-f]{6,}$/u, "$1/<hash>").replace(/^([a-z0-9.-]+\/[a-z0-9.-]+)\/[0-9a-f]{10,}$/u, "$1/<hash>");
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
    value.forEach((item, i) => flatten(item, `${path}[${normalizeString(itemKey(item, i), ports)}]`, out, ports));
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

/** The ports of the dump's listeners (each bed picks its own), found in the dump itself. */
function listenerPorts(dump: Dump): number[] {
  const ports: number[] = [];
  for (const config of dump.configs ?? []) {
    for (const l of (config["dynamic_listeners"] as Array<{ active_state?: { listener?: { address?: { socket_address?: { port_value?: number } } } } }> | undefined) ?? []) {
      const port = l.active_state?.listener?.address?.socket_address?.port_value;
      if (typeof port === "number") ports.push(port);
    }
  }
  return ports;
}

/** The dynamic listeners, route configurations and clusters of a dump, flattened; listener ports are replaced by "<port>". */
export function normalizeConfigDump(dump: Dump): FlatConfig {
  const portSet = new Set(listenerPorts(dump));
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
 * Differences with each subtree that only one side has (a listener, a filter, a virtual host) as one
 * row: the shortest bracketed prefix of the path that the other side has nothing under.
 */
export function collapseDifferences(diffs: readonly ConfigDifference[], upstream: FlatConfig, ours: FlatConfig): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  const groups = new Map<string, { side: "upstream" | "ours"; list: ConfigDifference[] }>();
  for (const d of diffs) {
    if (d.upstream !== undefined && d.ours !== undefined) {
      out.push(d);
      continue;
    }
    const side = d.upstream !== undefined ? "upstream" : "ours";
    const other = side === "upstream" ? ours : upstream;
    let prefix: string | undefined;
    for (let i = d.path.indexOf("]"); i !== -1; i = d.path.indexOf("]", i + 1)) {
      const p = d.path.slice(0, i + 1);
      if (![...other.keys()].some((k) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`))) {
        prefix = p;
        break;
      }
    }
    if (prefix === undefined || prefix === d.path) out.push(d);
    else groups.set(`${side} ${prefix}`, { side, list: [...(groups.get(`${side} ${prefix}`)?.list ?? []), d] });
  }
  for (const [key, { side, list }] of groups) {
    const prefix = key.slice(side.length + 1);
    if (list.length === 1) out.push(list[0]!);
    else {
      const summary = `all of it (${list.length} fields)`;
      out.push({ path: prefix, upstream: side === "upstream" ? summary : undefined, ours: side === "ours" ? summary : undefined });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
