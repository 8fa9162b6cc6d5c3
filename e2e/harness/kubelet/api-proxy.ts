// Where pods reach the API server: a TCP relay on the node address (port 443) to kube-apiserver on
// 127.0.0.1, since a pod's 127.0.0.1 is its own. TLS passes through untouched: the API server's
// certificate names the node address (its --advertise-address), so in-cluster clients verify it.
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

/** A running relay. */
export interface ApiProxy {
  readonly port: number;
  close(): void;
}

/** Relays host:port to the API server at `target`. */
export async function startApiProxy(host: string, port: number, target: URL): Promise<ApiProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new Error(`e2e kubelet: cannot relay the API server on ${host}:${port}: ${err.message}`)));
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
