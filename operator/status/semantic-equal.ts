// Equality of status values as the API server stores them: it omits empty and unset fields (omitempty), so
// `{ingress: []}` written comes back as `{}`; treating those as different would make every write a non-no-op.

/** Deep equality of JSON-like values where undefined, null, [] and {} all mean "absent". Array order counts. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(prune(a) ?? null) === JSON.stringify(prune(b) ?? null);
}

// Drops absent values and sorts object keys, so equal content gives equal text.
function prune(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const items = value.map((v) => prune(v) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = prune((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}
