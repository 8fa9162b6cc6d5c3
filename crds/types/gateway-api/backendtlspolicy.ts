// BackendTLSPolicy (gateway.networking.k8s.io/v1, bundle v1.6.1), as upstream's backendtlspolicy_types.go.
import type { GatewayApiObject, LocalObjectReference, LocalPolicyTargetReferenceWithSectionName, PolicyStatus } from "./common.js";

/** A BackendTLSPolicy: how the Gateway connects with TLS to the Services it targets. */
export type BackendTLSPolicy = GatewayApiObject<BackendTLSPolicySpec, PolicyStatus>;

/** What a BackendTLSPolicy asks for. */
export interface BackendTLSPolicySpec {
  readonly targetRefs: readonly LocalPolicyTargetReferenceWithSectionName[];
  readonly validation: BackendTLSPolicyValidation;
  readonly options?: Readonly<Record<string, string>>;
}

/** How the backend's certificate is validated. */
export interface BackendTLSPolicyValidation {
  /** ConfigMaps (key ca.crt) holding CA bundles; exclusive with wellKnownCACertificates. */
  readonly caCertificateRefs?: readonly LocalObjectReference[];
  readonly wellKnownCACertificates?: "System";
  /** SNI, and the name the certificate must hold when subjectAltNames is empty. */
  readonly hostname: string;
  readonly subjectAltNames?: readonly SubjectAltName[];
}

/** A name the backend's certificate must hold. */
export interface SubjectAltName {
  readonly type: "Hostname" | "URI";
  readonly hostname?: string;
  readonly uri?: string;
}
