/**
 * Socket options of the HTTP and HTTPS listeners, as upstream Contour sets them: TCP keep-alive on
 * every accepted connection (so dead clients behind NATs and load balancers are noticed), and the
 * IPv4 TOS / IPv6 traffic class the operator asks for (`listener.socket-options`).
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { SocketOption_SocketState, type SocketOptionSchema } from "../gen/envoy/config/core/v3/socket_option_pb.js";
import type { ResolvedOptions } from "./options.js";

// Linux's values: Envoy passes level and name to setsockopt(2) as they are.
const SOL_SOCKET = 1;
const SO_KEEPALIVE = 9;
const IPPROTO_TCP = 6;
const TCP_KEEPIDLE = 4;
const TCP_KEEPINTVL = 5;
const TCP_KEEPCNT = 6;
const IPPROTO_IP = 0;
const IP_TOS = 1;
const IPPROTO_IPV6 = 41;
const IPV6_TCLASS = 67;

type SocketOptionInit = MessageInitShape<typeof SocketOptionSchema>;

function option(description: string, level: number, name: number, value: number): SocketOptionInit {
  return { description, level: BigInt(level), name: BigInt(name), value: { case: "intValue", value: BigInt(value) }, state: SocketOption_SocketState.STATE_LISTENING };
}

/** The listeners' socket options: keep-alive (idle 45 s, probes every 5 s, 9 of them), then TOS and traffic class when set. */
export function listenerSocketOptions(options: Pick<ResolvedOptions, "socketTos" | "socketTrafficClass">): SocketOptionInit[] {
  return [
    option("Enable TCP keep-alive", SOL_SOCKET, SO_KEEPALIVE, 1),
    option("TCP keep-alive initial idle time", IPPROTO_TCP, TCP_KEEPIDLE, 45),
    option("TCP keep-alive time between probes", IPPROTO_TCP, TCP_KEEPINTVL, 5),
    option("TCP keep-alive probe count", IPPROTO_TCP, TCP_KEEPCNT, 9),
    ...(options.socketTos === 0 ? [] : [option("Set IPv4 TOS field", IPPROTO_IP, IP_TOS, options.socketTos)]),
    ...(options.socketTrafficClass === 0 ? [] : [option("Set IPv6 Traffic Class field", IPPROTO_IPV6, IPV6_TCLASS, options.socketTrafficClass)]),
  ];
}
