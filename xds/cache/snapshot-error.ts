// The one error the cache throws: a snapshot that would leave Envoy waiting for missing resources.

/** A snapshot refused by the consistency check; `problems` lists every inconsistency found. */
export class InconsistentSnapshotError extends Error {
  /** Stable identifier for callers that branch on the kind of error. */
  readonly code = "inconsistent_snapshot";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : "";
    super(`snapshot refused: ${problems.length} consistency problem${problems.length === 1 ? "" : "s"}:\n  ${shown.join("\n  ")}${more}`);
    this.name = "InconsistentSnapshotError";
    this.problems = problems;
  }

  /** The InconsistentSnapshotError inside `err`, or undefined when it is some other failure. */
  static from(err: unknown): InconsistentSnapshotError | undefined {
    return err instanceof InconsistentSnapshotError ? err : undefined;
  }
}
