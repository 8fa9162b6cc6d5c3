// What the bed runs for the CoreDNS image: a process that stays up until it is told to stop, and
// binds DNS port 53 so a probe of the port finds it. Over UDP it answers every query as CoreDNS's
// `whoami` plugin would (an A record of the asker's address), so a UDPRoute in front of it can be
// seen to work; it forwards nothing anywhere.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import * as packet from "dns-packet";

const udp = createSocket("udp4");
udp.on("error", (err) => console.error(`coredns stub: udp :53: ${err.message}`));
udp.on("message", (msg, rinfo) => {
  try {
    const query = packet.decode(msg);
    const answers = (query.questions ?? []).map((q) => ({ type: "A" as const, name: q.name, ttl: 0, data: rinfo.address }));
    udp.send(packet.encode({ type: "response", id: query.id ?? 0, flags: packet.AUTHORITATIVE_ANSWER, questions: query.questions ?? [], answers }), rinfo.port, rinfo.address);
  } catch (err) {
    console.error(`coredns stub: undecodable query from ${rinfo.address}: ${(err as Error).message}`);
  }
});
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
