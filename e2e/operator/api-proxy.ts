// A TCP proxy in front of the test API server, so a spec can cut one client off (connections reset,
// new ones refused) while the API server itself keeps running for everyone else.
import { createConnection, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** A running proxy. */
export interface ApiProxy {
  /** https://127.0.0.1:<port>: the API server's certificate is valid for 127.0.0.1 on any port. */
  readonly url: string;
  /** TCP connections accepted so far (every watch and request of an agent without keep-alive is one). */
  connections(): number;
  /** Resets every open connection and every new one until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (an https://host:port URL). */
export async function startApiProxy(target: string): Promise<ApiProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let accepted = 0;
  let down = false;
  const server = createServer((client) => {
    accepted++;
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined); // resets are the point of this proxy
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxyPort = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${proxyPort}`,
    connections: () => accepted,
    cut() {
      down = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      down = false;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
