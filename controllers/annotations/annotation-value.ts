import type { Condition } from "../store/fragment.js";
import { quote, warningCondition } from "../store/conditions.js";

/** A parsed annotation: the value to use (the default when the annotation was bad) and why it was ignored. */
export interface Parsed<T> {
  readonly value: T;
  readonly warnings: readonly Condition[];
}

/** Annotation maps as Kubernetes objects carry them. */
export type Annotations = Readonly<Record<string, string>> | undefined;

/**
 * Longest annotation value read. Kubernetes allows 256 KiB for all annotations together; none of
 * ours needs more than a few hundred characters, and a cap keeps hostile values from costing work.
 */
export const MAX_ANNOTATION_VALUE = 4096;

/** The Contour annotation prefix. */
export const CONTOUR_PREFIX = "projectcontour.io/";

/** What readAnnotation gives for an annotation that is not there (most are not), shared: Parsed is read-only. */
const ABSENT: Parsed<undefined> = { value: undefined, warnings: [] };

/** Reads an annotation: undefined when absent, or a warning when too long to be sensible. */
export function readAnnotation(annotations: Annotations, key: string): Parsed<string | undefined> {
  const value = annotations?.[key];
  if (value === undefined) return ABSENT;
  if (value.length > MAX_ANNOTATION_VALUE) {
    return {
      value: undefined,
      warnings: [warningCondition("AnnotationValueTooLong", `annotation ${quote(key)}: value of ${value.length} characters exceeds ${MAX_ANNOTATION_VALUE}; ignored`)],
    };
  }
  return { value, warnings: [] };
}

/** The warning for an annotation whose value could not be used. */
export function invalidAnnotation(reason: string, key: string, value: string, why: string): Condition {
  return warningCondition(reason, `annotation ${quote(key)}: value ${quote(value)} ${why}; ignored`);
}

/** Splits a comma-separated list, trimming blanks and dropping empty entries, as upstream does. */
export function splitList(value: string): string[] {
  if (value === "") return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
