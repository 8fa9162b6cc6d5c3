// "Did you mean …?" for unknown flags and config keys: the closest known name by edit distance.

/** Levenshtein distance between two strings (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known name closest to `name`, when it is close enough to be a likely typo: at most a third of
 * the name's length away (case and `-`/`_` ignored), or one name containing the other.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const wanted = norm(name);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const c = norm(candidate);
    const distance = c === wanted ? 0 : editDistance(wanted, c);
    if (best === undefined || distance < best.distance || (distance === best.distance && candidate < best.name)) best = { name: candidate, distance };
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return best.distance <= limit ? best.name : undefined;
}

/** `; did you mean "x"?` or nothing. */
export function didYouMean(name: string, known: Iterable<string>, prefix = ""): string {
  const close = closestName(name, known);
  return close === undefined ? "" : `; did you mean "${prefix}${close}"?`;
}
