// A network namespace standing in for the pod network. kube-apiserver refuses loopback addresses in
// EndpointSlices, so backends that EndpointSlices point at live in a namespace of their own, reached
// over a veth pair with addresses from 198.18.0.0/15 (reserved for network tests, RFC 2544).
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
const PREFIX = "ctr-e2e-";
let sequence = 0;

function ipBinary(): string {
  for (const candidate of IP) {
    try {
      execFileSync(candidate, ["-V"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error("the e2e pod network needs the `ip` command (Debian package iproute2) and root; run `make tools`");
}

function run(ip: string, args: readonly string[]): string {
  try {
    return execFileSync(ip, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`ip ${args.join(" ")} failed: ${stderr.trim() || String(err)}`);
  }
}


// Namespaces of runs that were killed before they could clean up: their owner pid is in the name.
function removeStale(ip: string): void {
  for (const line of run(ip, ["netns", "list"]).split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const match = new RegExp(`^${PREFIX}(\\d+)-\\d+$`).exec(name);
    if (match?.[1] !== undefined && !isAlive(Number(match[1]))) {
      try {
        run(ip, ["netns", "del", name]);
      } catch {
        // another run may be removing it too
      }
    }
  }
}

// A /30 of 198.18.0.0/15 that no interface on this machine uses yet.
function freeSubnet(ip: string): number {
  const used = run(ip, ["-4", "-o", "addr", "show"]);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const index = Math.floor(Math.random() * 32768);
    const base = subnetAddress(index, 1);
    if (!used.includes(` ${base}/`)) return index;
  }
  throw new Error("no free /30 left in 198.18.0.0/15 for the e2e pod network");
}

function subnetAddress(index: number, host: 1 | 2): string {
  const value = (198 << 24) + (18 << 16) + index * 4 + host;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** Creates a fresh network namespace reachable from the host. */
export function createPodNetwork(): PodNetwork {
  const ip = ipBinary();
  removeStale(ip);
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
      run(ip, ["netns", "del", name]);
    } catch {
      // already gone
    }
    try {
      run(ip, ["link", "del", hostLink]);
    } catch {
      // deleting the namespace took the pair with it
    }
  };
  try {
    run(ip, ["netns", "add", name]);
    run(ip, ["link", "add", hostLink, "type", "veth", "peer", "name", podLink, "netns", name]);
    run(ip, ["addr", "add", `${gatewayIp}/30`, "dev", hostLink]);
    run(ip, ["link", "set", hostLink, "up"]);
    run(ip, ["netns", "exec", name, "ip", "addr", "add", `${podIp}/30`, "dev", podLink]);
    run(ip, ["netns", "exec", name, "ip", "link", "set", podLink, "up"]);
    run(ip, ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
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
