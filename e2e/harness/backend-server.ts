// A standalone backends process: `node backend-server.js <address> <name>...` starts one backend per
// name on <address> and prints `{"name":…,"port":…}` per backend, then `ready`. Used to run backends
// inside the pod network namespace.
import process from "node:process";
import { startBackend } from "./backends.js";

async function main(): Promise<void> {
  const [address, ...names] = process.argv.slice(2);
  if (address === undefined || names.length === 0) {
    process.stderr.write("usage: backend-server <address> <name>...\n");
    process.exit(2);
  }
  for (const name of names) {
    const backend = await startBackend(name, address);
    process.stdout.write(`${JSON.stringify({ name, port: backend.port })}\n`);
  }
  process.stdout.write("ready\n");
  // Runs until the test bed stops it (the bed also has the kernel kill it if the test process dies).
}

void main();
