// Counting Envoy's open downstream HTTP connections from its Prometheus stats, as upstream's shutdown
// manager does: the sum of envoy_http_downstream_cx_active over every HTTP connection manager but
// Envoy's own admin and stats listeners.

/** The admin path that returns only the gauge counted here. */
export const OPEN_CONNECTIONS_STATS_PATH = `/stats/prometheus?filter=${encodeURIComponent("^http\\..*\\.downstream_cx_active$")}`;

/** The Prometheus metric summed. */
export const OPEN_CONNECTIONS_METRIC = "envoy_http_downstream_cx_active";

// Connection managers whose connections are probes and scrapes, not traffic to drain.
const IGNORED_PREFIXES = new Set(["admin", "envoy-admin", "stats", "health", "stats-health"]);

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The open connections in a Prometheus text exposition; an error when the metric is absent or malformed. */
export function parseOpenConnections(text: string): number | Error {
  let seen = false;
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`# TYPE ${OPEN_CONNECTIONS_METRIC} `)) seen = true;
    if (line.startsWith("#") || line.trim() === "") continue;
    const match = SAMPLE.exec(line);
    if (match === null || match[1] !== OPEN_CONNECTIONS_METRIC) continue;
    seen = true;
    const value = Number(match[4]);
    if (!Number.isFinite(value)) return new Error(`malformed sample: ${line}`);
    const labels = [...(match[3] ?? "").matchAll(LABEL)].map((m) => m[2] ?? "");
    if (labels.some((l) => IGNORED_PREFIXES.has(l))) continue;
    total += value;
  }
  return seen ? total : new Error(`no ${OPEN_CONNECTIONS_METRIC} in Envoy's stats`);
}
