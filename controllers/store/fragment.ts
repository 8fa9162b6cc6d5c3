import type { Cluster, SourceRef, TcpProxyHost, TlsSecret, VirtualHost } from "../model/model.js";
import type { ObjectKey } from "../source/object-cache.js";

/** A status condition, shaped like metav1.Condition. */
export interface Condition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
  /**
   * For kinds whose status groups problems by area (HTTPProxy's DetailedCondition sub-conditions:
   * "TLSError", "IncludeError", ...): the area this error or warning belongs to.
   */
  readonly category?: string;
}

/** Conditions a reconcile determined for another object than its source (an HTTPProxy it included). */
export interface RelatedConditions {
  readonly key: ObjectKey;
  readonly conditions: readonly Condition[];
}

/** What one reconcile of one source object contributes to the shared model. */
export interface Fragment {
  readonly source: SourceRef;
  readonly virtualHosts: readonly VirtualHost[];
  readonly tcpProxies: readonly TcpProxyHost[];
  readonly clusters: readonly Cluster[];
  readonly secrets: readonly TlsSecret[];
  /** Conditions the source object should carry; a bad object has an error here and no routes. */
  readonly conditions: readonly Condition[];
  /** Every object the reconcile read, present or missing: a change to any of them re-runs it. */
  readonly dependencies: readonly ObjectKey[];
  /**
   * A host this source must own alone (an HTTPProxy root's fqdn, compared case-insensitively). When
   * two sources claim the same one, neither contributes anything and both are told (DuplicateVhost).
   */
  readonly exclusiveFqdn?: string;
  /** Conditions for objects this reconcile visited on the source's behalf (included HTTPProxies). */
  readonly related?: readonly RelatedConditions[];
}
