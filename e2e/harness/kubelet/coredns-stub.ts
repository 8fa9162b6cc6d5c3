// What the bed runs for the CoreDNS image: a process that stays up until it is told to stop, and
// binds DNS port 53 so a probe of the port finds it. It answers no queries.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

const udp = createSocket("udp4");
udp.on("error", (err) => console.error(`coredns stub: udp :53: ${err.message}`));
udp.bind(53, "0.0.0.0", () => console.log("coredns stub: listening on :53 (udp, tcp)"));
const tcp = createServer((socket) => socket.destroy());
tcp.on("error", (err) => console.error(`coredns stub: tcp :53: ${err.message}`));
tcp.listen(53, "0.0.0.0");

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    console.log(`coredns stub: ${signal}, exiting`);
    process.exit(0);
  });
}
