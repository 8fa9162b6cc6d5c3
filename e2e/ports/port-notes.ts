// Why a ported test fails on upstream Contour v1.33.6 when the cause is the bed or a deliberate
// difference, not the port: shown in the README table's note column. Keyed by mocha's full title.

/** Notes by full test title. */
export const PORT_NOTES: Readonly<Record<string, string>> = {
  "HTTPProxy: fallback certificate (tls.fallback-certificate) needs a TLSCertificateDelegation for a proxy of another namespace":
    "not an upstream assertion (the port's own extra case): same reason (TLSError/FallbackNotDelegated), but our messages start with the field path (project rule), upstream's with `Spec.VirtualHost.TLS Secret … is not configured for certificate delegation`",
};
