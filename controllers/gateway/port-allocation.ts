import { compareText } from "./objects.js";

/** One Gateway port that needs an Envoy listener port. */
export interface PortClaim {
  /** "namespace/name" of the Gateway. */
  readonly gateway: string;
  /** The listener port clients use (the owned Service's port). */
  readonly port: number;
}

/** An Envoy listener port given to a (Gateway, port). */
export interface PortAllocation extends PortClaim {
  readonly envoyPort: number;
}

/** The Envoy ports Gateways may be given, inclusive, and ports never to hand out. */
export interface PortRange {
  readonly min: number;
  readonly max: number;
  /** Ports in the range already used otherwise (ingress_http, ingress_https, stats, admin). */
  readonly reserved?: readonly number[];
}

/** What allocation decided: every claim's port, and the claims that found no free port. */
export interface AllocationResult {
  readonly allocations: readonly PortAllocation[];
  readonly exhausted: readonly PortClaim[];
}

const claimKey = (c: PortClaim): string => `${c.gateway}\n${c.port}`;

/**
 * Gives each (Gateway, port) an Envoy listener port, keeping every previous allocation that is
 * still claimed and still valid (in range, not reserved, not taken twice), so ports are stable
 * across restarts (previous allocations are read back from the owned Services' targetPorts) and
 * across other Gateways coming and going. New claims get the lowest free ports, in (Gateway, port)
 * order, so every replica decides alike. A claim that finds no free port is reported, not dropped
 * silently (its listeners get Programmed=False). Pure: same inputs, same output.
 */
export function allocateGatewayPorts(claims: readonly PortClaim[], previous: readonly PortAllocation[], range: PortRange): AllocationResult {
  const reserved = new Set(range.reserved ?? []);
  const wanted = new Map<string, PortClaim>();
  for (const c of claims) wanted.set(claimKey(c), { gateway: c.gateway, port: c.port });
  const used = new Set<number>();
  const kept = new Map<string, PortAllocation>();
  // Sorted so that two previous allocations of one Envoy port (a corrupted record) resolve the same way everywhere.
  for (const p of [...previous].sort(compareAllocations)) {
    const k = claimKey(p);
    if (!wanted.has(k) || kept.has(k)) continue;
    if (p.envoyPort < range.min || p.envoyPort > range.max || reserved.has(p.envoyPort) || used.has(p.envoyPort)) continue;
    kept.set(k, { gateway: p.gateway, port: p.port, envoyPort: p.envoyPort });
    used.add(p.envoyPort);
  }
  const allocations: PortAllocation[] = [...kept.values()];
  const exhausted: PortClaim[] = [];
  let next = range.min;
  for (const c of [...wanted.values()].sort(compareClaims)) {
    if (kept.has(claimKey(c))) continue;
    while (next <= range.max && (used.has(next) || reserved.has(next))) next++;
    if (next > range.max) {
      exhausted.push(c);
      continue;
    }
    used.add(next);
    allocations.push({ ...c, envoyPort: next });
  }
  return { allocations: allocations.sort(compareClaims), exhausted };
}

function compareClaims(a: PortClaim, b: PortClaim): number {
  return compareText(a.gateway, b.gateway) || a.port - b.port;
}

function compareAllocations(a: PortAllocation, b: PortAllocation): number {
  return compareClaims(a, b) || a.envoyPort - b.envoyPort;
}
