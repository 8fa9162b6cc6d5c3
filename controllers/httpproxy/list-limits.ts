/**
 * Bounds on the lists of one HTTPProxy, checked by the reconciler. Upstream's CRD bounds none of them
 * and ours admits what upstream's admits (a manifest that applies upstream applies here), so the
 * bounds that keep one hostile object from costing the controller and every Envoy out of proportion
 * live here and end in a status condition naming the list, never in an admission error.
 * They are far above what a real proxy needs (a route with 17 or 200 services is fine).
 */

/** Items one list may hold, by the list's field name; other lists get LIST_DEFAULT. */
export const LIST_LIMITS: Readonly<Record<string, number>> = {
  routes: 4096,
  includes: 1024,
  services: 1024,
  conditions: 64,
  ipAllowPolicy: 1024,
  ipDenyPolicy: 1024,
};

/** Items of any other list (headers to set or remove, hash policies, descriptors, cookie rewrites...). */
export const LIST_DEFAULT = 256;

/** Nesting followed at most: the schema's own depth is about ten; deeper values are not walked. */
const MAX_DEPTH = 16;

/** The first list of `spec` (at `path`) longer than its bound, as a message naming it; undefined when all fit. */
export function listLimitProblem(spec: unknown, path = "spec"): string | undefined {
  return walk(spec, path, "", 0);
}

function walk(value: unknown, path: string, name: string, depth: number): string | undefined {
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    const limit = LIST_LIMITS[name] ?? LIST_DEFAULT;
    if (value.length > limit) return `${path}: ${value.length} items, more than the ${limit} this controller accepts`;
    for (let i = 0; i < value.length; i++) {
      const problem = walk(value[i], `${path}[${i}]`, name, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const problem = walk(child, `${path}.${key}`, key, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
