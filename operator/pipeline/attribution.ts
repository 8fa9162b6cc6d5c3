// Which source objects a failed piece of Envoy configuration came from: the names of virtual hosts,
// filter chains, clusters and secrets point back to the fragments that contributed them.
import type { SourceRef } from "../../controllers/model/model.js";
import { formatKey, type ObjectKey } from "../../controllers/source/object-cache.js";
import type { Fragment } from "../../controllers/store/fragment.js";

/** A piece of Envoy configuration to attribute: a host (virtual host or SNI chain), a cluster or a secret. */
export interface Piece {
  readonly piece: "virtualHost" | "filterChain" | "cluster" | "secret";
  /** The fqdn of a host, the name of a cluster or secret. */
  readonly name: string;
  /** The routes' sources when known (an included HTTPProxy or the source itself): narrows a shared host. */
  readonly sources?: readonly SourceRef[];
}

/** A source and its fragment as reconciled. */
export interface SourceFragment {
  readonly key: ObjectKey;
  readonly fragment: Fragment;
}

const refKey = (s: SourceRef): string => `${s.kind}/${s.namespace}/${s.name}`;

function contributes(fragment: Fragment, piece: Piece): boolean {
  switch (piece.piece) {
    case "cluster":
      return fragment.clusters.some((c) => c.name === piece.name);
    case "secret":
      return fragment.secrets.some((s) => s.name === piece.name);
    default: {
      const fqdn = piece.name.toLowerCase();
      return fragment.virtualHosts.some((v) => v.fqdn.toLowerCase() === fqdn) || fragment.tcpProxies.some((t) => t.fqdn.toLowerCase() === fqdn);
    }
  }
}

function hasRouteOf(entry: SourceFragment, sources: ReadonlySet<string>, fqdn: string): boolean {
  if (sources.has(refKey(entry.key))) return true;
  for (const vhost of entry.fragment.virtualHosts) {
    if (vhost.fqdn.toLowerCase() !== fqdn) continue;
    if (vhost.routes.some((r) => sources.has(refKey(r.source)))) return true;
  }
  return entry.fragment.tcpProxies.some((t) => t.fqdn.toLowerCase() === fqdn && sources.has(refKey(t.source)));
}

/**
 * The sources responsible for the pieces, sorted and each once: those contributing the piece and,
 * when the piece names its routes' sources, only those holding such a route (all contributors when
 * none does, so a piece is never left unattributed because a name did not resolve).
 */
export function attributePieces(pieces: readonly Piece[], entries: Iterable<SourceFragment>): ObjectKey[] {
  const all = [...entries];
  const found = new Map<string, ObjectKey>();
  for (const piece of pieces) {
    const contributors = all.filter((e) => contributes(e.fragment, piece));
    const named = new Set((piece.sources ?? []).map(refKey));
    const narrowed = named.size === 0 ? contributors : contributors.filter((e) => hasRouteOf(e, named, piece.name.toLowerCase()));
    for (const e of narrowed.length > 0 ? narrowed : contributors) found.set(formatKey(e.key), e.key);
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}
