/**
 * How HTTPProxy problems are reported: each is an error or a warning of the proxy's `Valid`
 * DetailedCondition, in an area (upstream's ConditionType*Error sub-condition types), with a PascalCase
 * reason and a message that starts with the field at fault. Reasons follow upstream's.
 */
import type { Condition } from "../store/fragment.js";
import { errorCondition, warningCondition } from "../store/conditions.js";
import { formatKey, type ObjectKey } from "../source/object-cache.js";

/** Sub-condition types of the Valid condition, as upstream's apis/projectcontour/v1 names them. */
export const Area = {
  Auth: "AuthError",
  CORS: "CORSError",
  Include: "IncludeError",
  IPFilter: "IPFilterError",
  JWTVerification: "JWTVerificationError",
  Orphaned: "Orphaned",
  PrefixReplace: "PrefixReplaceError",
  RootNamespace: "RootNamespaceError",
  Route: "RouteError",
  Service: "ServiceError",
  Spec: "SpecError",
  TCPProxy: "TCPProxyError",
  TCPProxyInclude: "TCPProxyIncludeError",
  TLS: "TLSError",
  VirtualHost: "VirtualHostError",
} as const;

/** One of the areas. */
export type AreaName = (typeof Area)[keyof typeof Area];

/** An error: what the field describes is not served. */
export function proxyError(area: AreaName, reason: string, message: string): Condition {
  return { ...errorCondition(reason, message), category: area };
}

/** A warning: the field is ignored, the rest is served. */
export function proxyWarning(area: AreaName, reason: string, message: string): Condition {
  return { ...warningCondition(reason, message), category: area };
}

/** Re-files a condition built by a shared helper (a Service or Secret lookup) under an area and reason. */
export function refile(condition: Condition, area: AreaName, reason: string): Condition {
  return { ...condition, reason, category: area };
}

/** Conditions gathered per HTTPProxy while one root is reconciled: the root's own and every included proxy's. */
export interface ProxyReports {
  /** Records a problem of a proxy. */
  add(key: ObjectKey, condition: Condition): void;
  /** Records that a proxy was reached (it gets a status even without problems). */
  visit(key: ObjectKey): void;
  /** Whether a proxy has an error so far. */
  hasError(key: ObjectKey): boolean;
  /** Every proxy reached, in the order first reached, with its conditions. */
  entries(): readonly { readonly key: ObjectKey; readonly conditions: readonly Condition[] }[];
}

/** Creates an empty set of reports. */
export function createProxyReports(): ProxyReports {
  const byKey = new Map<string, { key: ObjectKey; conditions: Condition[] }>();
  const entry = (key: ObjectKey): { key: ObjectKey; conditions: Condition[] } => {
    const k = formatKey(key);
    let e = byKey.get(k);
    if (e === undefined) {
      e = { key: { kind: key.kind, namespace: key.namespace, name: key.name }, conditions: [] };
      byKey.set(k, e);
    }
    return e;
  };
  return {
    add: (key, condition) => void entry(key).conditions.push(condition),
    visit: (key) => void entry(key),
    hasError: (key) => (byKey.get(formatKey(key))?.conditions ?? []).some((c) => c.type === "Valid" && c.status === "False"),
    entries: () => [...byKey.values()],
  };
}
