// CONTOUR_TEST_FAULTS: faults planted below validation for end-to-end tests of isolation and NACK
// quarantine (see xds/translate/test-faults.ts). JSON, e.g. {"rejectedHosts":["bad.test"]}.
import type { TestFaults } from "../../xds/translate/index.js";

/** The environment variable contour serve reads test faults from. */
export const TEST_FAULTS_ENV = "CONTOUR_TEST_FAULTS";

/** The faults the variable asks for, or undefined when unset; throws on a malformed value. */
export function readTestFaults(env: NodeJS.ProcessEnv = process.env): TestFaults | undefined {
  const raw = env[TEST_FAULTS_ENV];
  if (raw === undefined || raw === "") return undefined;
  const parsed: unknown = JSON.parse(raw);
  const hosts = (field: string): string[] | undefined => {
    const value = (parsed as Record<string, unknown>)[field];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new Error(`${TEST_FAULTS_ENV}: ${field} must be a list of host names`);
    return value as string[];
  };
  if (typeof parsed !== "object" || parsed === null) throw new Error(`${TEST_FAULTS_ENV}: expected a JSON object`);
  const unencodableHosts = hosts("unencodableHosts");
  const rejectedHosts = hosts("rejectedHosts");
  const rebuildFailureHosts = hosts("rebuildFailureHosts");
  return {
    ...(unencodableHosts === undefined ? {} : { unencodableHosts }),
    ...(rejectedHosts === undefined ? {} : { rejectedHosts }),
    ...(rebuildFailureHosts === undefined ? {} : { rebuildFailureHosts }),
  };
}
