/** Secret validation and lookup, shared by every reconciler that terminates TLS. */
export { lookupTlsSecret, type SecretRef, type TlsSecretLookup } from "./lookup-tls-secret.js";
export { lookupCaSecret } from "./lookup-ca-secret.js";
export { delegationPermitted, type DelegationCheck, type TlsCertificateDelegation } from "./delegation.js";
export { validateTlsSecret, validateCaBundle, createTlsSecretValidator, type TlsSecretValidator, type TlsSecretValidation } from "./tls-secret-validation.js";
