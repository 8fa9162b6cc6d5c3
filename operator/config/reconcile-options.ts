// Upstream config-file keys that the reconcilers read (not Envoy's options): today only
// enableExternalNameService, which lets HTTPProxy routes reach ExternalName Services.
import type { AppliedValues } from "./envoy-options.js";

/** What the HTTPProxy reconciler takes from the config file. */
export interface ReconcileFileOptions {
  /** Route to ExternalName Services (upstream's enableExternalNameService; default false, GHSA-5ph6-qq5x-7jwc). */
  readonly enableExternalNameService: boolean;
}

/** The applied keys that belong here rather than to envoy-options.ts. */
export const RECONCILE_KEYS: ReadonlySet<string> = new Set(["enableExternalNameService"]);

/** The reconcilers' options from the applied upstream keys (values arrive type-checked). */
export function buildReconcileOptions(applied: AppliedValues): ReconcileFileOptions {
  return { enableExternalNameService: applied.get("enableExternalNameService")?.value === true };
}
