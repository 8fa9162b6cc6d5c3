// Addresses the bed puts on the host: one link per bed (a veth pair: this kernel has no dummy links) holding the kubelet's node address (from
// the pod range) and the LoadBalancer addresses (198.19.255.0/24). The link's alias names the owning
// test process, so a later run deletes the links of runs that were killed before they could.
import { execFileSync } from "node:child_process";
import { freeSubnet, ipBinary, runIp, subnetAddress } from "./pod-network.js";
import { isAlive } from "./run-dir.js";

/** The range LoadBalancer Services get their addresses from: never overlaps the pod range. */
export const LOAD_BALANCER_RANGE = "198.19.255.0/24";
const ALIAS_PREFIX = "contour-e2e-host-";
let sequence = 0;

/** The bed's host link and the addresses on it. */
export interface HostAddresses {
  readonly link: string;
  /** A fresh address from the pod range (host 1 of a free /30), for the kubelet's Node. */
  addNodeAddress(): string;
  /** A free address of the LoadBalancer range's auto-assign hosts (198.19.255.1–199), now on the link. */
  addLoadBalancerAddress(): string;
  /** Puts this address (a caller-checked one of the LoadBalancer range) on the link. */
  addRequestedAddress(address: string): void;
  /** Whether an address is on any link of this host (another bed's, say). */
  isOnHost(address: string): boolean;
  /** Takes an address off the link. */
  removeAddress(address: string): void;
  /** Deletes the link and every address on it. Idempotent. */
  remove(): void;
}

/** Creates the bed's host link (after deleting the links of dead runs). */
export function createHostAddresses(): HostAddresses {
  const ip = ipBinary();
  removeStaleLinks(ip);
  const link = `ctrh${(process.pid % 1_000_000).toString(36)}${(sequence++).toString(36)}`.slice(0, 14);
  runIp(ip, ["link", "add", link, "type", "veth", "peer", "name", `${link}p`.slice(0, 15)]);
  let removed = false;
  try {
    runIp(ip, ["link", "set", link, "alias", `${ALIAS_PREFIX}${process.pid}`]);
    // A local address gets its local route only while its link is up, and a veth is up only with its peer.
    runIp(ip, ["link", "set", `${link}p`.slice(0, 15), "up"]);
    runIp(ip, ["link", "set", link, "up"]);
  } catch (err) {
    runIp(ip, ["link", "del", link]);
    throw err;
  }
  return {
    link,
    addNodeAddress() {
      const address = subnetAddress(freeSubnet(ip), 1);
      runIp(ip, ["addr", "add", `${address}/32`, "dev", link]);
      return address;
    },
    addLoadBalancerAddress() {
      const used = runIp(ip, ["-4", "-o", "addr", "show"]);
      // .200–.254 are given only to Services that ask for them (load-balancer-requests.ts).
      const start = Math.floor(Math.random() * 199);
      for (let i = 0; i < 199; i++) {
        const address = `198.19.255.${((start + i) % 199) + 1}`;
        if (used.includes(` ${address}/`)) continue;
        runIp(ip, ["addr", "add", `${address}/32`, "dev", link]);
        return address;
      }
      throw new Error(`no free address left in ${LOAD_BALANCER_RANGE} for a LoadBalancer Service`);
    },
    addRequestedAddress(address) {
      runIp(ip, ["addr", "add", `${address}/32`, "dev", link]);
    },
    isOnHost(address) {
      return runIp(ip, ["-4", "-o", "addr", "show"]).includes(` ${address}/`);
    },
    removeAddress(address) {
      try {
        runIp(ip, ["addr", "del", `${address}/32`, "dev", link]);
      } catch {
        // already gone
      }
    },
    remove() {
      if (removed) return;
      removed = true;
      try {
        runIp(ip, ["link", "del", link]);
      } catch {
        // already gone
      }
    },
  };
}

// Links whose alias names a test process that no longer exists.
function removeStaleLinks(ip: string): void {
  let links: Array<{ ifname: string; ifalias?: string }>;
  try {
    links = JSON.parse(execFileSync(ip, ["-j", "link", "show", "type", "veth"], { encoding: "utf8" })) as typeof links;
  } catch {
    return;
  }
  for (const l of links) {
    const match = new RegExp(`^${ALIAS_PREFIX}(\\d+)$`).exec(l.ifalias ?? "");
    if (match?.[1] !== undefined && !isAlive(Number(match[1]))) {
      try {
        runIp(ip, ["link", "del", l.ifname]);
      } catch {
        // another run may be removing it too
      }
    }
  }
}
