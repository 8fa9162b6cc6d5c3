import type { Route, TcpProxyHost, VirtualHost } from "../model/model.js";
import type { Condition } from "./fragment.js";
import { canonicalJson } from "../model/names.js";
import { errorCondition, quote } from "./conditions.js";
import { describePath, sortRoutes } from "./route-order.js";

/** One source's virtual host for an fqdn, with the source's key (`Kind/namespace/name`). */
export interface Contribution<T> {
  readonly sourceKey: string;
  readonly value: T;
}

/** A merged host and the conditions owed to the sources that lost part of their claim. */
export interface Merged<T> {
  /** Undefined when nothing is left to serve (a TLS-only host that no source gives routes). */
  readonly value: T | undefined;
  readonly conflicts: ReadonlyMap<string, readonly Condition[]>;
}

/** The conflicts of a merge without any (shared: Merged's map is read-only). */
const NO_CONFLICTS: ReadonlyMap<string, readonly Condition[]> = new Map();

/** Computes a route's match key; the store passes a memoised one. */
export type MatchKeyOf = (route: Route) => string;

/**
 * Merges the virtual hosts several sources declare for one fqdn. Contributions come in merge order
 * (the host's owners first, then by source key; see host-ownership.ts): the first source to claim a
 * route match or a TLS setting keeps it, and every later source claiming the same one differently is
 * told why its claim is not served (upstream tells the losers of duplicate includes and conflicting
 * roots the same way). Routes of all sources are served, on the TLS settings of the first source
 * that has any; when an `owner` holds an exclusive
 * claim on the host (an HTTPProxy root), only the owner's TLS settings count, so that another source
 * can neither replace its certificate nor turn its TCP proxy host into an HTTPS one.
 */
export function mergeVirtualHost(fqdn: string, contributions: readonly Contribution<VirtualHost>[], matchKey: MatchKeyOf, owner?: string): Merged<VirtualHost> {
  // Made on the first conflict: the store keeps every host's merge, and most hosts have none.
  let conflicts: Map<string, Condition[]> | undefined;
  const report = (sourceKey: string, c: Condition): void => {
    conflicts ??= new Map();
    const list = conflicts.get(sourceKey);
    if (list === undefined) conflicts.set(sourceKey, [c]);
    else list.push(c);
  };
  const routes = new Map<string, { route: Route; sourceKey: string }>();
  let tls: { value: NonNullable<VirtualHost["tls"]>; sourceKey: string; jwtProviders?: VirtualHost["jwtProviders"] } | undefined;
  // Host-wide policies (CORS, rate limit, IP filter) come from HTTPProxy roots, of which at most one
  // owns a host (exclusive claims are settled before merging): the first source that has one keeps it.
  let cors: VirtualHost["cors"];
  let rateLimit: VirtualHost["rateLimit"];
  let globalRateLimit: VirtualHost["globalRateLimit"];
  let ipFilter: VirtualHost["ipFilter"];
  // External authorization guards the whole HTTPS chain: only the owner's (as its TLS settings).
  let authorization: VirtualHost["authorization"];

  for (const { sourceKey, value } of contributions) {
    cors ??= value.cors;
    rateLimit ??= value.rateLimit;
    globalRateLimit ??= value.globalRateLimit;
    ipFilter ??= value.ipFilter;
    if (owner === undefined || sourceKey === owner) authorization ??= value.authorization;
    if (value.tls !== undefined && owner !== undefined && sourceKey !== owner) {
      report(sourceKey, errorCondition("TLSConflict", `host ${quote(fqdn)}: the host belongs to ${owner}, whose TLS settings are used; this source's are not`));
    } else if (value.tls !== undefined) {
      // JWT providers belong to the TLS settings' source: they only exist on a host that terminates TLS.
      if (tls === undefined) tls = { value: value.tls, sourceKey, ...(value.jwtProviders !== undefined ? { jwtProviders: value.jwtProviders } : {}) };
      else if (!sameTls(tls.value, value.tls)) {
        report(sourceKey, errorCondition("TLSConflict", `host ${quote(fqdn)}: its TLS settings differ from those of ${tls.sourceKey}, which are used`));
      }
    }
    for (const route of value.routes) {
      const key = matchKey(route);
      const owner = routes.get(key);
      if (owner === undefined) routes.set(key, { route, sourceKey });
      else if (owner.sourceKey !== sourceKey) {
        report(sourceKey, errorCondition("DuplicateRoute", `host ${quote(fqdn)}: path ${describePath(route.match.path)} is already routed by ${owner.sourceKey}; this route is not served`));
      }
    }
  }

  if (routes.size === 0) return { value: undefined, conflicts: conflicts ?? NO_CONFLICTS };
  const merged: VirtualHost = {
    fqdn,
    routes: sortRoutes([...routes.values()].map((r) => r.route)),
    ...(tls !== undefined ? { tls: tls.value } : {}),
    ...(tls?.jwtProviders !== undefined ? { jwtProviders: tls.jwtProviders } : {}),
    ...(cors !== undefined ? { cors } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(globalRateLimit !== undefined ? { globalRateLimit } : {}),
    ...(ipFilter !== undefined ? { ipFilter } : {}),
    ...(authorization !== undefined ? { authorization } : {}),
  };
  return { value: merged, conflicts: conflicts ?? NO_CONFLICTS };
}

/** Equal TLS settings: the same object, or the same canonical JSON (only computed when a second source has some). */
function sameTls(a: NonNullable<VirtualHost["tls"]>, b: NonNullable<VirtualHost["tls"]>): boolean {
  return a === b || canonicalJson(a) === canonicalJson(b);
}

/** Merges TCP proxies claiming one fqdn: the first source keeps it, the others are told. */
export function mergeTcpProxy(fqdn: string, contributions: readonly Contribution<TcpProxyHost>[]): Merged<TcpProxyHost> {
  const [first, ...rest] = contributions;
  const conflicts = new Map<string, Condition[]>();
  for (const { sourceKey } of rest) {
    conflicts.set(sourceKey, [errorCondition("DuplicateTCPProxy", `host ${quote(fqdn)}: already proxied by ${first?.sourceKey ?? ""}; not served`)]);
  }
  return { value: first?.value, conflicts };
}
