// Free TCP ports on 127.0.0.1, for the processes that cannot be told to bind port 0 and report it.
import { createServer } from "node:net";

// Ports handed out by this process are never handed out twice, even though the kernel would: two
// components asking before either binds must not collide.
const issued = new Set<number>();

/** A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it, close). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await bindEphemeral();
    if (!issued.has(port)) {
      issued.add(port);
      return port;
    }
  }
  throw new Error("e2e harness: could not find a free port on 127.0.0.1 after 20 attempts");
}

function bindEphemeral(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error("e2e harness: bind to port 0 returned no port"))));
    });
  });
}

/**
 * Runs `start` again (up to `attempts` times) when it fails because a port picked by freePort was
 * taken in between by someone else: the machine is shared, and a free port is only a snapshot.
 */
export async function retryOnPortClash<T>(start: (attempt: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(attempt);
    } catch (err) {
      const clash = err instanceof Error && /address already in use|EADDRINUSE/i.test(err.message);
      if (!clash || attempt >= attempts) throw err;
    }
  }
}
