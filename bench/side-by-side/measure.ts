// Measuring one controller: requests through Envoy, /proc figures of the controller process, Envoy stats.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import https from "node:https";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeError } from "../../operator/runtime/kube-error.js";
import { httpGet, type Envoy } from "../../e2e/harness/index.js";
import type { ListenerPorts } from "./controllers.js";

/** A request through Envoy and the backend that must answer it. */
export interface Target {
  readonly fqdn: string;
  readonly tls: boolean;
  readonly path: string;
  readonly backend: string;
}

/** What one request saw: the expected backend, another backend (200), or a failure (non-200 or no response). */
export type ProbeOutcome = "expected" | "other" | "failed";

/** Sends one request for `target` and classifies the answer. */
export async function probeOutcome(target: Target, ports: ListenerPorts, caPem: string, timeoutMs = 2_000): Promise<ProbeOutcome> {
  try {
    const res = target.tls
      ? await httpGet(`https://127.0.0.1:${ports.https}${target.path}`, { host: target.fqdn, ca: caPem, timeoutMs })
      : await httpGet(`http://127.0.0.1:${ports.http}${target.path}`, { host: target.fqdn, timeoutMs });
    if (res.status !== 200) return "failed";
    return res.headers["x-backend-name"] === target.backend ? "expected" : "other";
  } catch {
    return "failed";
  }
}

/** True when the expected backend answered 200. */
export async function probe(target: Target, ports: ListenerPorts, caPem: string, timeoutMs = 2_000): Promise<boolean> {
  return (await probeOutcome(target, ports, caPem, timeoutMs)) === "expected";
}

/** Probes every target in rounds until all pass; resolves with the time they all passed, or throws on timeout. */
export async function waitAllServed(targets: readonly Target[], ports: ListenerPorts, caPem: string, timeoutMs: number, bail: () => Error | undefined): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...targets];
  for (;;) {
    const failed = bail();
    if (failed !== undefined) throw failed;
    const ok = await Promise.all(pending.map((t) => probe(t, ports, caPem)));
    pending = pending.filter((_, i) => ok[i] !== true);
    if (pending.length === 0) return Date.now();
    if (Date.now() > deadline) {
      throw new Error(`${pending.length} of ${targets.length} sampled routes not served after ${timeoutMs} ms (e.g. ${pending.slice(0, 3).map((t) => `${t.tls ? "https" : "http"}://${t.fqdn}${t.path} → ${t.backend}`).join(", ")})`);
    }
    await sleep(50);
  }
}

/** Polls one target as fast as sensible until it passes; resolves with the time (performance.now()) it did and how many requests failed meanwhile. */
export async function pollUntilServed(target: Target, ports: ListenerPorts, caPem: string, timeoutMs: number): Promise<{ at: number; failed: number }> {
  const deadline = performance.now() + timeoutMs;
  let failed = 0;
  for (;;) {
    const outcome = await probeOutcome(target, ports, caPem, 1_000);
    if (outcome === "expected") return { at: performance.now(), failed };
    if (outcome === "failed") failed++;
    if (performance.now() > deadline) throw new Error(`${target.fqdn}${target.path} not answered by ${target.backend} within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number, bail: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = bail();
    if (failed !== undefined) throw failed;
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(10);
  }
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Memory and CPU of a process, from /proc. */
export interface ProcStats {
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  readonly cpuSeconds: number;
}

export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  // Fields after the parenthesised command name (which may hold spaces): utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssBytes: kb("VmRSS"), peakRssBytes: kb("VmHWM"), cpuSeconds: ticks / CLK_TCK };
}

/** Waits until the process used under `threshold` of a core over two windows of `windowMs` in a row (or `capMs` passed); resolves with the ms waited. */
export async function waitIdle(pid: number, capMs: number, threshold = 0.05, windowMs = 500): Promise<{ waitedMs: number; idle: boolean }> {
  const start = Date.now();
  let calm = 0;
  let last = procStats(pid).cpuSeconds;
  while (Date.now() - start < capMs) {
    await sleep(windowMs);
    const now = procStats(pid).cpuSeconds;
    calm = (now - last) / (windowMs / 1000) < threshold ? calm + 1 : 0;
    last = now;
    if (calm >= 2) return { waitedMs: Date.now() - start, idle: true };
  }
  return { waitedMs: Date.now() - start, idle: false };
}

/** A watch on every HTTPProxy: counts the changes (after it started) and remembers when the last one came. */
export interface ProxyWatch {
  events(): number;
  /** Date.now() of the last event, or undefined. */
  lastEventAt(): number | undefined;
  stop(): void;
}

/** Watches HTTPProxies from the current revision on (so only later writes count), restarting when the stream ends. */
export async function watchProxies(api: Api): Promise<ProxyWatch> {
  const path = "/apis/projectcontour.io/v1/httpproxies";
  let revision = (await api.request<{ metadata: { resourceVersion: string } }>("GET", `${path}?limit=1`)).metadata.resourceVersion;
  let count = 0;
  let last: number | undefined;
  let stopped = false;
  let current: { destroy(): void } | undefined;
  const start = (): void => {
    if (stopped) return;
    current = api.stream(`${path}?watch=1&allowWatchBookmarks=true&resourceVersion=${revision}`, (line) => {
      const event = JSON.parse(line) as { type: string; object?: { metadata?: { resourceVersion?: string } } };
      if (event.type === "ERROR") return;
      const rv = event.object?.metadata?.resourceVersion;
      if (rv !== undefined) revision = rv;
      if (event.type === "BOOKMARK") return;
      count++;
      last = Date.now();
    }, () => setTimeout(start, 200));
  };
  start();
  return {
    events: () => count,
    lastEventAt: () => last,
    stop() {
      stopped = true;
      current?.destroy();
    },
  };
}

/**
 * Waits until no HTTPProxy has changed for `quietMs` (the controller's status writes are done), at most
 * `capMs`; resolves with the time of the last change seen.
 */
export async function waitStatusQuiet(watch: ProxyWatch, quietMs: number, capMs: number): Promise<{ lastEventAt: number | undefined; quiet: boolean }> {
  const start = Date.now();
  while (Date.now() - start < capMs) {
    const last = watch.lastEventAt() ?? start;
    if (Date.now() - last >= quietMs) return { lastEventAt: watch.lastEventAt(), quiet: true };
    await sleep(100);
  }
  return { lastEventAt: watch.lastEventAt(), quiet: false };
}

interface ProxyList {
  metadata: { continue?: string };
  items: Array<{ metadata: { name: string; namespace: string; resourceVersion: string }; status?: { currentStatus?: string; description?: string; conditions?: unknown[] } }>;
}

/** Every HTTPProxy, in pages. */
export async function listProxies(api: Api): Promise<ProxyList["items"]> {
  const items: ProxyList["items"] = [];
  let next: string | undefined;
  do {
    const page = await api.request<ProxyList>("GET", `/apis/projectcontour.io/v1/httpproxies?limit=2000${next !== undefined ? `&continue=${encodeURIComponent(next)}` : ""}`);
    items.push(...page.items);
    next = page.metadata.continue || undefined;
  } while (next !== undefined);
  return items;
}

/** How many HTTPProxies carry a status written by a controller, how many of those say valid, and the commonest other statuses. */
export async function countStatuses(api: Api): Promise<{ total: number; withStatus: number; valid: number; others: string[] }> {
  const items = await listProxies(api);
  // Upstream's CRD defaults status to currentStatus NotReconciled ("Waiting for controller"): that is no controller's write.
  const withStatus = items.filter((p) => p.status?.currentStatus !== undefined && p.status.currentStatus !== "NotReconciled");
  const others = new Map<string, { count: number; example: string }>();
  for (const p of withStatus) {
    if (p.status?.currentStatus === "valid") continue;
    const key = `${p.status?.currentStatus ?? "?"}: ${p.status?.description ?? ""}`;
    const entry = others.get(key) ?? { count: 0, example: `${p.metadata.namespace}/${p.metadata.name}` };
    entry.count++;
    others.set(key, entry);
  }
  const top = [...others].sort((a, b) => b[1].count - a[1].count).slice(0, 3).map(([key, e]) => `${e.count} × "${key.slice(0, 160)}" (e.g. ${e.example})`);
  return { total: items.length, withStatus: withStatus.length, valid: withStatus.filter((p) => p.status?.currentStatus === "valid").length, others: top };
}

/** Empties every HTTPProxy's status (controllers stopped), so the next controller starts from the same state. */
export async function clearStatuses(api: Api, concurrency: number): Promise<number> {
  const items = (await listProxies(api)).filter((p) => p.status !== undefined && Object.keys(p.status).length > 0);
  await pool(items, concurrency, async (p) => {
    const path = `/apis/projectcontour.io/v1/namespaces/${p.metadata.namespace}/httpproxies/${p.metadata.name}/status`;
    let body: Record<string, unknown> = { ...p, status: {} };
    for (let attempt = 0; ; attempt++) {
      try {
        await api.request("PUT", path, body);
        return;
      } catch (err) {
        if (KubeError.from(err).statusCode !== 409 || attempt >= 5) throw err;
        body = { ...(await api.request<Record<string, unknown>>("GET", path)), status: {} };
      }
    }
  });
  return items.length;
}

/** A counter or gauge of Envoy (0 if it does not exist yet). */
export async function envoyStat(envoy: Envoy, name: string): Promise<number> {
  return (await envoy.admin.stat(name)) ?? 0;
}

/** Reads a counter until it stops moving (unchanged over `stableMs`), at most `capMs`. */
export async function settledStat(envoy: Envoy, name: string, stableMs = 300, capMs = 5_000): Promise<number> {
  const start = Date.now();
  let last = await envoyStat(envoy, name);
  let since = Date.now();
  while (Date.now() - start < capMs) {
    await sleep(100);
    const now = await envoyStat(envoy, name);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) {
      break;
    }
  }
  return last;
}

/** Runs `fn` over `items` with at most `limit` in flight; `onProgress` every `every` completions. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>, onProgress?: (done: number) => void, every = 2000): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
      done++;
      if (onProgress !== undefined && done % every === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A JSON client for the API server over one keep-alive agent (kubeRequest makes a new agent, so a new TLS connection, per request). */
export interface Api {
  request<T = unknown>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T>;
  /** A streaming GET (a watch): `onLine` per JSON line, `onEnd` once the stream ends or fails. */
  stream(path: string, onLine: (line: string) => void, onEnd: () => void): { destroy(): void };
  close(): void;
}

export async function createApi(kc: KubeConfig, maxSockets = 64): Promise<Api> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error("the kubeconfig has no current cluster");
  const base: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(base);
  const tls = base as https.RequestOptions & { ca?: unknown; cert?: unknown; key?: unknown };
  const agent = new https.Agent({ keepAlive: true, maxSockets, ca: tls.ca as string, cert: tls.cert as string, key: tls.key as string });
  const headers = { ...(base.headers as Record<string, string>), accept: "application/json" };
  const watchAgent = new https.Agent({ keepAlive: false, ca: tls.ca as string, cert: tls.cert as string, key: tls.key as string });
  return {
    request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise<T>((resolve, reject) => {
        const req = https.request(
          new URL(cluster.server.replace(/\/+$/, "") + path),
          { method, agent, headers: { ...headers, ...(payload !== undefined ? { "content-type": "application/json" } : {}) }, timeout: 60_000 },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", reject);
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                resolve((text === "" ? undefined : JSON.parse(text)) as T);
              } else {
                let message = text.slice(0, 300);
                try {
                  message = (JSON.parse(text) as { message?: string }).message ?? message;
                } catch {
                  // not a Status
                }
                reject(new KubeError(`${method} ${path}: ${message}`, status));
              }
            });
          },
        );
        req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
        req.on("error", (err) => reject(new KubeError(`${method} ${path}: ${err.message}`, undefined, undefined, { cause: err })));
        req.end(payload);
      });
    },
    stream(path, onLine, onEnd) {
      let ended = false;
      const end = (): void => {
        if (!ended) {
          ended = true;
          onEnd();
        }
      };
      // Its own connection: a watch holds it for as long as it runs.
      const req = https.request(new URL(cluster.server.replace(/\/+$/, "") + path), { method: "GET", agent: watchAgent, headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          res.on("end", end);
          return;
        }
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
            const line = buffer.slice(0, i);
            buffer = buffer.slice(i + 1);
            if (line.trim() !== "") onLine(line);
          }
        });
        res.on("end", end);
        res.on("error", end);
      });
      req.on("error", end);
      req.end();
      return {
        destroy() {
          ended = true;
          req.destroy();
        },
      };
    },
    close: () => {
      agent.destroy();
      watchAgent.destroy();
    },
  };
}

/** POST that treats "already exists" as success and retries API-server throttling (429) and timeouts. */
export async function createObject(api: Api, path: string, body: unknown): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await api.request("POST", path, body);
      return;
    } catch (err) {
      const code = KubeError.from(err).statusCode;
      if (code === 409) return;
      if (attempt < 5 && (code === 429 || code === 500 || code === 503 || code === 504 || code === undefined)) {
        await sleep(200 * (attempt + 1));
        continue;
      }
      throw err;
    }
  }
}

/** Replaces an object's spec (GET then PUT, retried on conflicts); resolves with performance.now() just before the accepted PUT was sent. */
export async function replaceSpec(api: Api, path: string, spec: unknown): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const current = await api.request<Record<string, unknown>>("GET", path);
    const sentAt = performance.now();
    try {
      await api.request("PUT", path, { ...current, spec });
      return sentAt;
    } catch (err) {
      if (KubeError.from(err).statusCode === 409 && attempt < 10) continue;
      throw err;
    }
  }
}

/** p50/p90/p99 (nearest rank) of a list. */
export function percentiles(values: readonly number[]): { p50: number; p90: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return { p50: at(50), p90: at(90), p99: at(99) };
}

export function median(values: readonly number[]): number {
  return percentiles(values).p50;
}
