// Upstream config-file keys that the reconcilers read (not Envoy's options): today only
// enableExternalNameService, which lets HTTPProxy routes reach ExternalName Services.
import type { AppliedValues } from "./envoy-options.js";
import { FALLBACK_CERTIFICATE_KEYS, readFallbackCertificate } from "./fallback-certificate.js";

/** What the HTTPProxy reconciler takes from the config file. */
export interface ReconcileFileOptions {
  /** Route to ExternalName Services (upstream's enableExternalNameService; default false, GHSA-5ph6-qq5x-7jwc). */
  readonly enableExternalNameService: boolean;
  /** The Secret served to clients without SNI for hosts that enable it (upstream's `tls.fallback-certificate`); undefined: none. */
  readonly fallbackCertificate?: { readonly namespace: string; readonly name: string } | undefined;
}

/** The applied keys that belong here rather than to envoy-options.ts. */
export const RECONCILE_KEYS: ReadonlySet<string> = new Set(["enableExternalNameService", ...FALLBACK_CERTIFICATE_KEYS]);

/** The reconcilers' options from the applied upstream keys (values arrive type-checked). */
export function buildReconcileOptions(applied: AppliedValues): { options: ReconcileFileOptions; errors: string[] } {
  const fallback = readFallbackCertificate(applied);
  return {
    options: { enableExternalNameService: applied.get("enableExternalNameService")?.value === true, ...(fallback.value === undefined ? {} : { fallbackCertificate: fallback.value }) },
    errors: fallback.errors,
  };
}
