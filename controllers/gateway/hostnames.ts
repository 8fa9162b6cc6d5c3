// Gateway API hostnames: validation, listener/route intersection, and listener precedence by specificity.

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Why a Gateway API hostname (exact, or "*." + exact) is invalid, or undefined when valid. */
export function hostnameProblem(hostname: string): string | undefined {
  if (hostname.length === 0) return "must not be empty";
  if (hostname.length > 253) return "must be at most 253 characters";
  if (/^[0-9.]+$/.test(hostname) || hostname.includes(":")) return "must be a DNS name, not an IP address";
  const exact = hostname.startsWith("*.") ? hostname.slice(2) : hostname;
  const labels = exact.split(".");
  if (labels.some((l) => !LABEL.test(l))) return "must be a lower-case DNS name, optionally prefixed by a single \"*.\" wildcard label";
  return undefined;
}

/** Whether a hostname is a wildcard ("*.example.com"). */
export function isWildcard(hostname: string): boolean {
  return hostname.startsWith("*.");
}

/** Whether a hostname matches a pattern: equal, or the pattern is "*.suffix" and the hostname ends in ".suffix" (one label or more). */
function matchesPattern(hostname: string, pattern: string): boolean {
  if (!isWildcard(pattern)) return hostname === pattern;
  const suffix = pattern.slice(1); // ".example.com"
  return hostname.length > suffix.length && hostname.endsWith(suffix);
}

/**
 * The hostname a route hostname serves on a listener, or undefined when they do not intersect, as
 * the spec defines it: an empty listener hostname takes the route's; an exact one must equal or fall
 * under the other's wildcard; of two overlapping wildcards the narrower one remains.
 */
export function intersectHostname(listener: string | undefined, route: string): string | undefined {
  if (listener === undefined || listener === "") return route;
  if (matchesPattern(route, listener)) return route;
  if (matchesPattern(listener, route)) return listener;
  return undefined;
}

/**
 * The hostnames a route serves on a listener: each route hostname intersected with the listener's,
 * or the listener's own ("*" for none) when the route names no hostname. Empty when none
 * intersects (NoMatchingListenerHostname). Sorted, each once.
 */
export function routeHostnamesOnListener(listener: string | undefined, routeHostnames: readonly string[]): string[] {
  if (routeHostnames.length === 0) return [listener === undefined || listener === "" ? "*" : listener];
  const out = new Set<string>();
  for (const h of routeHostnames) {
    const i = intersectHostname(listener, h.toLowerCase());
    if (i !== undefined) out.add(i);
  }
  return [...out].sort();
}

/**
 * Listener hostname precedence for requests: exact names first, then wildcards with more labels
 * right of the "*" first, then the empty hostname (negative: a before b).
 */
export function compareHostnameSpecificity(a: string | undefined, b: string | undefined): number {
  return specificity(b) - specificity(a);
}

function specificity(h: string | undefined): number {
  if (h === undefined || h === "") return 0;
  const labels = h.split(".").length;
  return isWildcard(h) ? labels : 1000 + labels;
}

/**
 * Whether a request for `hostname` (exact or wildcard, as served on a listener) would be taken by a
 * more specific sibling listener on the same port instead: listener isolation keeps it off `own`.
 */
export function claimedByMoreSpecific(hostname: string, own: string | undefined, siblings: readonly (string | undefined)[]): boolean {
  return siblings.some((s) => s !== undefined && s !== "" && compareHostnameSpecificity(s, own) < 0 && (matchesPattern(hostname, s) || hostname === s));
}
