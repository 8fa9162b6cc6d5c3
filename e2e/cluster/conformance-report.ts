// Reads the Gateway API conformance suite's report (ConformanceReport YAML) and says what is wrong with
// it for an implementation that claims a feature list: a failed or skipped test in any profile, a
// profile that did not run, or a claimed feature the suite did not count as supported. The suite's
// exit code alone misses a profile it never ran, and its report alone misses parallel tests that fail
// only through the exit code, so CI checks both.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

interface Statistics {
  readonly Passed?: number;
  readonly Failed?: number;
  readonly Skipped?: number;
}

interface ProfileReport {
  readonly name?: string;
  readonly core?: { readonly result?: string; readonly statistics?: Statistics };
  readonly extended?: { readonly result?: string; readonly statistics?: Statistics; readonly unsupportedFeatures?: readonly string[] };
}

/** The figures of one profile, for logs and the README. */
export interface ProfileFigures {
  readonly name: string;
  readonly core: Required<Statistics>;
  readonly extended: Required<Statistics>;
}

function figures(s: Statistics | undefined): Required<Statistics> {
  return { Passed: s?.Passed ?? 0, Failed: s?.Failed ?? 0, Skipped: s?.Skipped ?? 0 };
}

/** The profiles of a report and their statistics. */
export function reportFigures(text: string): ProfileFigures[] {
  const doc = parse(text) as { profiles?: readonly ProfileReport[] } | null;
  return (doc?.profiles ?? []).map((p) => ({ name: p.name ?? "", core: figures(p.core?.statistics), extended: figures(p.extended?.statistics) }));
}

/**
 * Problems of a report: `profiles` must all be there with no failed or skipped test, core or
 * extended, and no feature of `claimed` may be listed as unsupported. Empty when all is well.
 */
export function reportProblems(text: string, profiles: readonly string[], claimed: readonly string[]): string[] {
  const doc = parse(text) as { profiles?: readonly ProfileReport[] } | null;
  const problems: string[] = [];
  for (const name of profiles) {
    const p = doc?.profiles?.find((x) => x.name === name);
    if (p === undefined) {
      problems.push(`profile ${name}: not in the report`);
      continue;
    }
    const core = figures(p.core?.statistics);
    const extended = figures(p.extended?.statistics);
    if (core.Failed > 0 || core.Skipped > 0 || core.Passed === 0) problems.push(`profile ${name}: core ${core.Passed} passed, ${core.Failed} failed, ${core.Skipped} skipped`);
    if (extended.Failed > 0 || extended.Skipped > 0) problems.push(`profile ${name}: extended ${extended.Passed} passed, ${extended.Failed} failed, ${extended.Skipped} skipped`);
    // The suite lists each extended feature of the profile as supported or unsupported.
    const unsupported = new Set(p.extended?.unsupportedFeatures ?? []);
    for (const f of claimed) {
      if (unsupported.has(f)) problems.push(`profile ${name}: claimed feature ${f} is listed as unsupported`);
    }
  }
  return problems;
}

/** reportProblems of a report file; a missing or unreadable file is a problem too. */
export function reportFileProblems(path: string, profiles: readonly string[], claimed: readonly string[]): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return [`${path}: ${(err as Error).message}`];
  }
  return reportProblems(text, profiles, claimed);
}
