// ReferenceGrant (gateway.networking.k8s.io/v1 and v1beta1, bundle v1.6.1), as upstream's referencegrant_types.go.
import type { KubernetesObject } from "@kubernetes/client-node";

/** A ReferenceGrant: lets objects of the `from` kinds and namespaces refer to the `to` objects of its own namespace. */
export interface ReferenceGrant extends KubernetesObject {
  readonly spec: ReferenceGrantSpec;
}

/** Who may refer to what. */
export interface ReferenceGrantSpec {
  readonly from: readonly ReferenceGrantFrom[];
  readonly to: readonly ReferenceGrantTo[];
}

/** A kind of referring object in a namespace. */
export interface ReferenceGrantFrom {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
}

/** A kind of object in the grant's namespace, all of them or one by name. */
export interface ReferenceGrantTo {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
}
