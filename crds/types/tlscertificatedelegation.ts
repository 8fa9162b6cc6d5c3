// TLSCertificateDelegation (projectcontour.io/v1): lets HTTPProxies in other namespaces use a Secret
// of this namespace. Shapes match crds/projectcontour.io_tlscertificatedelegations.yaml.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { DetailedCondition } from "./detailed-condition.js";

/** A TLSCertificateDelegation object. */
export interface TLSCertificateDelegation extends KubernetesObject {
  readonly spec: TLSCertificateDelegationSpec;
  readonly status?: TLSCertificateDelegationStatus;
}

/** The delegations this object grants. */
export interface TLSCertificateDelegationSpec {
  readonly delegations: readonly CertificateDelegation[];
}

/** Permission for the target namespaces to reference one Secret of this namespace. */
export interface CertificateDelegation {
  /** A Secret in the delegation's own namespace. */
  readonly secretName: string;
  /** Namespaces allowed to use the Secret; "*" means every namespace. */
  readonly targetNamespaces: readonly string[];
}

/** What the controller reports about a TLSCertificateDelegation. */
export interface TLSCertificateDelegationStatus {
  readonly conditions?: readonly DetailedCondition[];
}
