// A small JSON client for the bed's kube-apiserver, for the bed's own cluster components (kubelet,
// load balancer): plain requests with the admin token, merge patches, UID preconditions, and a
// list-then-watch loop that resumes after a dropped watch.
import { Agent, request } from "node:https";

/** Where the API server is and how to authenticate. */
export interface ApiTarget {
  readonly url: string;
  readonly token: string;
  readonly caPem: string;
}

/** An error answer of the API server: its HTTP status and the Status message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A watch event as the API server streams it. */
export interface WatchEvent<T> {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly object: T;
}

/** Any object with metadata. */
export interface KubeObject {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** The JSON client. */
export interface ApiClient {
  /** GET, POST, PUT, PATCH (merge patch) or DELETE; resolves with the parsed answer. */
  request<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** Lists then watches `path` (a collection) until close(); `onEvent` sees every object once per change. */
  watch<T extends KubeObject>(path: string, onEvent: (event: WatchEvent<T>) => void, onSynced?: () => void): { close(): void };
  /** Ends open watches and the keep-alive agent. */
  close(): void;
}

/** Creates a client for `target`. */
export function createApiClient(target: ApiTarget): ApiClient {
  const agent = new Agent({ keepAlive: true, ca: target.caPem, maxSockets: 16 });
  const base = new URL(target.url);
  const closers = new Set<() => void>();

  function send<T>(method: string, path: string, body: unknown, contentType: string | undefined): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: {
            authorization: `Bearer ${target.token}`,
            accept: "application/json",
            ...(payload !== undefined ? { "content-type": contentType ?? (method === "PATCH" ? "application/merge-patch+json" : "application/json"), "content-length": payload.length } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              try {
                resolve((text === "" ? {} : JSON.parse(text)) as T);
              } catch (err) {
                reject(err as Error);
              }
              return;
            }
            let message = text;
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? text;
            } catch {
              // not a Status object
            }
            reject(new ApiError(status, `${method} ${path}: ${status} ${message}`));
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  function watch<T extends KubeObject>(path: string, onEvent: (event: WatchEvent<T>) => void, onSynced?: () => void): { close(): void } {
    let closed = false;
    let current: { destroy(): void } | undefined;
    // What the last list or event said, so a relist can report the objects that vanished meanwhile.
    const known = new Map<string, T>();
    const key = (o: T): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
    const close = (): void => {
      closed = true;
      current?.destroy();
      closers.delete(close);
    };
    closers.add(close);

    const loop = async (): Promise<void> => {
      let synced = false;
      while (!closed) {
        try {
          const list = await send<{ metadata: { resourceVersion: string }; items: T[] }>("GET", path, undefined, undefined);
          const seen = new Set<string>();
          for (const item of list.items) {
            seen.add(key(item));
            const had = known.has(key(item));
            known.set(key(item), item);
            onEvent({ type: had ? "MODIFIED" : "ADDED", object: item });
          }
          for (const [k, old] of known) {
            if (!seen.has(k)) {
              known.delete(k);
              onEvent({ type: "DELETED", object: old });
            }
          }
          if (!synced) {
            synced = true;
            onSynced?.();
          }
          await streamWatch(list.metadata.resourceVersion);
        } catch {
          // The watch expired (410) or the connection dropped: relist after a pause.
        }
        if (!closed) await new Promise((r) => setTimeout(r, 200));
      }
    };

    const streamWatch = (resourceVersion: string): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const sep = path.includes("?") ? "&" : "?";
        const req = request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            method: "GET",
            path: `${path}${sep}watch=true&allowWatchBookmarks=false&resourceVersion=${resourceVersion}&timeoutSeconds=300`,
            headers: { authorization: `Bearer ${target.token}`, accept: "application/json" },
          },
          (res) => {
            if (res.statusCode !== 200) {
              res.resume();
              reject(new Error(`watch ${path}: ${res.statusCode}`));
              return;
            }
            let buffer = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              buffer += chunk;
              let nl: number;
              while ((nl = buffer.indexOf("\n")) >= 0) {
                const line = buffer.slice(0, nl).trim();
                buffer = buffer.slice(nl + 1);
                if (line === "") continue;
                const event = JSON.parse(line) as { type: string; object: T };
                if (event.type === "ERROR") {
                  req.destroy();
                  reject(new Error(`watch ${path}: ${JSON.stringify(event.object)}`));
                  return;
                }
                if (event.type === "DELETED") known.delete(key(event.object));
                else known.set(key(event.object), event.object);
                onEvent(event as WatchEvent<T>);
              }
            });
            res.on("end", () => resolve());
            res.on("error", reject);
          },
        );
        current = req;
        req.on("error", reject);
        req.end();
      });

    void loop();
    return { close };
  }

  return {
    request: (method, path, body, contentType) => send(method, path, body, contentType),
    watch,
    close() {
      for (const close of [...closers]) close();
      agent.destroy();
    },
  };
}
