// Upstream config-file keys accepted for compatibility that change nothing here, each checked the
// way upstream checks it: server.xds-server-type and featureFlags (omEnforcedHealthListener is served:
// admin-listener-options.ts).
import type { AppliedValues } from "./envoy-options.js";

/**
 * Upstream v1.33.6's known feature flags (apis/projectcontour/v1alpha1/contourconfig_helpers.go,
 * featureFlagsMap): none. Every flag is refused there, so it is here, with upstream's message.
 */
export const KNOWN_FEATURE_FLAGS: ReadonlySet<string> = new Set<string>();

/** Whether an applied key is one of these (and so not for envoy-options.ts). */
export function isCompatKey(key: string): boolean {
  return key === "featureFlags" || key === "server.xds-server-type";
}

/** Errors and warnings for the compatibility keys (values arrive type-checked). */
export function checkCompatKeys(applied: AppliedValues): { readonly errors: string[]; readonly warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const flags = applied.get("featureFlags");
  for (const flag of Array.isArray(flags?.value) ? (flags.value as unknown[]).map(String) : []) {
    // A flag may carry a value (`name=value`); upstream looks up the name alone.
    if (!KNOWN_FEATURE_FLAGS.has(flag.split("=")[0]!)) errors.push(`${flags!.source}: invalid contour configuration, unknown feature flag: ${flag}`);
  }
  // server.xds-server-type (contour|envoy, checked by the schema): there is one xDS server here, the same for both.
  return { errors, warnings };
}
