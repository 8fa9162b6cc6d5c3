import assert from "node:assert/strict";
import { findConflicts, type ConflictCandidate } from "./listener-conflicts.js";

const l = (ownerRank: number, port: number, protocol: string, hostname?: string): ConflictCandidate => ({ ownerRank, port, protocol, ...(hostname !== undefined ? { hostname } : {}) });

describe("listener conflicts", () => {
  const table: { name: string; in: ConflictCandidate[]; want: (string | undefined)[] }[] = [
    { name: "distinct by port", in: [l(0, 80, "HTTP"), l(0, 8080, "HTTP")], want: [undefined, undefined] },
    { name: "distinct by hostname on one port", in: [l(0, 80, "HTTP", "a.com"), l(0, 80, "HTTP", "b.com"), l(0, 80, "HTTP")], want: [undefined, undefined, undefined] },
    { name: "same hostname on one port: both lose", in: [l(0, 80, "HTTP", "a.com"), l(0, 80, "HTTP", "a.com")], want: ["HostnameConflict", "HostnameConflict"] },
    { name: "HTTP and HTTPS on one port", in: [l(0, 443, "HTTP"), l(0, 443, "HTTPS", "a.com")], want: ["ProtocolConflict", "ProtocolConflict"] },
    { name: "HTTPS and TLS share a port by SNI", in: [l(0, 443, "HTTPS", "a.com"), l(0, 443, "TLS", "b.com")], want: [undefined, undefined] },
    { name: "TCP and UDP on one port are distinct", in: [l(0, 53, "TCP"), l(0, 53, "UDP")], want: [undefined, undefined] },
    { name: "two TCP on one port", in: [l(0, 9000, "TCP"), l(0, 9000, "TCP")], want: ["ProtocolConflict", "ProtocolConflict"] },
    { name: "ListenerSet loses to the Gateway", in: [l(0, 80, "HTTP", "a.com"), l(1, 80, "HTTP", "a.com"), l(1, 80, "HTTP", "b.com")], want: [undefined, "HostnameConflict", undefined] },
    { name: "an earlier ListenerSet wins over a later one", in: [l(1, 443, "HTTPS"), l(2, 443, "HTTP")], want: [undefined, "ProtocolConflict"] },
    { name: "a loser does not knock out later objects", in: [l(0, 80, "HTTP", "a.com"), l(1, 80, "HTTP", "a.com"), l(2, 80, "HTTP", "a.com")], want: [undefined, "HostnameConflict", "HostnameConflict"] },
    { name: "a ListenerSet listener lost to the Gateway does not knock out its siblings", in: [l(0, 80, "HTTP", "a.com"), l(1, 80, "TCP"), l(1, 80, "HTTP", "b.com")], want: [undefined, "ProtocolConflict", undefined] },
    { name: "a lose-only listener is told it conflicts but knocks out nobody", in: [l(0, 80, "HTTP"), { ...l(0, 80, "TCP"), loseOnly: true }, { ...l(0, 9000, "TCP"), loseOnly: true }, l(1, 9000, "HTTP")], want: [undefined, "ProtocolConflict", undefined, undefined] },
    { name: "protocol conflict preferred", in: [l(0, 80, "HTTP", "a.com"), l(0, 80, "HTTPS", "a.com"), l(0, 80, "HTTP", "a.com")], want: ["ProtocolConflict", "ProtocolConflict", "ProtocolConflict"] },
  ];
  for (const t of table) it(t.name, () => assert.deepEqual(findConflicts(t.in), t.want));
});
