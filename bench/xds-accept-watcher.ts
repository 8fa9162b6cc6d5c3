// The versions Envoy ACKed, per type, read from the xDS server's "xDS response accepted" debug log
// records: benchmarks hand `stream` to the server's logger and await `until(type, version)`.

/** Accepted versions per type, from the server's own "accepted" log records. */
export function acceptWatcher() {
  const accepted = new Map<string, Set<string>>();
  const waiters = new Set<() => void>();
  const stream = {
    write(raw: object) {
      const record = raw as Record<string, unknown>;
      if (record["msg"] !== "xDS response accepted") return;
      const type = String(record["type"]);
      const set = accepted.get(type) ?? new Set<string>();
      set.add(String(record["version"]));
      accepted.set(type, set);
      for (const w of [...waiters]) w();
    },
  };
  const until = (type: string, version: string, timeoutMs = 600_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (accepted.get(type)?.has(version) !== true) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${type} version ${version} not ACKed within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { stream, until };
}
