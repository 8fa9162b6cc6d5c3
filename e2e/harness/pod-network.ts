// A network namespace standing in for the pod network. kube-apiserver refuses loopback addresses in
// EndpointSlices, so backends that EndpointSlices point at live in a namespace of their own, reached
// over a veth pair with a /30 of 198.18.0.0/16 (198.18.0.0/15 is reserved for network tests, RFC 2544;
// its upper half holds the bed's LoadBalancer range, see host-addresses.ts).
import { execFileSync } from "node:child_process";
import { isAlive } from "./run-dir.js";

/** A network namespace with one veth link to the host. */
export interface PodNetwork {
  readonly name: string;
  /** The host side's address. */
  readonly gatewayIp: string;
  /** The address backends inside the namespace listen on. */
  readonly podIp: string;
  /** The command line that runs `command args` inside the namespace. */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  /** Deletes the namespace and its link. Idempotent. */
  remove(): void;
}

const IP = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];

/** Where pod /30s (and the kubelet's node address) come from. */
export const POD_RANGE = "198.18.0.0/16";
/** Everything the bed routes into a pod: the pod range and the LoadBalancer range (198.19.255.0/24). */
const BED_RANGE = "198.18.0.0/15";
const PREFIX = "ctr-e2e-";
let sequence = 0;

/** The path of `ip`, or an error naming the package and the cause. */
export function ipBinary(candidates: readonly string[] = IP): string {
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ["-V"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error("the e2e pod network needs the `ip` command (Debian package iproute2) and root; run `make tools`");
}

/** Runs `ip args`; the error quotes ip's stderr. */
export function runIp(ip: string, args: readonly string[]): string {
  try {
    return execFileSync(ip, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`ip ${args.join(" ")} failed: ${stderr.trim() || String(err)}`);
  }
}


/** Deletes the namespaces of runs that were killed before they could clean up (their owner pid is in the name). */
export function removeStalePodNetworks(ip: string = ipBinary()): void {
  for (const line of runIp(ip, ["netns", "list"]).split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const match = new RegExp(`^${PREFIX}(\\d+)-\\d+$`).exec(name);
    if (match?.[1] !== undefined && !isAlive(Number(match[1]))) {
      try {
        runIp(ip, ["netns", "del", name]);
      } catch {
        // another run may be removing it too
      }
    }
  }
}

/** Picks a /30 of the pod range (198.18.0.0/16) that no interface on this machine uses yet. */
export function freeSubnet(ip: string): number {
  const used = runIp(ip, ["-4", "-o", "addr", "show"]);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const index = Math.floor(Math.random() * 16384);
    const base = subnetAddress(index, 1);
    if (!used.includes(` ${base}/`)) return index;
  }
  throw new Error(`no free /30 left in ${POD_RANGE} for the e2e pod network`);
}

/** Host 1 (the host side) or 2 (the pod) of the /30 number `index` of the pod range. */
export function subnetAddress(index: number, host: 1 | 2): string {
  const value = (198 << 24) + (18 << 16) + index * 4 + host;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** Creates a fresh network namespace reachable from the host. */
export function createPodNetwork(): PodNetwork {
  const ip = ipBinary();
  removeStalePodNetworks(ip);
  const id = `${process.pid}-${sequence++}`;
  const name = `${PREFIX}${id}`;
  // Interface names are limited to 15 characters.
  const tag = `${(process.pid % 100000).toString(36)}${sequence.toString(36)}`;
  const hostLink = `vh${tag}`.slice(0, 15);
  const podLink = `vp${tag}`.slice(0, 15);
  const index = freeSubnet(ip);
  const gatewayIp = subnetAddress(index, 1);
  const podIp = subnetAddress(index, 2);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try {
      runIp(ip, ["netns", "del", name]);
    } catch {
      // already gone
    }
    try {
      runIp(ip, ["link", "del", hostLink]);
    } catch {
      // deleting the namespace took the pair with it
    }
  };
  try {
    runIp(ip, ["netns", "add", name]);
    runIp(ip, ["link", "add", hostLink, "type", "veth", "peer", "name", podLink, "netns", name]);
    runIp(ip, ["addr", "add", `${gatewayIp}/30`, "dev", hostLink]);
    runIp(ip, ["link", "set", hostLink, "up"]);
    runIp(ip, ["netns", "exec", name, "ip", "addr", "add", `${podIp}/30`, "dev", podLink]);
    runIp(ip, ["netns", "exec", name, "ip", "link", "set", podLink, "up"]);
    runIp(ip, ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
    // Other pods, the node address and LoadBalancer addresses are reached through the host; nothing else is.
    runIp(ip, ["netns", "exec", name, "ip", "route", "add", BED_RANGE, "via", gatewayIp]);
  } catch (err) {
    remove();
    throw err;
  }
  return {
    name,
    gatewayIp,
    podIp,
    wrap: (command, args) => ({ command: ip, args: ["netns", "exec", name, command, ...args] }),
    remove,
  };
}
