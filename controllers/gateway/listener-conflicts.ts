/** One listener as conflict detection sees it. */
export interface ConflictCandidate {
  /** Precedence of the object declaring it: 0 for the Gateway, then its ListenerSets in order. */
  readonly ownerRank: number;
  readonly port: number;
  readonly protocol: string;
  readonly hostname?: string;
  /**
   * A listener refused on its own (a protocol this controller does not serve) that can still lose to
   * an accepted one, so it is told ProtocolConflict, but never wins nor knocks out another.
   */
  readonly loseOnly?: boolean;
}

/** Why a listener is not distinct. */
export type ConflictReason = "HostnameConflict" | "ProtocolConflict";

// Protocols that can share a port, told apart by hostname (Host header or SNI).
const PORT_FAMILY: Readonly<Record<string, string>> = { HTTP: "http", HTTPS: "tls", TLS: "tls", TCP: "tcp", UDP: "udp" };
const BY_HOSTNAME: ReadonlySet<string> = new Set(["HTTP", "HTTPS", "TLS"]);

/** Why two listeners are not distinct, or undefined when they are. */
export function conflictBetween(a: ConflictCandidate, b: ConflictCandidate): ConflictReason | undefined {
  const transport = (p: string): string => (p === "UDP" ? "udp" : "tcp");
  if (a.port !== b.port || transport(a.protocol) !== transport(b.protocol)) return undefined;
  if ((PORT_FAMILY[a.protocol] ?? a.protocol) !== (PORT_FAMILY[b.protocol] ?? b.protocol)) return "ProtocolConflict";
  if (!BY_HOSTNAME.has(a.protocol) || !BY_HOSTNAME.has(b.protocol)) return "ProtocolConflict";
  return (a.hostname ?? "") === (b.hostname ?? "") ? "HostnameConflict" : undefined;
}

/**
 * The conflict of each candidate (undefined: distinct), with the spec's precedence between objects:
 * the Gateway's listeners first, then each ListenerSet's in order. A listener that clashes with an
 * accepted one of an earlier object loses; listeners of one object that clash with each other (and
 * with no earlier one) all lose, since the spec forbids picking a winner among them. A ProtocolConflict is reported in
 * preference to a HostnameConflict.
 */
export function findConflicts(candidates: readonly ConflictCandidate[]): (ConflictReason | undefined)[] {
  const result: (ConflictReason | undefined)[] = candidates.map(() => undefined);
  const winners: ConflictCandidate[] = [];
  const ranks = [...new Set(candidates.map((c) => c.ownerRank))].sort((a, b) => a - b);
  const worse = (cur: ConflictReason | undefined, next: ConflictReason | undefined): ConflictReason | undefined => (cur === "ProtocolConflict" ? cur : (next ?? cur));
  for (const rank of ranks) {
    const group = candidates.map((c, i) => ({ c, i })).filter((x) => x.c.ownerRank === rank);
    for (const { c, i } of group) for (const w of winners) result[i] = worse(result[i], conflictBetween(c, w));
    // A listener already lost to an earlier object does not also knock out its siblings.
    const inGroup = group.filter(({ c, i }) => result[i] === undefined && c.loseOnly !== true);
    for (const { c, i } of inGroup) {
      for (const { c: other, i: j } of inGroup) if (j !== i) result[i] = worse(result[i], conflictBetween(c, other));
    }
    // A lose-only listener is told when it clashes with a sibling, which keeps its own verdict.
    for (const { c, i } of group) if (c.loseOnly === true && result[i] === undefined) for (const { c: other } of inGroup) result[i] = worse(result[i], conflictBetween(c, other));
    for (const { c, i } of inGroup) if (result[i] === undefined) winners.push(c);
  }
  return result;
}
