// Reading a running Envoy through its admin API: server state, stats, listeners, config_dump.
import { httpGet } from "./http-client.js";
import { waitFor, type WaitForOptions } from "./wait-for.js";

/** A parsed /config_dump: one entry per config type, each with its proto "@type". */
export interface ConfigDump {
  configs: Array<{ "@type": string; [field: string]: unknown }>;
}

/** A listener as /listeners reports it, with the port Envoy actually bound (useful with port 0). */
export interface ListenerStatus {
  name: string;
  address: string;
  port: number;
}

/** Wait options without the description (the helpers supply their own). */
export type AdminWaitOptions = Omit<WaitForOptions, "description">;

/** Typed access to one Envoy's admin API. */
export interface EnvoyAdmin {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The body of GET /ready: "LIVE", "PRE_INITIALIZING", "INITIALIZING", "DRAINING"... */
  serverState(): Promise<string>;
  /** Resolves once /ready says `state` (default "LIVE"). */
  waitForState(state?: string, options?: AdminWaitOptions): Promise<void>;
  /** Counters and gauges (histograms left out), optionally only names matching the regex `filter`. */
  stats(filter?: string): Promise<Map<string, number>>;
  /** One counter or gauge, or undefined if Envoy has no stat of that name (yet). */
  stat(name: string): Promise<number | undefined>;
  /** Resolves with the value once stat `name` exists and satisfies `predicate`. */
  waitForStat(name: string, predicate: (value: number) => boolean, options?: AdminWaitOptions): Promise<number>;
  /** GET /config_dump, with optional query parameters such as { resource: "dynamic_active_clusters" }. */
  configDump(query?: Record<string, string>): Promise<ConfigDump>;
  /** GET /listeners?format=json. */
  listeners(): Promise<ListenerStatus[]>;
  /** Resolves once a listener named `name` is bound, with its bound address and port. */
  waitForListener(name: string, options?: AdminWaitOptions): Promise<ListenerStatus>;
  /** Polls /config_dump until `predicate` returns a value other than undefined/null/false, and resolves with it. */
  waitForConfig<T>(predicate: (dump: ConfigDump) => T | undefined | null | false, options?: WaitForOptions): Promise<T>;
  /** GET /clusters?format=json: upstream clusters with their hosts and health. */
  clusters(): Promise<unknown>;
}

/** An admin client for the Envoy whose admin listener is at `url`. */
export function createEnvoyAdmin(url: string): EnvoyAdmin {
  const get = async (path: string): Promise<string> => {
    const res = await httpGet(`${url}${path}`, { timeoutMs: 5_000 });
    if (res.status !== 200) throw new Error(`Envoy admin GET ${path} answered ${res.status}: ${res.body.slice(0, 500)}`);
    return res.body;
  };
  const getJson = async <T>(path: string): Promise<T> => JSON.parse(await get(path)) as T;

  const admin: EnvoyAdmin = {
    url,
    async serverState() {
      // /ready answers 503 until LIVE, so read the body whatever the status.
      const res = await httpGet(`${url}/ready`, { timeoutMs: 5_000 });
      return res.body.trim();
    },
    async waitForState(state = "LIVE", options = {}) {
      let last = "";
      await waitFor(async () => (last = await admin.serverState()) === state, {
        timeoutMs: 15_000,
        ...options,
        description: () => `Envoy at ${url} to be ${state} (last state: ${last || "unknown"})`,
      });
    },
    async stats(filter) {
      const query = filter === undefined ? "" : `&filter=${encodeURIComponent(filter)}`;
      const body = await getJson<{ stats?: Array<{ name?: string; value?: unknown }> }>(`/stats?format=json${query}`);
      const out = new Map<string, number>();
      for (const s of body.stats ?? []) {
        if (typeof s.name === "string" && typeof s.value === "number") out.set(s.name, s.value);
      }
      return out;
    },
    async stat(name) {
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return (await admin.stats(`^${escaped}$`)).get(name);
    },
    async waitForStat(name, predicate, options = {}) {
      let last: number | undefined;
      // Wrapped because a stat of 0 is a legitimate answer but falsy to waitFor.
      const found = await waitFor(
        async () => {
          last = await admin.stat(name);
          return last !== undefined && predicate(last) ? { value: last } : undefined;
        },
        { timeoutMs: 15_000, ...options, description: () => `Envoy stat ${name} to satisfy ${predicate.toString()} (last value: ${last})` },
      );
      return found.value;
    },
    async configDump(query = {}) {
      const params = new URLSearchParams(query).toString();
      return getJson<ConfigDump>(`/config_dump${params === "" ? "" : `?${params}`}`);
    },
    async listeners() {
      type Raw = { listener_statuses?: Array<{ name?: string; local_address?: { socket_address?: { address?: string; port_value?: number } } }> };
      const body = await getJson<Raw>("/listeners?format=json");
      return (body.listener_statuses ?? []).map((l) => ({
        name: l.name ?? "",
        address: l.local_address?.socket_address?.address ?? "",
        port: l.local_address?.socket_address?.port_value ?? 0,
      }));
    },
    async waitForListener(name, options = {}) {
      return waitFor(async () => (await admin.listeners()).find((l) => l.name === name && l.port > 0), {
        timeoutMs: 15_000,
        ...options,
        description: `Envoy at ${url} to bind listener ${name}`,
      });
    },
    async waitForConfig(predicate, options = {}) {
      return waitFor(async () => predicate(await admin.configDump()), {
        timeoutMs: 15_000,
        description: "Envoy's config_dump to satisfy a predicate",
        ...options,
      });
    },
    clusters: () => getJson<unknown>("/clusters?format=json"),
  };
  return admin;
}
