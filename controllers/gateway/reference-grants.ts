import type { ReferenceGrant } from "../../crds/types/gateway-api/referencegrant.js";
import type { DependencySet, GatewayObjects } from "./objects.js";

/** The referring side of a cross-namespace reference. */
export interface ReferenceFrom {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
}

/** The referenced side: an object in another namespace. */
export interface ReferenceTo {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** Answers whether a reference across namespaces is permitted by a ReferenceGrant. */
export interface ReferenceGrantIndex {
  /** True for a same-namespace reference, or when a grant in the target's namespace permits it. */
  permits(from: ReferenceFrom, to: ReferenceTo): boolean;
}

/**
 * Builds the permission index from every ReferenceGrant: a grant in namespace N lets objects of a
 * `from` (group, kind, namespace) refer to objects of a `to` (group, kind[, name]) in N. Grants only
 * ever add permissions, so the index is the union of all entries; a grant never reaches outside
 * its own namespace.
 */
export function indexReferenceGrants(grants: readonly ReferenceGrant[]): ReferenceGrantIndex {
  // key: `${toNamespace}\n${fromGroup}\n${fromKind}\n${fromNamespace}\n${toGroup}\n${toKind}` → names ("" = all)
  const allowed = new Map<string, Set<string>>();
  for (const grant of grants) {
    const ns = grant.metadata?.namespace ?? "";
    for (const from of grant.spec?.from ?? []) {
      for (const to of grant.spec?.to ?? []) {
        const key = [ns, from.group ?? "", from.kind, from.namespace, to.group ?? "", to.kind].join("\n");
        let names = allowed.get(key);
        if (names === undefined) allowed.set(key, (names = new Set()));
        names.add(to.name ?? "");
      }
    }
  }
  return {
    permits(from, to) {
      if (from.namespace === to.namespace) return true;
      const names = allowed.get([to.namespace, from.group, from.kind, from.namespace, to.group, to.kind].join("\n"));
      return names !== undefined && (names.has("") || names.has(to.name));
    },
  };
}

/**
 * Whether `from` may refer to `to`, reading the ReferenceGrants of the target's namespace only and
 * recording that namespace's grants as a dependency (a grant created later must re-run the reconcile).
 */
export function referencePermitted(objects: GatewayObjects, deps: DependencySet, from: ReferenceFrom, to: ReferenceTo): boolean {
  if (from.namespace === to.namespace) return true;
  deps.add("ReferenceGrant", to.namespace, "*");
  return indexReferenceGrants(objects.list<ReferenceGrant>("ReferenceGrant", to.namespace)).permits(from, to);
}
