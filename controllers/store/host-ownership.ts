import type { Condition } from "./fragment.js";
import type { ObjectKey } from "../source/object-cache.js";
import { compareKeys, compareStrings } from "../source/object-cache.js";
import { errorCondition, quote, warningCondition } from "./conditions.js";
import { sortInPlace } from "../model/sort.js";

/**
 * Who may add routes to a host several APIs name.
 *
 * Upstream Contour builds Ingresses and HTTPProxies into the same virtual hosts: an Ingress of any
 * namespace adds its paths to an HTTPProxy root's host (and silently loses a path the proxy also
 * routes). Here a host belongs to the sources of the highest-precedence API that names it; a source of
 * a lower-precedence API may add routes to it only from one of the owners' namespaces (as upstream, so
 * a team's own Ingress still works next to its proxy), and from anywhere else its whole contribution to
 * that host is refused, the refused source and the owners both told. Sources of one API on one host do
 * not outrank each other: HTTPProxy roots settle that with exclusive claims (DuplicateVhost), Ingresses
 * merge path by path, as upstream.
 */

/**
 * Precedence of each API on a shared host, lower first: an HTTPProxy root owns its fqdn; Gateway API
 * routes (once served) come next; Ingress, the least expressive and least delegated, comes last. Kinds
 * not listed rank below all of these.
 */
export const API_PRECEDENCE: Readonly<Record<string, number>> = { HTTPProxy: 0, HTTPRoute: 1, GRPCRoute: 1, TLSRoute: 1, TCPRoute: 1, Ingress: 2 };

/** The rank of kinds API_PRECEDENCE does not list. */
const UNLISTED_RANK = 3;

/** The reason an intruding source gets: the host belongs to another namespace's source. */
export const HOST_OWNED_ELSEWHERE = "HostOwnedByAnotherNamespace";
/** The reason of the warning an owner gets for every source refused on its host. */
export const FOREIGN_ROUTES_REFUSED = "ForeignRoutesRefused";
/** The sub-condition type both are filed under in HTTPProxy status, as upstream files host problems. */
const VIRTUAL_HOST_ERROR = "VirtualHostError";
/** Owners named in one message, at most: a host with many claimants must not make a huge condition. */
const MAX_NAMED = 3;

/** A source that names a host: by contributing routes to it, or by claiming it exclusively. */
export interface HostParty {
  /** The source's key as the store formats it (`Kind/namespace/name`). */
  readonly sourceKey: string;
  readonly key: ObjectKey;
  /** False for a source the store serves nothing of (it lost an exclusive claim): it still owns. */
  readonly served: boolean;
}

/** Who of a host's parties is merged, and what the others and the owners are told. */
export interface Ownership {
  /** Served sources whose contributions are merged, in merge order: by API precedence, then by key. */
  readonly admitted: readonly string[];
  /** Conditions by source key: an error for each refused source, a warning per refusal for each owner. */
  readonly conditions: ReadonlyMap<string, readonly Condition[]>;
}

/** The conditions of a host whose parties are all admitted (shared: Ownership's map is read-only). */
const NO_CONDITIONS: ReadonlyMap<string, readonly Condition[]> = new Map();

/** The precedence rank of a kind on a shared host (lower owns). */
export function hostRank(kind: string): number {
  return API_PRECEDENCE[kind] ?? UNLISTED_RANK;
}

/**
 * Settles a host: the parties of the best rank own it, lower-ranked parties are admitted from the
 * owners' namespaces and refused from any other. Pure; `parties` may come in any order.
 */
export function settleHostOwnership(host: string, parties: readonly HostParty[]): Ownership {
  // Most hosts have one party, which owns the host: nothing to sort, nobody to refuse.
  const [only] = parties;
  if (parties.length === 1 && only !== undefined) return { admitted: only.served ? [only.sourceKey] : [], conditions: NO_CONDITIONS };
  const sorted = sortInPlace([...parties], (a, b) => hostRank(a.key.kind) - hostRank(b.key.kind) || compareStrings(a.sourceKey, b.sourceKey));
  const first = sorted[0];
  if (first === undefined) return { admitted: [], conditions: new Map() };
  const topRank = hostRank(first.key.kind);
  const owners = sorted.filter((p) => hostRank(p.key.kind) === topRank);
  const ownerNamespaces = new Set(owners.map((p) => p.key.namespace));
  const admitted: string[] = [];
  const refused: HostParty[] = [];
  for (const p of sorted) {
    if (!p.served) continue;
    if (hostRank(p.key.kind) === topRank || ownerNamespaces.has(p.key.namespace)) admitted.push(p.sourceKey);
    else refused.push(p);
  }
  const conditions = new Map<string, Condition[]>();
  if (refused.length === 0) return { admitted, conditions };
  const ownerNames = describeOwners(owners.map((p) => p.key));
  for (const p of refused) {
    const message = `host ${quote(host)} is owned by ${ownerNames}; sources in namespace ${quote(p.key.namespace)} cannot add routes to it, so none of this ${p.key.kind}'s routes for the host are served`;
    conditions.set(p.sourceKey, [{ ...errorCondition(HOST_OWNED_ELSEWHERE, message), category: VIRTUAL_HOST_ERROR }]);
  }
  for (const owner of owners) {
    if (!owner.served) continue;
    conditions.set(
      owner.sourceKey,
      refused.map((p) => {
        const message = `host ${quote(host)}: the routes of ${p.key.kind} ${p.key.namespace}/${p.key.name} are not served; only sources in the owner's namespace may add routes to this host`;
        return { ...warningCondition(FOREIGN_ROUTES_REFUSED, message), category: VIRTUAL_HOST_ERROR };
      }),
    );
  }
  return { admitted, conditions };
}

function describeOwners(keys: readonly ObjectKey[]): string {
  const names = [...keys].sort(compareKeys).map((k) => `${k.kind} ${k.namespace}/${k.name}`);
  if (names.length <= MAX_NAMED) return names.join(", ");
  return `${names.slice(0, MAX_NAMED).join(", ")} and ${names.length - MAX_NAMED} more`;
}
